// Every function against hand-computed values on real SOFR / IORB fixings (see test_util.h).
#include <gtest/gtest.h>

#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using testing::Points;
using testing::T;
using testing::World;

// SOFR Oct 27..31: 4.27 4.31 4.27 4.04 4.22; Oct 24: 4.24.

TEST(ExprFunctions, ChangeOverObservationsAndCalendarDays) {
  World w;
  EXPECT_NEAR(w.Number("change(sofr, 1)", "2025-10-28"), 0.04, 1e-12);
  EXPECT_NEAR(w.Number("change(sofr, 5)", "2025-10-31"), -0.02, 1e-12);   // vs Oct 24
  EXPECT_NEAR(w.Number("change(sofr, 7d)", "2025-10-31"), -0.02, 1e-12);  // as of Oct 24
  EXPECT_NEAR(w.Number("change(sofr, 1w)", "2025-10-31"), -0.02, 1e-12);
  EXPECT_NEAR(w.Number("change(sofr, 3d)", "2025-10-27"), 0.03, 1e-12);  // Fri Oct 24 4.24
  EXPECT_EQ(w.Reason("change(sofr, 30d)", "2025-10-28"),
            "sofr: window 30d not full as of 2025-10-28");
}

TEST(ExprFunctions, PctChangeIsPercentOfTheEarlierValue) {
  World w;
  EXPECT_NEAR(w.Number("pct_change(sofr, 1)", "2025-10-28"), 100 * 0.04 / 4.27, 1e-9);
  EXPECT_TRUE(w.Eval("pct_change(sofr, 1) > 0.9%", "2025-10-28").boolean());
  EXPECT_TRUE(w.Eval("pct_change(sofr, 1) < 1", "2025-10-28").boolean());
}

TEST(ExprFunctions, WindowAggregatesOverFiveObservations) {
  World w;
  EXPECT_DOUBLE_EQ(w.Number("min(sofr, 5)", "2025-10-31"), 4.04);
  EXPECT_DOUBLE_EQ(w.Number("max(sofr, 5)", "2025-10-31"), 4.31);
  EXPECT_NEAR(w.Number("avg(sofr, 5)", "2025-10-31"), 4.222, 1e-12);
  EXPECT_NEAR(w.Number("sum(sofr, 5)", "2025-10-31"), 21.11, 1e-12);
  EXPECT_NEAR(w.Number("stddev(sofr, 5)", "2025-10-31"), 0.10663020210053041, 1e-12);
  EXPECT_NEAR(w.Number("zscore(sofr, 5)", "2025-10-31"), -0.01875641197898312, 1e-9);
  EXPECT_DOUBLE_EQ(w.Number("pctrank(sofr, 5)", "2025-10-31"), 40);   // 4.04, 4.22 <= 4.22
  EXPECT_DOUBLE_EQ(w.Number("pctrank(sofr, 5)", "2025-10-28"), 100);  // 4.31 is the top
}

TEST(ExprFunctions, WindowsNeedFullHistory) {
  World w;
  EXPECT_EQ(w.Reason("avg(sofr, 30)", "2025-10-28"), "sofr: window 30 not full as of 2025-10-28");
  EXPECT_EQ(w.Reason("avg(sofr, 4w)", "2025-10-28"), "sofr: window 28d not full as of 2025-10-28");
  EXPECT_DOUBLE_EQ(w.Number("avg(sofr, 1)", "2025-10-14"), 4.19);
  EXPECT_EQ(w.Reason("stddev(sofr, 1)", "2025-10-28"), "sofr: window 1 not full as of 2025-10-28");
}

TEST(ExprFunctions, ZscoreOfAFlatSeriesIsNoData) {
  World w;
  EXPECT_EQ(w.Reason("zscore(iorb, 3)", "2025-10-27"),
            "iorb: zero variance over window 3 as of 2025-10-27");
}

TEST(ExprFunctions, BusinessDayWindowsSkipNov11) {
  World w;
  // 5bd ending Fri Nov 14: Nov 7, 10, 12, 13, 14 (Nov 11 is Veterans Day).
  EXPECT_NEAR(w.Number("avg(sofr, 5bd)", "2025-11-14"), 3.962, 1e-12);
  EXPECT_NEAR(w.Number("avg(sofr, 5)", "2025-11-14"), 3.962, 1e-12);
  // 7 calendar days: (Nov 7, Nov 14] holds four fixings.
  EXPECT_NEAR(w.Number("avg(sofr, 7d)", "2025-11-14"), 3.97, 1e-12);
  EXPECT_NEAR(w.Number("change(sofr, 2bd)", "2025-11-12"), 0.05, 1e-12);  // vs Fri Nov 7
}

TEST(ExprFunctions, BusinessDayWindowsSkipThanksgiving) {
  World w;
  EXPECT_NEAR(w.Number("change(sofr, 1bd)", "2025-11-28"), 0.07, 1e-12);  // vs Nov 26
  // Evaluated on the holiday itself: the 3 business days before it, Nov 24..26.
  EXPECT_NEAR(w.Number("avg(sofr, 3bd)", "2025-11-27"), 4.006666666666667, 1e-12);
  // IORB is published on every calendar day: 3bd before Sunday Nov 30 (Nov 25, 26, 28) spans
  // the daily points Nov 25..30, all 3.90.
  EXPECT_DOUBLE_EQ(w.Number("avg(iorb, 3bd)", "2025-11-30"), 3.90);
}

TEST(ExprFunctions, WindowsOverExpressionsStepOverTheFirstSeries) {
  World w;
  // sofr - iorb on Oct 29, 30, 31: 0.12, 0.14, 0.32.
  EXPECT_NEAR(w.Number("avg(sofr - iorb, 3)", "2025-10-31"), 0.19333333333333336, 1e-12);
  EXPECT_NEAR(w.Number("max(sofr - iorb, 3)", "2025-10-31"), 0.32, 1e-12);
  EXPECT_NEAR(w.Number("change(sofr - iorb, 1)", "2025-10-31"), 0.18, 1e-12);
}

TEST(ExprFunctions, StreakCountsConsecutiveObservations) {
  World w;
  // Oct 31 0.32, Oct 30 0.14, Oct 29 0.12, Oct 28 0.16, Oct 27 0.12, Oct 24 0.09 (stops).
  EXPECT_DOUBLE_EQ(w.Number("streak(sofr - iorb > 10bp)", "2025-10-31"), 5);
  EXPECT_DOUBLE_EQ(w.Number("streak(sofr - iorb > 10bp)", "2025-10-24"), 0);
  // SOFR above IORB on every fixing from Oct 20 (4.16) back to Oct 14: the history start.
  EXPECT_DOUBLE_EQ(w.Number("streak(sofr > iorb)", "2025-10-20"), 5);
  EXPECT_TRUE(w.Eval("streak(sofr - iorb > 10bp) >= 3", "2025-10-31").boolean());
}

TEST(ExprFunctions, CrossesNeedTheStateToChange) {
  World w;
  EXPECT_TRUE(w.Eval("crosses_above(sofr, 4.25)", "2025-10-27").boolean());   // 4.24 -> 4.27
  EXPECT_FALSE(w.Eval("crosses_above(sofr, 4.25)", "2025-10-28").boolean());  // 4.27 -> 4.31
  EXPECT_TRUE(w.Eval("crosses_below(sofr, 4.25)", "2025-10-30").boolean());   // 4.27 -> 4.04
  EXPECT_FALSE(w.Eval("crosses_below(sofr, 4.25)", "2025-10-31").boolean());
  // Level given by a series: SOFR - IORB crossing 10bp when the spread went 0.09 -> 0.12.
  EXPECT_TRUE(w.Eval("crosses_above(sofr, iorb + 10bp)", "2025-10-27").boolean());
  EXPECT_EQ(w.Reason("crosses_above(sofr, 4)", "2025-10-14"),
            "sofr: window 2 not full as of 2025-10-14");
}

TEST(ExprFunctions, AgeUsesInjectedNow) {
  World w;
  Program p = w.Compile("age(sofr)");
  Outcome r = p.Evaluate(w.history, D("2025-10-28"), T("2025-10-29T12:00:00Z"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.kind(), Kind::kDuration);
  EXPECT_DOUBLE_EQ(r.number(), 36 * 3600e3);
  Program stale = w.Compile("age(sofr) > 3d");
  EXPECT_FALSE(stale.Evaluate(w.history, D("2025-10-28"), T("2025-10-29T12:00:00Z")).boolean());
  EXPECT_TRUE(stale.Evaluate(w.history, D("2025-12-05"), T("2025-12-05T12:00:00Z")).boolean());
  // age() reports staleness itself, so it is not subject to the max age.
  EXPECT_TRUE(stale.Evaluate(w.history, D("2025-12-05"), T("2025-12-05T12:00:00Z")).has_value());
}

}  // namespace
}  // namespace liqwatch::expr
