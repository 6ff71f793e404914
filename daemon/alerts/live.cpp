#include "alerts/live.h"

#include <algorithm>
#include <map>
#include <set>

#include "alerts/judge.h"
#include "alerts/memory.h"
#include "alerts/replay.h"
#include "core/log.h"

namespace liqwatch::alerts {

namespace {
void Need(const config::RuleSet& rs, int index, std::set<int>& fetched) {
  if (const auto* d = rs.FindDerived(index)) {
    for (int i : d->series.program.inputs()) Need(rs, i, fetched);
  } else {
    fetched.insert(index);
  }
}

// True for a provisional observation of a series that does not say alert_on_provisional.
bool WithheldFromRules(const config::Config& c, const Observation& o) {
  if (!o.provisional) return false;
  const config::SeriesConfig* s = c.FindSeries(o.series);
  return s == nullptr || !s->alert_on_provisional;
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
      if (o.value && !WithheldFromRules(c, o)) pts.push_back({o.date, *o.value});
  }
  return BuildHistory(rs, c, data);
}

// One rule instance with what live evaluation needs to judge it.
struct Target {
  const config::RuleConfig* rule;
  const config::RuleInstance* instance;
};

// True if a new observation of a (non-clock) input, dated in (the clock's previous observation
// date, `judged`], arrived: the as-of read on `judged` would now see it. Older dates (revisions
// in the re-read window) do not change what `judged` reads.
bool InputArrivedFor(const config::RuleSet& rs, const expr::SeriesHistory& history,
                     const config::RuleInstance& inst, Date judged,
                     const std::vector<Date>& input_dates) {
  auto clock = history.Points(rs.RootClock(inst.clock));
  auto it = std::lower_bound(clock.begin(), clock.end(), judged,
                             [](const expr::Point& p, Date d) { return p.date < d; });
  const std::optional<Date> previous =
      it != clock.begin() ? std::optional<Date>(std::prev(it)->date) : std::nullopt;
  return std::any_of(input_dates.begin(), input_dates.end(),
                     [&](Date d) { return d <= judged && (!previous || d > *previous); });
}

// Judges `t` as of `d`, steps its state machine and records the transition, if any.
// Returns the number of deliveries queued.
Result<int> EvaluateOne(store::Store& s, const Target& t, const std::string& clock, RuleMemory& m,
                        const expr::SeriesHistory& history, Date d, TimePoint now,
                        const TargetsFn& targets) {
  auto verdict = Judge(*t.instance, history, d, now);
  auto tr = Step(*t.rule, clock, t.instance->labels, m, verdict, d, now);
  if (!tr) return 0;
  auto to = IsNotified(*tr) ? targets(*t.rule, *tr) : std::vector<std::string>{};
  auto rec = s.RecordTransition(*tr, to);
  if (!rec.ok()) return rec.status();
  Logger("alerts")->info(
      "event=transition rule={} labels=\"{}\" kind={} from={} to={} severity={} "
      "obs_date={} deliveries={} message=\"{}\"",
      tr->rule, tr->labels, tr->kind, AlertStateName(tr->from), AlertStateName(tr->to),
      SeverityName(tr->severity), FormatDate(tr->obs_date), rec->deliveries, tr->message);
  return rec->deliveries;
}
}  // namespace

Result<int> EvaluateRules(store::Store& s, const config::Config& c, const std::string& series,
                          const std::vector<Observation>& changed, TimePoint now,
                          const TargetsFn& targets) {
  if (!c.rule_set) return 0;
  const config::RuleSet& rs = *c.rule_set;
  auto index = rs.catalog.Find(series);
  if (!index) return 0;
  // Instances driven by this series (their clock), and instances that merely read it: those
  // are judged again only to leave no_data (below).
  std::vector<Target> todo_targets;
  std::vector<bool> clock_driven;
  std::set<int> needed;
  for (const auto& rule : c.rules) {
    for (const auto& inst : rule.expr->instances) {
      if (inst.clock < 0) continue;
      std::set<int> fetched;
      for (int i : inst.inputs) Need(rs, i, fetched);
      const bool driven = rs.RootClock(inst.clock) == *index;
      if (!driven && fetched.count(*index) == 0) continue;
      todo_targets.push_back(Target{&rule, &inst});
      clock_driven.push_back(driven);
      needed.insert(fetched.begin(), fetched.end());
      needed.insert(rs.RootClock(inst.clock));
    }
  }
  std::vector<Date> dates;
  // A provisional value is not judged (nor is its date marked judged): the rule waits for the
  // final value, which the store reports as changed when the row completes.
  for (const auto& o : changed)
    if (o.value && !WithheldFromRules(c, o)) dates.push_back(o.date);
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  if (todo_targets.empty() || dates.empty()) return 0;

  auto history = LoadHistory(s, c, needed);
  if (!history.ok()) return history.status();

  int deliveries = 0;
  for (size_t k = 0; k < todo_targets.size(); ++k) {
    const Target& t = todo_targets[k];
    auto loaded = LoadMemory(s, t.rule->name, t.instance->labels);
    if (!loaded.ok()) return loaded.status();
    RuleMemory m = loaded->value_or(RuleMemory{});
    std::vector<Date> todo;
    if (clock_driven[k]) {
      for (Date d : dates)
        if (!m.last_obs || d > *m.last_obs) todo.push_back(d);
      if (!*loaded && todo.size() > 1) todo.erase(todo.begin(), todo.end() - 1);
    } else if (m.last_obs && NewestClockDate(rs, *history, *t.instance) == m.last_obs &&
               (m.state == AlertState::kNoData ||
                InputArrivedFor(rs, *history, *t.instance, *m.last_obs, dates))) {
      // Feeds publish in any order: when SOFR for a date lands before IORB (or before the
      // new target range on an FOMC day), the rule was judged without that day's value of
      // the other input (no_data, or the previous day's value). Its arrival judges the date
      // again, so the state is right the same day, not at the next SOFR print.
      todo.push_back(*m.last_obs);
    }
    if (todo.empty()) continue;
    const std::string clock = rs.ClockId(*t.instance);
    for (Date d : todo) {
      auto n = EvaluateOne(s, t, clock, m, *history, d, now, targets);
      if (!n.ok()) return n.status();
      deliveries += *n;
    }
    if (auto st = SaveMemory(s, t.rule->name, t.instance->labels, m); !st.ok()) return st;
  }
  return deliveries;
}

Result<int> EvaluateAgeRules(store::Store& s, const config::Config& c, TimePoint now,
                             const TargetsFn& targets) {
  if (!c.rule_set) return 0;
  const config::RuleSet& rs = *c.rule_set;
  std::vector<Target> age_targets;
  std::set<int> needed;
  for (const auto& rule : c.rules) {
    for (const auto& inst : rule.expr->instances) {
      if (!inst.uses_age) continue;
      age_targets.push_back(Target{&rule, &inst});
      for (int i : inst.inputs) Need(rs, i, needed);
      if (inst.clock >= 0) needed.insert(rs.RootClock(inst.clock));
    }
  }
  if (age_targets.empty()) return 0;
  auto history = LoadHistory(s, c, needed);
  if (!history.ok()) return history.status();

  int deliveries = 0;
  for (const auto& t : age_targets) {
    auto loaded = LoadMemory(s, t.rule->name, t.instance->labels);
    if (!loaded.ok()) return loaded.status();
    RuleMemory m = loaded->value_or(RuleMemory{});
    // As of the newest observation date of the clock series (never an earlier date than the
    // rule already evaluated): the date stays put while the feed is silent, `now` moves on.
    std::optional<Date> as_of = m.last_obs;
    if (auto newest = NewestClockDate(rs, *history, *t.instance);
        newest && (!as_of || *newest > *as_of))
      as_of = newest;
    if (!as_of) continue;  // nothing observed yet: nothing is stale
    const std::string clock = rs.ClockId(*t.instance);
    auto n = EvaluateOne(s, t, clock, m, *history, *as_of, now, targets);
    if (!n.ok()) return n.status();
    deliveries += *n;
    if (auto st = SaveMemory(s, t.rule->name, t.instance->labels, m); !st.ok()) return st;
  }
  return deliveries;
}

Result<int> RetireRemovedInstances(store::Store& s, const config::Config& c, TimePoint now) {
  std::set<std::pair<std::string, std::string>> configured;  // (rule, labels)
  for (const auto& rule : c.rules)
    for (const auto& inst : rule.expr->instances) configured.emplace(rule.name, inst.labels);
  auto states = s.RuleStates();
  if (!states.ok()) return states.status();
  int deliveries = 0;
  for (const auto& st : *states) {
    if (configured.count({st.rule, st.labels}) != 0) continue;
    if (st.state == AlertState::kInactive || st.state == AlertState::kResolved) {
      if (auto del = DeleteMemory(s, st.rule, st.labels); !del.ok()) return del;
      continue;
    }
    store::Transition t;
    t.rule = st.rule;
    t.labels = st.labels;
    t.from = st.state;
    t.eval_time = now;
    t.value = st.last_value;
    if (st.last_obs_date && ParseDate(*st.last_obs_date).ok())
      t.obs_date = *ParseDate(*st.last_obs_date);
    std::vector<std::string> notifiers;
    if (st.state == AlertState::kFiring) {
      t.kind = "resolved";
      t.to = AlertState::kResolved;
      t.message = "resolved because the rule is no longer in the config (removed or renamed)";
      if (st.alert_id) {
        auto alert = s.GetAlert(*st.alert_id);
        if (!alert.ok()) return alert.status();
        if (*alert) {
          t.series = (*alert)->series;
          t.severity = ParseSeverity((*alert)->severity).value_or(Severity::kWarning);
        }
        auto sent = s.AlertDeliveries(*st.alert_id);
        if (!sent.ok()) return sent.status();
        for (const auto& d : *sent)
          if (std::find(notifiers.begin(), notifiers.end(), d.notifier) == notifiers.end())
            notifiers.push_back(d.notifier);
      }
    } else {
      t.kind = "inactive";
      t.to = AlertState::kInactive;
      t.message = "reset because the rule is no longer in the config (removed or renamed)";
    }
    auto rec = s.RecordTransition(t, notifiers);
    if (!rec.ok()) return rec.status();
    if (auto del = DeleteMemory(s, st.rule, st.labels); !del.ok()) return del;
    Logger("alerts")->warn("event=rule_removed rule={} labels=\"{}\" from={} to={} deliveries={}",
                           t.rule, t.labels, AlertStateName(t.from), AlertStateName(t.to),
                           rec->deliveries);
    deliveries += rec->deliveries;
  }
  return deliveries;
}

}  // namespace liqwatch::alerts
