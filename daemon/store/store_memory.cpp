// Store methods for rule_memory (store.h): the engine memory of expression rule instances.
#include "store/store.h"
#include "store/try.h"

namespace liqwatch::store {

Result<std::optional<RuleMemoryRow>> Store::GetRuleMemory(const std::string& rule,
                                                          const std::string& labels) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("SELECT state, severity, since_date, breach_count, breach_start, "
                       "last_notified, last_obs_date FROM rule_memory WHERE rule = ?1 AND "
                       "labels = ?2"));
  st.Bind(1, rule).Bind(2, labels);
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row) return std::optional<RuleMemoryRow>();
  // A value this binary cannot read (hand-edited, or from a newer version) falls back to the
  // default rather than blocking the rule: the engine re-derives the state from history.
  RuleMemoryRow m;
  m.state = ParseAlertState(st.Text(0)).value_or(AlertState::kInactive);
  m.severity = ParseSeverity(st.Text(1)).value_or(Severity::kWarning);
  if (auto d = ParseDate(st.Text(2)); d.ok()) m.since_date = *d;
  m.breach_count = static_cast<int>(st.Int(3));
  if (auto t = st.OptText(4); t && ParseDate(*t).ok()) m.breach_start = *ParseDate(*t);
  if (auto t = st.OptText(5); t && ParseTime(*t).ok()) m.last_notified = *ParseTime(*t);
  if (auto t = st.OptText(6); t && ParseDate(*t).ok()) m.last_obs = *ParseDate(*t);
  return std::optional<RuleMemoryRow>(m);
}

Status Store::SaveRuleMemory(const std::string& rule, const std::string& labels,
                             const RuleMemoryRow& m) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("INSERT OR REPLACE INTO rule_memory (rule, labels, state, severity, "
                       "since_date, breach_count, breach_start, last_notified, last_obs_date) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  std::optional<std::string> breach_start, last_notified, last_obs;
  if (m.breach_start) breach_start = FormatDate(*m.breach_start);
  if (m.last_notified) last_notified = FormatTime(*m.last_notified);
  if (m.last_obs) last_obs = FormatDate(*m.last_obs);
  return st.Bind(1, rule)
      .Bind(2, labels)
      .Bind(3, AlertStateName(m.state))
      .Bind(4, SeverityName(m.severity))
      .Bind(5, FormatDate(m.since_date))
      .Bind(6, m.breach_count)
      .Bind(7, breach_start)
      .Bind(8, last_notified)
      .Bind(9, last_obs)
      .Run();
}

Status Store::DeleteRuleMemory(const std::string& rule, const std::string& labels) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("DELETE FROM rule_memory WHERE rule = ?1 AND labels = ?2"));
  return st.Bind(1, rule).Bind(2, labels).Run();
}

}  // namespace liqwatch::store
