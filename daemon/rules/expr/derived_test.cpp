#include "rules/expr/derived.h"

#include <gtest/gtest.h>

#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using testing::LoadShared;
using testing::T;
using testing::World;

// Real H.4.1 and DTS data: WALCL and WRESBAL weekly (Wednesday, USD millions), TGA daily
// (USD millions), RRP daily (USD billions). Canonical: USD billions.
struct Liquidity : World {
  Liquidity() {
    EXPECT_TRUE(history.Set(walcl, LoadShared("WALCL.csv", 1e-3)).ok());
    EXPECT_TRUE(history.Set(wresbal, LoadShared("WRESBAL.csv", 1e-3)).ok());
    EXPECT_TRUE(history.Set(tga, LoadShared("TGA_DTS_CLOSING_BALANCE.csv", 1e-3)).ok());
    EXPECT_TRUE(history.Set(rrp, LoadShared("RRPONTSYD.csv")).ok());
  }
};

TEST(ExprJoin, WeeklyReservesJoinDailyAsOf) {
  Liquidity w;
  // Oct 29 week average 2,848,021mn is the first print below $2.85tn.
  EXPECT_FALSE(w.Eval("wresbal < 2.85tn", "2025-10-28").boolean());  // reads Oct 22: 2933.037
  EXPECT_TRUE(w.Eval("wresbal < 2.85tn", "2025-10-29").boolean());
  EXPECT_TRUE(w.Eval("wresbal < 2.85tn", "2025-11-04").boolean());   // still Oct 29's print
  EXPECT_FALSE(w.Eval("wresbal < 2.85tn", "2025-11-05").boolean());  // 2862.569
  EXPECT_NEAR(w.Number("wresbal - rrp", "2025-10-31"), 2848.021 - 51.802, 1e-9);
}

TEST(ExprJoin, StaleWeeklyInputIsNoData) {
  Liquidity w;
  auto points = LoadShared("WRESBAL.csv", 1e-3);
  points.resize(9);  // through 2025-10-29
  ASSERT_EQ(points.back().date, D("2025-10-29"));
  ASSERT_TRUE(w.history.Set(w.wresbal, points).ok());
  EXPECT_TRUE(w.Eval("wresbal < 2.85tn", "2025-11-05").has_value());  // 7 days: still fresh
  EXPECT_EQ(w.Reason("wresbal < 2.85tn", "2025-11-06"),
            "wresbal: no observation within 7d of 2025-11-06 (latest 2025-10-29)");
}

TEST(ExprDerived, NetLiquidityHistoryJoinsWeeklyAndDaily) {
  Liquidity w;
  auto net = DefineDerived(w.catalog, "net_liquidity", "walcl - tga - rrp", std::chrono::days(7));
  ASSERT_TRUE(net.ok()) << net.status().message();
  EXPECT_EQ(net->dimension, Dimension::kMoney);
  EXPECT_EQ(w.catalog.Find("net_liquidity"), net->index);

  auto dates = DerivedDates(net->program, w.history, D("2025-10-27"), D("2025-10-31"));
  ASSERT_EQ(dates.size(), 5u);  // daily TGA/RRP dates; WALCL only on Oct 29
  auto points = ComputeDerivedHistory(net->program, w.history, dates, T("2025-12-01T00:00:00Z"));
  ASSERT_EQ(points.size(), 5u);
  const double expected[] = {6589.533 - 964.762 - 10.642, 6589.533 - 984.857 - 14.096,
                             6587.034 - 983.859 - 19.504, 6587.034 - 1000.632 - 19.166,
                             6587.034 - 926.328 - 51.802};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(points[i].date, dates[i]);
    EXPECT_NEAR(points[i].value, expected[i], 1e-9) << FormatDate(dates[i]);
  }
}

TEST(ExprDerived, FirstInputDatesFollowOneSeries) {
  Liquidity w;
  auto net = DefineDerived(w.catalog, "net_liquidity", "walcl - tga - rrp", std::chrono::days(7));
  ASSERT_TRUE(net.ok());
  auto weekly = DerivedDates(net->program, w.history, D("2025-10-01"), D("2025-10-31"),
                             DerivedDateSource::kFirstInput);
  EXPECT_EQ(weekly, (std::vector<Date>{D("2025-10-01"), D("2025-10-08"), D("2025-10-15"),
                                       D("2025-10-22"), D("2025-10-29")}));
}

TEST(ExprDerived, GapsReportWhyAndRulesUseTheDerivedHistory) {
  World w;
  auto spread = DefineDerived(w.catalog, "sofr_iorb", "sofr - iorb", std::chrono::days(7));
  ASSERT_TRUE(spread.ok());
  EXPECT_EQ(spread->dimension, Dimension::kRate);
  std::vector<Date> dates = {D("2025-10-10"), D("2025-10-28"), D("2025-10-29"), D("2025-10-30"),
                             D("2025-10-31")};
  std::vector<DerivedGap> gaps;
  auto points =
      ComputeDerivedHistory(spread->program, w.history, dates, T("2025-12-01T00:00:00Z"), &gaps);
  ASSERT_EQ(points.size(), 5u);
  EXPECT_TRUE(IsGap(points[0]));  // a marker: the date reads as NoData, not as a value
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].date, D("2025-10-10"));
  EXPECT_EQ(gaps[0].reason, "sofr: no observation on or before 2025-10-10");

  // Load it back as a series: rules can now take windows over the spread.
  InMemoryHistory history(w.catalog.size());
  ASSERT_TRUE(history.Set(w.sofr, testing::Sofr()).ok());
  ASSERT_TRUE(history.Set(w.iorb, testing::Iorb()).ok());
  ASSERT_TRUE(history.Set(spread->index, points).ok());
  auto rule = Compile("avg(sofr_iorb, 3) > 15bp", w.catalog);
  ASSERT_TRUE(rule.ok()) << rule.status().message();
  Outcome r = rule->Evaluate(history, D("2025-10-31"), T("2025-12-01T00:00:00Z"));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r.boolean());  // (0.12 + 0.14 + 0.32) / 3 = 0.193
}

TEST(ExprDerived, DefinitionErrors) {
  World w;
  CompileError e;
  auto cond = DefineDerived(w.catalog, "hot", "sofr > 4", std::chrono::days(7), &e);
  ASSERT_FALSE(cond.ok());
  EXPECT_EQ(cond.status().message(),
            "derived series 'hot': a derived series must be a number, got bool at column 1");
  auto self = DefineDerived(w.catalog, "loop", "loop + 1", std::chrono::days(7), &e);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(e.ToString(), "unknown series 'loop' at column 1");
  EXPECT_FALSE(w.catalog.Find("loop"));  // catalog unchanged on failure
  auto dup = DefineDerived(w.catalog, "sofr", "iorb", std::chrono::days(7));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "series 'sofr' is defined twice");
  auto bad = DefineDerived(w.catalog, "x", "sofr +", std::chrono::days(7), &e);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "derived series 'x': expected a value, got end of expression at column 7");
  EXPECT_EQ(e.column, 7);
}

}  // namespace
}  // namespace liqwatch::expr
