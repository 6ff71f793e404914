#include <gtest/gtest.h>

#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using testing::Points;
using testing::T;
using testing::World;

TEST(ExprEval, SofrIorbSpreadOnTheOctober2025Squeeze) {
  World w;
  EXPECT_NEAR(w.Number("sofr - iorb", "2025-10-28"), 0.16, 1e-12);  // 4.31 - 4.15
  EXPECT_TRUE(w.Eval("sofr - iorb > 10bp", "2025-10-28").boolean());
  EXPECT_FALSE(w.Eval("sofr - iorb > 10bp", "2025-10-24").boolean());  // 4.24 - 4.15
  EXPECT_NEAR(w.Number("sofr - iorb", "2025-10-31"), 0.32, 1e-12);     // 4.22 - 3.90 after the cut
}

TEST(ExprEval, ExplainShowsTheComparedValues) {
  World w;
  Program p = w.Compile("sofr - iorb > 10bp");
  EXPECT_EQ(p.Explain(w.history, D("2025-10-28"), T("2025-10-29T12:00:00Z")),
            "sofr - iorb = 16bp > 10bp");
  Program q = w.Compile("sofr > iorb and sofr > 4.3");
  EXPECT_EQ(q.Explain(w.history, D("2025-10-28"), T("2025-10-29T12:00:00Z")),
            "sofr = 4.31% > iorb = 4.15% and sofr = 4.31% > 4.30%");
  Program r = w.Compile("age(sofr) > 3d");
  EXPECT_EQ(r.Explain(w.history, D("2025-10-31"), T("2025-11-04T12:00:00Z")),
            "age(sofr) = 4d12h > 3d");
}

TEST(ExprEval, BareNumbersTakeTheCanonicalUnit) {
  World w;
  EXPECT_TRUE(w.Eval("sofr > 4.3", "2025-10-28").boolean());  // percent: 4.31 > 4.30
  EXPECT_FALSE(w.Eval("sofr > 4.3", "2025-10-29").boolean());
  EXPECT_NEAR(w.Number("sofr + 1", "2025-10-28"), 5.31, 1e-12);
  EXPECT_NEAR(w.Number("(sofr - iorb) * 100", "2025-10-28"), 16, 1e-9);  // in bp, still a rate
}

TEST(ExprEval, ComparisonsTolerateDecimalRounding) {
  World w;
  ASSERT_TRUE(w.history.Set(w.sofr, Points({{"2025-10-28", 4.25}})).ok());
  ASSERT_NE(4.25 - 4.15, 0.10);  // the reason for the tolerance
  EXPECT_TRUE(w.Eval("sofr - iorb >= 10bp", "2025-10-28").boolean());
  EXPECT_TRUE(w.Eval("sofr - iorb == 10bp", "2025-10-28").boolean());
  EXPECT_TRUE(w.Eval("sofr - iorb <= 10bp", "2025-10-28").boolean());
  EXPECT_FALSE(w.Eval("sofr - iorb < 10bp", "2025-10-28").boolean());
  EXPECT_FALSE(w.Eval("sofr - iorb > 10bp", "2025-10-28").boolean());
  EXPECT_FALSE(w.Eval("sofr - iorb != 10bp", "2025-10-28").boolean());
  EXPECT_TRUE(w.Eval("sofr - iorb > 9.99bp", "2025-10-28").boolean());
}

TEST(ExprEval, LagReadsEarlierObservations) {
  World w;
  EXPECT_DOUBLE_EQ(w.Number("sofr[1]", "2025-10-28"), 4.27);  // Oct 27
  EXPECT_DOUBLE_EQ(w.Number("sofr[1]", "2025-10-27"), 4.24);  // Friday Oct 24
  EXPECT_DOUBLE_EQ(w.Number("sofr[0]", "2025-10-27"), 4.27);
  EXPECT_DOUBLE_EQ(w.Number("sofr[1]", "2025-11-12"), 3.95);  // Nov 10, over the holiday
  EXPECT_EQ(w.Reason("sofr[3]", "2025-10-15"), "sofr: window 4 not full as of 2025-10-15");
}

TEST(ExprEval, AsOfReadsTheLatestObservationOnOrBefore) {
  World w;
  EXPECT_DOUBLE_EQ(w.Number("sofr", "2025-10-25"), 4.24);  // Saturday: Friday's fixing
  EXPECT_DOUBLE_EQ(w.Number("sofr", "2025-11-11"), 3.95);  // holiday: Monday's
  EXPECT_DOUBLE_EQ(w.Number("iorb", "2025-10-30"), 3.90);
}

TEST(ExprEval, MissingInputsAreNoDataWithReason) {
  World w;
  EXPECT_EQ(w.Reason("sofr > 4", "2025-01-02"), "sofr: no observation on or before 2025-01-02");
  EXPECT_EQ(w.Reason("tga > 800bn", "2025-10-28"), "tga: no observation on or before 2025-10-28");
  ASSERT_TRUE(w.history.Set(w.iorb, Points({{"2025-10-17", 4.15}, {"2025-10-20", 4.15}})).ok());
  EXPECT_EQ(w.Reason("sofr - iorb > 10bp", "2025-10-28"),
            "iorb: no observation within 7d of 2025-10-28 (latest 2025-10-20)");
  EXPECT_TRUE(w.Eval("sofr - iorb > 10bp", "2025-10-27").has_value());  // exactly 7 days old
}

TEST(ExprEval, AndOrUseThreeValuedLogic) {
  World w;
  ASSERT_TRUE(w.history.Set(w.iorb, {}).ok());
  EXPECT_FALSE(w.Eval("sofr > 5 and iorb > 0", "2025-10-28").boolean());  // false either way
  EXPECT_TRUE(w.Eval("sofr > 5 and iorb > 0", "2025-10-28").has_value());
  EXPECT_TRUE(w.Eval("sofr > 4 or iorb > 0", "2025-10-28").boolean());
  EXPECT_TRUE(w.Eval("iorb > 0 or sofr > 4", "2025-10-28").boolean());
  EXPECT_EQ(w.Reason("sofr > 4 and iorb > 0", "2025-10-28"),
            "iorb: no observation on or before 2025-10-28");
  EXPECT_EQ(w.Reason("iorb > 0 or sofr > 5", "2025-10-28"),
            "iorb: no observation on or before 2025-10-28");
  EXPECT_EQ(w.Reason("not (iorb > 0)", "2025-10-28"),
            "iorb: no observation on or before 2025-10-28");
}

TEST(ExprEval, DivisionByZeroIsNoData) {
  World w;
  ASSERT_TRUE(w.history.Set(w.tga, Points({{"2025-10-28", 0}})).ok());
  ASSERT_TRUE(w.history.Set(w.rrp, Points({{"2025-10-28", 14.096}})).ok());
  EXPECT_EQ(w.Reason("rrp / tga > 0.1", "2025-10-28"),
            "division by zero at column 5 on 2025-10-28");
  EXPECT_EQ(w.Reason("pct_change(tga, 1) > 5", "2025-10-29"),
            "tga: window 1 not full as of 2025-10-29");
}

TEST(ExprEval, MoneyRatiosAreFractions) {
  World w;
  ASSERT_TRUE(w.history.Set(w.tga, Points({{"2025-10-30", 1000.632}})).ok());
  ASSERT_TRUE(w.history.Set(w.walcl, Points({{"2025-10-29", 6587.034}})).ok());
  EXPECT_NEAR(w.Number("tga / walcl", "2025-10-30"), 1000.632 / 6587.034, 1e-12);
  EXPECT_TRUE(w.Eval("tga > 1tn", "2025-10-30").boolean());
  EXPECT_FALSE(w.Eval("tga > 1001bn", "2025-10-30").boolean());
}

TEST(ExprEval, DefaultProgramIsNoDataNotACrash) {
  World w;
  Program empty;
  EXPECT_TRUE(empty.Evaluate(w.history, D("2025-10-28"), T("2025-10-28T00:00:00Z")).is_no_data());
}

}  // namespace
}  // namespace liqwatch::expr
