#include "alerts/state_machine.h"

#include <fmt/format.h>

#include "rules/threshold.h"

namespace liqwatch::alerts {

std::optional<store::Transition> Evaluate(const config::RuleConfig& rule,
                                          const config::SeriesConfig& series,
                                          const store::RuleState* previous,
                                          const Observation& observation, TimePoint now) {
  if (!observation.value) return std::nullopt;
  const double value = *observation.value;
  const AlertState from = previous ? previous->state : AlertState::kInactive;
  const bool firing = from == AlertState::kFiring;
  const bool breach = rules::Breaches(rule, value);
  if (firing == breach) return std::nullopt;

  store::Transition t;
  t.rule = rule.name;
  t.series = series.id;
  t.from = from;
  t.to = breach ? AlertState::kFiring : AlertState::kResolved;
  t.kind = breach ? "firing" : "resolved";
  t.severity = rule.severity;
  t.value = value;
  t.threshold = rule.threshold;
  t.obs_date = observation.date;
  t.eval_time = now;
  const Dimension dim = DimensionOf(series.unit);
  t.message = fmt::format("{} {} {} {} on {}", series.id, FormatValue(value, dim),
                          breach ? std::string(ComparisonText(rule.op)) : "back within",
                          FormatValue(rule.threshold, dim), FormatDate(observation.date));
  if (!rule.description.empty()) t.message += ": " + rule.description;
  return t;
}

bool IsNotified(const store::Transition& t) {
  return t.to == AlertState::kFiring || t.kind == "resolved" || t.kind == "reminder";
}

}  // namespace liqwatch::alerts
