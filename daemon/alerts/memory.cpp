#include "alerts/memory.h"

namespace liqwatch::alerts {

Result<std::optional<RuleMemory>> LoadMemory(store::Store& s, const std::string& rule,
                                             const std::string& labels) {
  auto row = s.GetRuleMemory(rule, labels);
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<RuleMemory>();
  const store::RuleMemoryRow& r = **row;
  RuleMemory m;
  m.state = r.state;
  m.severity = r.severity;
  m.since_date = r.since_date;
  m.breach_count = r.breach_count;
  m.breach_start = r.breach_start.value_or(Date{});
  m.last_notified = r.last_notified;
  m.last_obs = r.last_obs;
  return std::optional<RuleMemory>(m);
}

Status SaveMemory(store::Store& s, const std::string& rule, const std::string& labels,
                  const RuleMemory& m) {
  store::RuleMemoryRow r;
  r.state = m.state;
  r.severity = m.severity;
  r.since_date = m.since_date;
  r.breach_count = m.breach_count;
  // breach_start means nothing outside a breach run; it is not stored then.
  if (m.breach_count > 0) r.breach_start = m.breach_start;
  r.last_notified = m.last_notified;
  r.last_obs = m.last_obs;
  return s.SaveRuleMemory(rule, labels, r);
}

Status DeleteMemory(store::Store& s, const std::string& rule, const std::string& labels) {
  return s.DeleteRuleMemory(rule, labels);
}

}  // namespace liqwatch::alerts
