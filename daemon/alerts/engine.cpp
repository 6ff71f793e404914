#include "alerts/engine.h"

#include <fmt/format.h>

namespace liqwatch::alerts {

namespace {

using Level = Verdict::Level;

store::Transition Make(const config::RuleConfig& rule, const std::string& series,
                       const std::string& labels, const RuleMemory& m, AlertState to,
                       std::string kind, Severity severity, const Verdict& v, Date obs_date,
                       TimePoint now) {
  store::Transition t;
  t.rule = rule.name;
  t.series = series;
  t.labels = labels;
  t.kind = std::move(kind);
  t.from = m.state;
  t.to = to;
  t.severity = severity;
  t.value = v.value;
  t.threshold = v.threshold;
  t.obs_date = obs_date;
  t.eval_time = now;
  t.message = v.message;
  if (!rule.description.empty())
    t.message += t.message.empty() ? rule.description : ": " + rule.description;
  return t;
}

bool ForMet(const config::ExprRule& e, const RuleMemory& m, Date obs_date) {
  if (e.for_observations > 0 && m.breach_count < e.for_observations) return false;
  if (e.for_duration.count() > 0 &&
      std::chrono::duration_cast<Duration>(obs_date - m.breach_start) < e.for_duration)
    return false;
  return true;
}

// One step of the state machine for one verdict: each method handles one starting state and
// leaves the transition it makes (if any) in `out`.
struct Stepper {
  const config::RuleConfig& rule;
  const config::ExprRule& e;
  const std::string& series;
  const std::string& labels;
  RuleMemory& m;
  const Verdict& v;
  Date obs_date;
  TimePoint now;
  std::optional<store::Transition> out;

  void Enter(AlertState to, std::string kind, Severity sev) {
    out = Make(rule, series, labels, m, to, std::move(kind), sev, v, obs_date, now);
    if (to != m.state) m.since_date = obs_date;
    m.state = to;
    m.severity = sev;
    if (IsNotified(*out)) m.last_notified = now;
  }

  bool ReminderDue() const {
    return e.repeat.count() > 0 && m.last_notified && now - *m.last_notified >= e.repeat;
  }

  void NoData() {
    m.breach_count = 0;
    if (m.state == AlertState::kFiring || m.state == AlertState::kNoData) return;
    // A rule that never alerted reports its own lowest level, not the default: warn, or
    // critical for a rule whose only level is critical (`expr` with `severity: critical`).
    const Severity lowest = e.instances.front().warn ? e.warn_severity : Severity::kCritical;
    Enter(AlertState::kNoData, "no_data",
          m.state == AlertState::kInactive && !m.last_notified ? lowest : m.severity);
  }

  // Firing: a breach may change the level or remind; otherwise it resolves once cleared (the
  // clear condition, if any) and held for min_time, or reminds while in the hysteresis band.
  void WhileFiring(bool breach, Severity level_sev) {
    if (breach) {
      ++m.breach_count;
      if (level_sev != m.severity)
        Enter(AlertState::kFiring, level_sev > m.severity ? "escalated" : "deescalated", level_sev);
      else if (ReminderDue())
        Enter(AlertState::kFiring, "reminder", m.severity);
      return;
    }
    m.breach_count = 0;
    const bool cleared = !e.has_clear() || v.clear.value_or(false);
    const bool held = std::chrono::duration_cast<Duration>(obs_date - m.since_date) >= e.min_time;
    if (cleared && held)
      Enter(AlertState::kResolved, "resolved", m.severity);
    else if (ReminderDue())
      Enter(AlertState::kFiring, "reminder", m.severity);  // hysteresis band: still firing
  }

  // Not firing: a breach is pending until `for:` is met, then fires.
  void NotFiring(bool breach, Severity level_sev, bool same_date) {
    if (breach) {
      if (m.breach_count == 0) m.breach_start = obs_date;
      if (m.breach_count == 0 || !same_date) ++m.breach_count;
      if (ForMet(e, m, obs_date))
        Enter(AlertState::kFiring, "firing", level_sev);
      else if (m.state != AlertState::kPending || m.severity != level_sev)
        Enter(AlertState::kPending, "pending", level_sev);
      return;
    }
    m.breach_count = 0;
    if (m.state == AlertState::kPending || m.state == AlertState::kNoData)
      Enter(AlertState::kInactive, "inactive", m.severity);
  }
};

}  // namespace

bool IsNotified(const store::Transition& t) {
  return t.to == AlertState::kFiring || t.kind == "resolved" || t.kind == "reminder";
}

std::optional<store::Transition> Step(const config::RuleConfig& rule, const std::string& series,
                                      const std::string& labels, RuleMemory& m, const Verdict& v,
                                      Date obs_date, TimePoint now) {
  const config::ExprRule& e = *rule.expr;
  // The age() timer judges the newest date again and again: `for:` counts a date once.
  const bool same_date = m.last_obs == obs_date;
  m.last_obs = obs_date;
  Stepper step{rule, e, series, labels, m, v, obs_date, now, std::nullopt};
  if (v.level == Level::kNoData) {
    step.NoData();
    return step.out;
  }
  const bool breach = v.level == Level::kWarn || v.level == Level::kCrit;
  Severity level_sev = v.level == Level::kCrit ? Severity::kCritical : e.warn_severity;
  // A routine season lowers a warning to info; an episode that opened at info stays info at
  // the warning level once the season has passed (the same tax-date build, not news).
  const bool opened_seasonal = m.state == AlertState::kFiring && m.severity == Severity::kInfo;
  if (v.level == Level::kWarn && (v.seasonal || opened_seasonal)) level_sev = Severity::kInfo;
  if (m.state == AlertState::kFiring)
    step.WhileFiring(breach, level_sev);
  else
    step.NotFiring(breach, level_sev, same_date);
  return step.out;
}

}  // namespace liqwatch::alerts
