#include "alerts/live.h"

#include <algorithm>
#include <map>
#include <set>

#include "alerts/memory.h"
#include "alerts/replay.h"
#include "alerts/state_machine.h"
#include "core/log.h"
#include "rules/judge.h"

namespace liqwatch::alerts {

namespace {
void Need(const config::RuleSet& rs, int index, std::set<int>& fetched) {
  if (const auto* d = rs.FindDerived(index)) {
    for (int i : d->series.program.inputs()) Need(rs, i, fetched);
  } else {
    fetched.insert(index);
  }
}

Result<expr::InMemoryHistory> LoadHistory(store::Store& s, const config::Config& c,
                                          const std::set<int>& needed) {
  const config::RuleSet& rs = *c.rule_set;
  std::map<std::string, std::vector<expr::Point>> data;
  for (int i : needed) {
    const std::string& id = rs.catalog.spec(i).id;
    auto h = s.History(id, std::nullopt);
    if (!h.ok()) return h.status();
    auto& pts = data[id];
    for (const auto& o : *h)
      if (o.value) pts.push_back({o.date, *o.value});
  }
  return BuildHistory(rs, c, data);
}

// Judges `rule` as of `d`, steps its state machine and records the transition, if any.
// Returns the number of deliveries queued.
Result<int> EvaluateOne(store::Store& s, const config::RuleConfig& rule, const std::string& clock,
                        RuleMemory& m, const expr::SeriesHistory& history, Date d, TimePoint now,
                        const TargetsFn& targets) {
  auto verdict = rules::Judge(*rule.expr, history, d, now);
  auto t = Step(rule, clock, m, verdict, d, now);
  if (!t) return 0;
  auto to = IsNotified(*t) ? targets(rule) : std::vector<std::string>{};
  auto rec = s.RecordTransition(*t, to);
  if (!rec.ok()) return rec.status();
  Logger("alerts")->info(
      "event=transition rule={} kind={} from={} to={} severity={} "
      "obs_date={} deliveries={} message=\"{}\"",
      t->rule, t->kind, AlertStateName(t->from), AlertStateName(t->to), SeverityName(t->severity),
      FormatDate(t->obs_date), rec->deliveries, t->message);
  return rec->deliveries;
}
}  // namespace

Result<int> EvaluateExprRules(store::Store& s, const config::Config& c, const std::string& series,
                              const std::vector<Observation>& changed, TimePoint now,
                              const TargetsFn& targets) {
  if (!c.rule_set) return 0;
  const config::RuleSet& rs = *c.rule_set;
  auto index = rs.catalog.Find(series);
  if (!index) return 0;
  std::vector<const config::RuleConfig*> rules;
  std::set<int> needed;
  for (const auto& rule : c.rules) {
    if (!rule.expr || rule.expr->clock < 0 || rs.RootClock(rule.expr->clock) != *index) continue;
    rules.push_back(&rule);
    for (int i : rule.expr->inputs) Need(rs, i, needed);
  }
  std::vector<Date> dates;
  for (const auto& o : changed)
    if (o.value) dates.push_back(o.date);
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  if (rules.empty() || dates.empty()) return 0;

  auto history = LoadHistory(s, c, needed);
  if (!history.ok()) return history.status();

  int deliveries = 0;
  for (const auto* rule : rules) {
    auto loaded = LoadMemory(s, rule->name, "");
    if (!loaded.ok()) return loaded.status();
    RuleMemory m = loaded->value_or(RuleMemory{});
    std::vector<Date> todo;
    for (Date d : dates)
      if (!m.last_obs || d > *m.last_obs) todo.push_back(d);
    if (!*loaded && todo.size() > 1) todo.erase(todo.begin(), todo.end() - 1);
    if (todo.empty()) continue;
    const std::string clock = ClockSeries(rs, *rule);
    for (Date d : todo) {
      auto n = EvaluateOne(s, *rule, clock, m, *history, d, now, targets);
      if (!n.ok()) return n.status();
      deliveries += *n;
    }
    if (auto st = SaveMemory(s, rule->name, "", m); !st.ok()) return st;
  }
  return deliveries;
}

Result<int> EvaluateAgeRules(store::Store& s, const config::Config& c, TimePoint now,
                             const TargetsFn& targets) {
  if (!c.rule_set) return 0;
  const config::RuleSet& rs = *c.rule_set;
  std::vector<const config::RuleConfig*> rules;
  std::set<int> needed;
  for (const auto& rule : c.rules) {
    if (!rule.expr || !rule.expr->uses_age) continue;
    rules.push_back(&rule);
    for (int i : rule.expr->inputs) Need(rs, i, needed);
    if (rule.expr->clock >= 0) needed.insert(rs.RootClock(rule.expr->clock));
  }
  if (rules.empty()) return 0;
  auto history = LoadHistory(s, c, needed);
  if (!history.ok()) return history.status();

  int deliveries = 0;
  for (const auto* rule : rules) {
    auto loaded = LoadMemory(s, rule->name, "");
    if (!loaded.ok()) return loaded.status();
    RuleMemory m = loaded->value_or(RuleMemory{});
    // As of the newest observation date of the clock series (never an earlier date than the
    // rule already evaluated): the date stays put while the feed is silent, `now` moves on.
    std::optional<Date> as_of = m.last_obs;
    if (rule->expr->clock >= 0) {
      const auto& pts = history->Points(rs.RootClock(rule->expr->clock));
      if (!pts.empty() && (!as_of || pts.back().date > *as_of)) as_of = pts.back().date;
    }
    if (!as_of) continue;  // nothing observed yet: nothing is stale
    const std::string clock = ClockSeries(rs, *rule);
    auto n = EvaluateOne(s, *rule, clock, m, *history, *as_of, now, targets);
    if (!n.ok()) return n.status();
    deliveries += *n;
    if (auto st = SaveMemory(s, rule->name, "", m); !st.ok()) return st;
  }
  return deliveries;
}

}  // namespace liqwatch::alerts
