#include "alerts/judge.h"

#include <fmt/format.h>

namespace liqwatch::alerts {

namespace {

// Explains a verdict with no breach: the clear condition if it holds (why the alert may
// resolve), else the lowest level, whose failure is the nearest true statement.
const config::RuleCondition& QuietDecider(const config::RuleInstance& rule,
                                          std::optional<bool> clear) {
  if (rule.clear && clear.value_or(false)) return *rule.clear;
  return rule.warn ? *rule.warn : *rule.crit;
}

// The wording a rule written as `series op threshold` has always had: the observation against
// the threshold, "back within" it when there is no breach.
std::string ThresholdMessage(const config::RuleInstance::Threshold& t, double value, bool breach,
                             Date as_of) {
  return fmt::format("{} {} {} {} on {}", t.series, FormatValue(value, t.dimension),
                     breach ? std::string(config::ComparisonText(t.op)) : "back within",
                     FormatValue(t.value, t.dimension), FormatDate(as_of));
}

}  // namespace

Verdict Judge(const config::RuleInstance& rule, const expr::SeriesHistory& history, Date as_of,
              TimePoint now, bool explain) {
  Verdict v;
  const config::RuleCondition* decider = nullptr;
  std::optional<expr::Outcome> missing;
  if (rule.crit) {
    auto o = rule.crit->program.Evaluate(history, as_of, now);
    if (o.is_no_data())
      missing = o;
    else if (o.boolean()) {
      v.level = Verdict::Level::kCrit;
      decider = &*rule.crit;
    }
  }
  if (!decider && rule.warn) {
    auto o = rule.warn->program.Evaluate(history, as_of, now);
    if (o.is_no_data())
      missing = missing ? missing : o;
    else if (o.boolean()) {
      v.level = Verdict::Level::kWarn;
      decider = &*rule.warn;
    }
  }
  if (!decider && missing) {
    v.level = Verdict::Level::kNoData;
    if (explain) v.message = missing->no_data().ToString(history);
    return v;
  }
  if (rule.clear) {
    auto o = rule.clear->program.Evaluate(history, as_of, now);
    if (o.has_value()) v.clear = o.boolean();
  }
  const bool breach = decider != nullptr;
  if (!decider) decider = &QuietDecider(rule, v.clear);
  // The value shown with the alert: the quantity the deciding condition compares (the change
  // for change(tga, 10bd) > 150bn), else its first input's latest real value (age() rules;
  // a derived series' gap marker is not a value).
  v.value = decider->program.ComparedValue(history, as_of, now);
  int clock = decider->program.first_input();
  if (!v.value && clock >= 0) {
    auto pts = history.Points(clock);
    if (int i = expr::LatestValue(pts, as_of); i >= 0) v.value = pts[size_t(i)].value;
  }
  if (rule.threshold) {
    v.threshold = rule.threshold->value;
    if (explain && v.value) v.message = ThresholdMessage(*rule.threshold, *v.value, breach, as_of);
  }
  if (explain && v.message.empty()) v.message = decider->program.Explain(history, as_of, now);
  if (v.level == Verdict::Level::kWarn && rule.seasonal) {
    auto o = rule.seasonal->program.Evaluate(history, as_of, now);
    v.seasonal = o.has_value() && o.boolean();
    if (v.seasonal && explain)
      v.message += "; routine: " + rule.seasonal->program.Explain(history, as_of, now);
  }
  return v;
}

}  // namespace liqwatch::alerts
