#include "alerts/judge.h"

#include <gtest/gtest.h>

#include "rules/expr/test_util.h"

namespace liqwatch::alerts {
namespace {

using expr::testing::D;
using expr::testing::T;
using expr::testing::World;
using Level = Verdict::Level;

// Real SOFR and IORB (expr/test_util.h): sofr - iorb is 0.16% on 2025-10-28, 0.12% on
// 2025-10-29, 0.32% on 2025-10-31 and 0.01% on 2025-11-05.
struct Rule {
  World w;
  config::RuleInstance rule;

  config::RuleCondition Condition(std::string_view text) {
    return config::RuleCondition{std::string(text), std::string(text), {}, w.Compile(text)};
  }
  // sofr_above_iorb's levels, over the plain spread.
  void Levels() {
    rule.warn = Condition("sofr - iorb >= 15bp");
    rule.crit = Condition("sofr - iorb >= 25bp");
  }
  Verdict Judge(std::string_view date) {
    return alerts::Judge(rule, w.history, D(date), T("2025-12-01T00:00:00Z"));
  }
};

TEST(AlertsJudge, BreachIsExplainedByTheHighestLevelReached) {
  Rule r;
  r.Levels();
  Verdict warn = r.Judge("2025-10-28");
  EXPECT_EQ(warn.level, Level::kWarn);
  EXPECT_EQ(warn.message, "sofr - iorb = 16bp >= 15bp");
  Verdict crit = r.Judge("2025-10-31");
  EXPECT_EQ(crit.level, Level::kCrit);
  EXPECT_EQ(crit.message, "sofr - iorb = 32bp >= 25bp");
}

TEST(AlertsJudge, NoBreachIsExplainedByTheLowestLevel) {
  Rule r;
  r.Levels();
  Verdict v = r.Judge("2025-10-29");
  EXPECT_EQ(v.level, Level::kNone);
  EXPECT_EQ(v.message, "sofr - iorb = 12bp < 15bp");  // below warn: the nearest level
  ASSERT_TRUE(v.value.has_value());
  EXPECT_NEAR(*v.value, 0.12, 1e-9);  // the quantity compared: the spread, not SOFR's level
}

// The alert value is what the condition compares, in its series' unit; where that is not a
// series quantity (a duration, a literal) it is the first input's latest value.
TEST(AlertsJudge, ValueIsTheComparedQuantity) {
  Rule change;
  change.rule.warn = change.Condition("change(sofr, 1) > 1bp or sofr > 5");
  ASSERT_TRUE(change.Judge("2025-10-28").value.has_value());
  EXPECT_NEAR(*change.Judge("2025-10-28").value, 0.04, 1e-9);  // 4.31 - 4.27
  Rule age;
  age.rule.warn = age.Condition("age(sofr) > 4d");
  EXPECT_DOUBLE_EQ(*age.Judge("2025-10-29").value, 4.27);
  Rule literal;
  literal.rule.warn = literal.Condition("4.5 < sofr");
  EXPECT_DOUBLE_EQ(*literal.Judge("2025-10-29").value, 4.27);
  Rule negated;
  negated.rule.warn = negated.Condition("not (sofr - iorb < 15bp)");
  EXPECT_NEAR(*negated.Judge("2025-10-28").value, 0.16, 1e-9);
}

TEST(AlertsJudge, NoBreachOfASingleLevelIsExplainedByIt) {
  Rule crit_only;
  crit_only.rule.crit = crit_only.Condition("sofr > 4.3");
  EXPECT_EQ(crit_only.Judge("2025-10-29").message, "sofr = 4.27% <= 4.30%");
  Rule warn_only;
  warn_only.rule.warn = warn_only.Condition("sofr > 4.3");
  EXPECT_EQ(warn_only.Judge("2025-10-29").message, "sofr = 4.27% <= 4.30%");
}

TEST(AlertsJudge, NoBreachIsExplainedByTheClearConditionWhenItHolds) {
  Rule r;
  r.rule.warn = r.Condition("sofr - iorb >= 15bp");
  r.rule.clear = r.Condition("iorb > sofr - 5bp");
  Verdict v = r.Judge("2025-11-05");
  EXPECT_EQ(v.level, Level::kNone);
  EXPECT_EQ(v.clear, std::optional<bool>(true));
  EXPECT_EQ(v.message, "iorb = 3.90% > sofr - 5bp = 3.86%");
  ASSERT_TRUE(v.value.has_value());
  EXPECT_DOUBLE_EQ(*v.value, 3.90);  // the clear condition's first input: iorb
}

TEST(AlertsJudge, InsideTheHysteresisBandTheLowestLevelExplains) {
  Rule r;
  r.Levels();
  r.rule.clear = r.Condition("sofr - iorb < 5bp");
  Verdict v = r.Judge("2025-10-29");
  EXPECT_EQ(v.level, Level::kNone);
  EXPECT_EQ(v.clear, std::optional<bool>(false));
  EXPECT_EQ(v.message, "sofr - iorb = 12bp < 15bp");
}

TEST(AlertsJudge, MissingInputIsNoDataWithTheReason) {
  Rule r;
  r.rule.warn = r.Condition("rrp < 5bn");
  Verdict v = r.Judge("2025-10-29");
  EXPECT_EQ(v.level, Level::kNoData);
  EXPECT_EQ(v.message, "rrp: no observation on or before 2025-10-29");
}

}  // namespace
}  // namespace liqwatch::alerts
