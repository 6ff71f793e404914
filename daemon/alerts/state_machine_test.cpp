#include "alerts/state_machine.h"

#include <gtest/gtest.h>

namespace liqwatch::alerts {
namespace {

config::RuleConfig Rule() {
  config::RuleConfig r;
  r.name = "sofr_above_4_25";
  r.series = "sofr";
  r.op = config::Comparison::kGreater;
  r.threshold = 4.25;
  r.severity = Severity::kCritical;
  r.description = "repo pressure";
  return r;
}
config::SeriesConfig Sofr() {
  config::SeriesConfig s;
  s.id = "sofr";
  s.unit = Unit::kPercent;
  return s;
}
Observation Obs(const char* date, std::optional<double> v) { return {"sofr", *ParseDate(date), v}; }
const TimePoint kNow = *ParseTime("2025-10-29T13:00:00Z");

TEST(ThresholdStateMachine, BreachOpensAlertWithMessage) {
  auto t = Evaluate(Rule(), Sofr(), nullptr, Obs("2025-10-28", 4.31), kNow);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, AlertState::kInactive);
  EXPECT_EQ(t->to, AlertState::kFiring);
  EXPECT_EQ(t->kind, "firing");
  EXPECT_EQ(t->message, "sofr 4.31% > 4.25% on 2025-10-28: repo pressure");
  EXPECT_EQ(FormatDate(t->obs_date), "2025-10-28");
  EXPECT_EQ(t->eval_time, kNow);
  EXPECT_TRUE(IsNotified(*t));
}

TEST(ThresholdStateMachine, StayingInBreachIsSilentAndRecoveryResolves) {
  store::RuleState firing;
  firing.state = AlertState::kFiring;
  EXPECT_FALSE(Evaluate(Rule(), Sofr(), &firing, Obs("2025-10-29", 4.30), kNow));
  auto t = Evaluate(Rule(), Sofr(), &firing, Obs("2025-10-30", 4.04), kNow);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, AlertState::kResolved);
  EXPECT_EQ(t->message, "sofr 4.04% back within 4.25% on 2025-10-30: repo pressure");
}

TEST(ThresholdStateMachine, EqualToThresholdIsNotABreachForStrictGreater) {
  EXPECT_FALSE(Evaluate(Rule(), Sofr(), nullptr, Obs("2025-10-28", 4.25), kNow));
  auto rule = Rule();
  rule.op = config::Comparison::kGreaterEqual;
  EXPECT_TRUE(Evaluate(rule, Sofr(), nullptr, Obs("2025-10-28", 4.25), kNow));
}

TEST(ThresholdStateMachine, MissingValueChangesNothing) {
  store::RuleState firing;
  firing.state = AlertState::kFiring;
  EXPECT_FALSE(Evaluate(Rule(), Sofr(), &firing, Obs("2025-11-11", std::nullopt), kNow));
}

TEST(ThresholdStateMachine, LessThanRuleForReserveFloor) {
  auto rule = Rule();
  rule.op = config::Comparison::kLess;
  rule.threshold = 2850;  // USD bn
  rule.description = "";
  config::SeriesConfig reserves;
  reserves.id = "reserves";
  reserves.unit = Unit::kUsdMillions;
  auto t = Evaluate(rule, reserves, nullptr, {"reserves", *ParseDate("2025-10-29"), 2829.4}, kNow);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->message, "reserves $2.829tn < $2.850tn on 2025-10-29");
}

}  // namespace
}  // namespace liqwatch::alerts
