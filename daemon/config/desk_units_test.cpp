#include "config/desk_units.h"

#include <gtest/gtest.h>

#include "config/rules_config.h"

namespace liqwatch::config {
namespace {

// A funding watchlist in miniature: a spread rule in bp, a money rule, an OAS, a staleness
// rule over several feeds.
const char* kConfig = R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent}
  - {id: reserves, source: fred, remote_id: WRESBAL, unit: usd_bn}
  - {id: hy_oas, source: fred, remote_id: BAMLH0A0HYM2, unit: percent}
  - {id: vix, source: fred, remote_id: VIXCLS, unit: index}
derived:
  - {id: sofr_iorb, expr: sofr - iorb}
rules:
  - name: sofr_above_iorb
    warn: sofr_iorb >= 15bp
    crit: sofr_iorb >= 25bp or sofr > 5%
    clear: sofr_iorb < 10bp
  - name: reserves_low
    expr: reserves < 2850bn
    severity: critical
    clear: reserves > 2900bn
  - {name: vix_high, series: vix, op: ">", threshold: 25}
  - name: stale_feed
    for_each: [sofr, iorb]
    expr: age($series) > 4d
  - name: quiet_stale
    for_each: [sofr, iorb]
    expr: age($series) > 4d
    group_wait: off
)";

class DeskUnitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = LoadConfigFromString(kConfig, "t.yaml");
    ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].ToString());
    config_ = std::move(*r.config);
    desk_ = DeskUnits::Build(config_);
  }
  const RuleConfig& Rule(const std::string& name) const {
    for (const auto& r : config_.rules)
      if (r.name == name) return r;
    throw std::runtime_error("no rule " + name);
  }
  Config config_;
  DeskUnits desk_;
};

TEST_F(DeskUnitsTest, SpreadsReadInBasisPointsRatesInPercentMoneyInBillionsOrTrillions) {
  EXPECT_EQ(desk_.SeriesUnit("sofr_iorb"), DeskUnit::kBasisPoints);  // a difference of rates
  EXPECT_EQ(desk_.SeriesUnit("hy_oas"), DeskUnit::kBasisPoints);     // an OAS
  EXPECT_EQ(desk_.SeriesUnit("sofr"), DeskUnit::kPercent);
  EXPECT_EQ(desk_.SeriesUnit("reserves"), DeskUnit::kMoney);
  EXPECT_EQ(desk_.SeriesUnit("vix"), DeskUnit::kPlain);
  EXPECT_EQ(desk_.SeriesValue("sofr_iorb", 0.22), "22bp");
  EXPECT_EQ(desk_.SeriesValue("hy_oas", 2.8), "280bp");
  EXPECT_EQ(desk_.SeriesValue("sofr", 4.31), "4.31%");
  EXPECT_EQ(desk_.SeriesValue("reserves", 2848.2), "$2.848tn");
  EXPECT_EQ(desk_.SeriesValue("reserves", 151.0), "$151.0bn");
  EXPECT_EQ(desk_.SeriesValue("vix", 26.4), "26.4");
  EXPECT_EQ(desk_.SeriesChange("sofr", 0.06), "+6bp");  // a rate's change reads in bp
  EXPECT_EQ(desk_.SeriesChange("reserves", -12.5), "-$12.5bn");
  EXPECT_EQ(desk_.SeriesValue("removed_by_reload", 1.5), "1.5");  // degrades, never fails
}

TEST_F(DeskUnitsTest, AnAlertReadsAsItsMessageWritesIt) {
  // The rule's levels are in bp, so its alert's value is too: "sofr_iorb = 22bp >= 15bp".
  EXPECT_EQ(desk_.AlertValue("sofr_above_iorb", "sofr_iorb", 0.22), "22bp");
  EXPECT_EQ(desk_.AlertValue("vix_high", "vix", 26.4), "26.4");
  EXPECT_EQ(desk_.AlertValue("reserves_low", "reserves", 2848.0), "$2.848tn");
  EXPECT_EQ(desk_.AlertValue("stale_feed", "sofr", 4.27), "4.27%");
}

TEST_F(DeskUnitsTest, ConditionLevelIsTheComparisonOnTheSeriesInDeskUnits) {
  EXPECT_EQ(desk_.ConditionLevel("sofr_iorb >= 25bp or sofr > 5%", "sofr_iorb"), ">= 25bp");
  EXPECT_EQ(desk_.ConditionLevel("sofr > 5% or sofr_iorb >= 25bp", "sofr_iorb"), ">= 25bp");
  EXPECT_EQ(desk_.ConditionLevel("reserves < 2850bn", "reserves"), "< $2.850tn");
  EXPECT_EQ(desk_.ConditionLevel("change(tga, 10bd) > 150bn", "tga"),
            "change(tga, 10bd) > $150.0bn");
  EXPECT_EQ(desk_.ConditionLevel("vix > 25", "vix"), "> 25");
  EXPECT_EQ(desk_.ConditionLevel("late(sofr)", "sofr"), "");
}

TEST_F(DeskUnitsTest, LevelsAreWhatAChartOfTheSeriesCanDraw) {
  auto levels = desk_.Levels(config_, Rule("sofr_above_iorb"));
  ASSERT_EQ(levels.size(), 4u);  // warn, crit (two comparisons), clear
  EXPECT_EQ(levels[0].series, "sofr_iorb");
  EXPECT_EQ(levels[0].op, ">=");
  EXPECT_DOUBLE_EQ(levels[0].value, 0.15);
  EXPECT_EQ(levels[0].kind, "warning");
  EXPECT_EQ(levels[0].display, "15bp");
  EXPECT_EQ(levels[1].kind, "critical");
  EXPECT_EQ(levels[1].display, "25bp");
  EXPECT_EQ(levels[2].series, "sofr");
  EXPECT_EQ(levels[2].display, "5.00%");
  EXPECT_EQ(levels[3].kind, "clear");
  auto reserves = desk_.Levels(config_, Rule("reserves_low"));
  ASSERT_EQ(reserves.size(), 2u);
  EXPECT_EQ(reserves[0].kind, "critical");
  EXPECT_EQ(reserves[0].display, "$2.850tn");
  auto vix = desk_.Levels(config_, Rule("vix_high"));
  ASSERT_EQ(vix.size(), 1u);
  EXPECT_EQ(vix[0].kind, "warning");
  EXPECT_EQ(vix[0].display, "25");
  EXPECT_TRUE(desk_.Levels(config_, Rule("stale_feed")).empty());
}

TEST_F(DeskUnitsTest, AStalenessRuleOverSeveralFeedsGroupsItsAlertsByDefault) {
  EXPECT_EQ(RuleGroupWait(Rule("stale_feed")), defaults::kStaleRuleGroupWait);
  EXPECT_EQ(RuleGroupWait(Rule("quiet_stale")), Duration{});  // group_wait: off
  EXPECT_EQ(RuleGroupWait(Rule("sofr_above_iorb")), Duration{});
}

}  // namespace
}  // namespace liqwatch::config
