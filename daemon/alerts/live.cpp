#include "alerts/live.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "alerts/judge.h"
#include "alerts/memory.h"
#include "alerts/readiness.h"
#include "alerts/replay.h"
#include "core/log.h"
#include "core/release.h"

namespace liqwatch::alerts {

namespace {
// True for a provisional observation of a series that does not say alert_on_provisional.
bool WithheldFromRules(const config::Config& c, const Observation& o) {
  if (!o.provisional) return false;
  const config::SeriesConfig* s = c.FindSeries(o.series);
  return s == nullptr || !s->alert_on_provisional;
}

// Windowed reads: how far back judging an instance reads (expr::Program::ReadsBack), through
// derived series (a window over a derived series needs its inputs' windows before it).
using Lookback = expr::Program::Lookback;

Lookback Wider(Lookback a, const Lookback& b) {
  a.observations = std::max(a.observations, b.observations);
  a.days = std::max(a.days, b.days);
  a.unbounded = a.unbounded || b.unbounded;
  return a;
}

Lookback Stacked(Lookback a, const Lookback& b) {
  a.observations += b.observations;
  a.days += b.days;
  a.unbounded = a.unbounded || b.unbounded;
  return a;
}

Lookback ProgramReach(const config::RuleSet& rs, const expr::Program& p);

Lookback SeriesReach(const config::RuleSet& rs, int index) {
  const config::DerivedConfig* d = rs.FindDerived(index);
  if (d == nullptr) return {};
  Lookback own = ProgramReach(rs, d->series.program);
  own.days += int(rs.catalog.spec(index).max_age.count());  // its inputs' as-of reads
  return own;
}

Lookback ProgramReach(const config::RuleSet& rs, const expr::Program& p) {
  Lookback inputs;
  for (int i : p.inputs()) inputs = Wider(inputs, SeriesReach(rs, i));
  return Stacked(p.ReadsBack(), inputs);
}

// The first date to read history from so that judging `inst` on `earliest` or later reads what
// the whole history would: its windows, in days by its inputs' cadence (a business day is at
// most 7/5 days plus two weeks of holidays; a weekly print 7 days), plus the longest max_age
// and two weeks' margin. nullopt (the whole history) for age() (the newest value, however
// old) or an input without a release calendar (its cadence is unknown).
std::optional<Date> ReadFrom(const config::RuleSet& rs, const config::RuleInstance& inst,
                             Date earliest) {
  Lookback reach;
  for (const auto* cond : {&inst.warn, &inst.crit, &inst.clear, &inst.seasonal})
    if (*cond) reach = Wider(reach, ProgramReach(rs, (*cond)->program));
  if (reach.unbounded) return std::nullopt;
  int observation_days = 0, max_age = 0;
  for (int i : rs.FetchedInputs(inst)) {
    const expr::SeriesSpec& spec = rs.catalog.spec(i);
    if (!spec.release) return std::nullopt;
    const int n = reach.observations;
    switch (spec.release->cadence) {
      case ReleaseSchedule::Cadence::kBusinessDays:
        observation_days = std::max(observation_days, (n + 4) / 5 * 7 + 14);
        break;
      case ReleaseSchedule::Cadence::kWeekly:
        observation_days = std::max(observation_days, 7 * n + 7);
        break;
      case ReleaseSchedule::Cadence::kDaily:
        observation_days = std::max(observation_days, n + 3);
        break;
    }
    max_age = std::max(max_age, int(spec.max_age.count()));
  }
  for (int i : inst.inputs) max_age = std::max(max_age, int(rs.catalog.spec(i).max_age.count()));
  return earliest - std::chrono::days{observation_days + reach.days + max_age + 14};
}

// The earlier of two read windows (nullopt: the whole history).
std::optional<Date> Earlier(const std::optional<std::optional<Date>>& a,
                            const std::optional<Date>& b) {
  if (!a) return b;
  if (!*a || !b) return std::nullopt;
  return std::min(**a, *b);
}

// Prints a series' fallback source delivered (SeriesConfig::fallback): by catalog index, the
// date and the source's name. Alert messages name them (the primary was down).
using FallbackPrints = std::map<int, std::map<Date, std::string>>;

// `since`: read only observations dated on or after it (ReadFrom); nullopt: all of them.
Result<expr::InMemoryHistory> LoadHistory(store::Store& s, const config::Config& c,
                                          const std::set<int>& needed,
                                          std::optional<Date> since = std::nullopt,
                                          FallbackPrints* fallback = nullptr) {
  const config::RuleSet& rs = *c.rule_set;
  std::map<std::string, std::vector<expr::Point>> data;
  for (int i : needed) {
    const std::string& id = rs.catalog.spec(i).id;
    auto h = s.History(id, since);
    if (!h.ok()) return h.status();
    auto& pts = data[id];
    const config::SeriesConfig* sc = c.FindSeries(id);
    for (const auto& o : *h) {
      if (!o.value || WithheldFromRules(c, o)) continue;
      pts.push_back({o.date, *o.value});
      if (fallback && sc && sc->fallback && o.source == sc->fallback->source)
        (*fallback)[i][o.date] = o.source;
    }
  }
  return BuildHistory(rs, c, data);
}

// " (sofr for 2025-10-28 from fred, the fallback source)" for each input whose print judged
// on `d` a fallback delivered; "" if none.
std::string FallbackNote(const config::RuleSet& rs, const config::RuleInstance& inst,
                         const expr::SeriesHistory& history, const FallbackPrints& fallback,
                         Date d) {
  std::string note;
  for (int i : rs.FetchedInputs(inst)) {
    auto by_date = fallback.find(i);
    if (by_date == fallback.end()) continue;
    auto points = history.Points(i);
    const int j = expr::LatestValue(points, d);
    if (j < 0) continue;
    auto used = by_date->second.find(points[size_t(j)].date);
    if (used == by_date->second.end()) continue;
    if (!note.empty()) note += "; ";
    note += fmt::format("{} for {} from {}, the fallback source", rs.catalog.spec(i).id,
                        FormatDate(used->first), used->second);
  }
  return note;
}

std::string Joined(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : a + "; " + b;
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

// Judges `t` as of `d`, steps its state machine and records the transition, if any. `older`
// names inputs judged on an older print (alerts/readiness.h). Returns the deliveries queued.
Result<int> EvaluateOne(store::Store& s, const Target& t, const std::string& clock, RuleMemory& m,
                        const expr::SeriesHistory& history, Date d, TimePoint now,
                        const TargetsFn& targets, const std::string& older = {}) {
  auto verdict = Judge(*t.instance, history, d, now);
  if (!older.empty()) verdict.message += " (" + older + ")";
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

// Judges every clock date of `t` not yet judged (after m.last_obs; an instance never judged
// starts at the newest date: history is for backtests, not pages), in date order, each once
// every input's print for it is in or late (alerts/readiness.h); stops at the first date still
// waiting for an input, which its arrival (or its deadline, on the timer) judges later.
// `rejudge`: judge m.last_obs again first (an input for it arrived late, or it is in no_data).
Result<int> CatchUp(store::Store& s, const config::RuleSet& rs, const Target& t, RuleMemory& m,
                    bool never_judged, bool rejudge, const expr::SeriesHistory& history,
                    const FallbackPrints& fallback, TimePoint now, const TargetsFn& targets) {
  const std::string clock = rs.ClockId(*t.instance);
  int deliveries = 0;
  if (rejudge && m.last_obs) {
    Readiness r = ReadyFor(rs, history, *t.instance, *m.last_obs, now);
    auto n =
        EvaluateOne(s, t, clock, m, history, *m.last_obs, now, targets,
                    Joined(r.older, FallbackNote(rs, *t.instance, history, fallback, *m.last_obs)));
    if (!n.ok()) return n.status();
    deliveries += *n;
  }
  auto points = history.Points(rs.RootClock(t.instance->clock));
  auto it = points.begin();
  if (never_judged && !points.empty()) {
    it = points.end() - 1;
  } else if (m.last_obs) {
    it = std::upper_bound(points.begin(), points.end(), *m.last_obs,
                          [](Date d, const expr::Point& p) { return d < p.date; });
  }
  for (; it != points.end(); ++it) {
    Readiness r = ReadyFor(rs, history, *t.instance, it->date, now);
    if (!r.ready) break;
    auto n =
        EvaluateOne(s, t, clock, m, history, it->date, now, targets,
                    Joined(r.older, FallbackNote(rs, *t.instance, history, fallback, it->date)));
    if (!n.ok()) return n.status();
    deliveries += *n;
  }
  return deliveries;
}

// The newest stored date per series (one query).
Result<std::map<std::string, Date>> NewestDates(store::Store& s) {
  auto latest = s.LatestObservations();
  if (!latest.ok()) return latest.status();
  return store::NewestDates(*latest);
}

// The last poll attempt per series (source health).
Result<std::map<std::string, TimePoint>> LastPollAttempts(store::Store& s) {
  auto health = s.SourceHealth();
  if (!health.ok()) return health.status();
  std::map<std::string, TimePoint> out;
  for (const auto& h : *health)
    if (h.last_attempt_at)
      if (auto t = ParseTime(*h.last_attempt_at); t.ok()) out[h.series] = *t;
  return out;
}

// A late() verdict is claimed only after a poll that ran past the deadline came back without
// the print: true while some input of `t` is late on its calendar but its feed has not been
// polled since its deadline (a daemon starting on stale data, before its first polls land),
// so a start-up does not send one "late" alert per feed that its first poll then resolves.
bool LateUnchecked(const config::RuleSet& rs, const Target& t,
                   const std::map<std::string, Date>& newest,
                   const std::map<std::string, TimePoint>& attempted, TimePoint now) {
  for (int i : rs.FetchedInputs(*t.instance)) {
    const expr::SeriesSpec& spec = rs.catalog.spec(i);
    if (!spec.release) continue;
    auto n = newest.find(spec.id);
    Freshness f =
        AssessFreshness(*spec.release, spec.id,
                        n == newest.end() ? std::nullopt : std::optional<Date>(n->second), now);
    if (f.state != Freshness::State::kLate) continue;
    auto a = attempted.find(spec.id);
    if (a == attempted.end() || a->second < f.deadline) return true;
  }
  return false;
}
// The instances a new observation of one series concerns: those it drives (their clock) and
// those that merely read it, with every input they fetch.
struct Affected {
  std::vector<Target> targets;
  std::vector<bool> clock_driven;
  std::set<int> needed;
};

Affected AffectedBy(const config::Config& c, const config::RuleSet& rs, int series) {
  Affected out;
  for (const auto& rule : c.rules) {
    for (const auto& inst : rule.expr->instances) {
      if (inst.clock < 0) continue;
      std::set<int> fetched = rs.FetchedInputs(inst);
      const bool driven = rs.RootClock(inst.clock) == series;
      if (!driven && fetched.count(series) == 0) continue;
      out.targets.push_back(Target{&rule, &inst});
      out.clock_driven.push_back(driven);
      out.needed.insert(fetched.begin(), fetched.end());
    }
  }
  return out;
}

// The new dates to judge, sorted, once each. A provisional value is not judged (nor is its
// date marked judged): the rule waits for the final value, which the store reports as changed
// when the row completes.
std::vector<Date> DatesToJudge(const config::Config& c, const std::vector<Observation>& changed) {
  std::vector<Date> dates;
  for (const auto& o : changed)
    if (o.value && !WithheldFromRules(c, o)) dates.push_back(o.date);
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

// Each target's memory, and from them the window of history judging reads: from each one's
// last judged date (or `earliest_new`, or its clock's newest date if never judged).
struct Memories {
  std::vector<std::optional<RuleMemory>> memories;
  std::optional<std::optional<Date>> since;
};

Result<Memories> LoadMemories(store::Store& s, const config::RuleSet& rs,
                              const std::vector<Target>& targets, Date earliest_new) {
  Memories out;
  std::optional<std::map<std::string, Date>> newest;
  for (const Target& t : targets) {
    auto loaded = LoadMemory(s, t.rule->name, t.instance->labels);
    if (!loaded.ok()) return loaded.status();
    Date earliest = earliest_new;
    if (*loaded && (*loaded)->last_obs) {
      earliest = std::min(earliest, *(*loaded)->last_obs);
    } else {
      if (!newest) {
        auto n = NewestDates(s);
        if (!n.ok()) return n.status();
        newest = std::move(*n);
      }
      auto clock = newest->find(rs.catalog.spec(rs.RootClock(t.instance->clock)).id);
      if (clock != newest->end()) earliest = std::min(earliest, clock->second);
    }
    out.since = Earlier(out.since, ReadFrom(rs, *t.instance, earliest));
    out.memories.push_back(std::move(*loaded));
  }
  return out;
}

// An instance an age()/late() pass judges, with its memory.
struct Due {
  Target t;
  RuleMemory m;
  bool never_judged;
};
struct DueSet {
  std::vector<Due> due;
  std::set<int> needed;
  std::optional<std::optional<Date>> since;
};

// age()/late() instances, and instances holding clock dates back for an input that may have
// gone late since (alerts/readiness.h): their memory says what they judged last.
Result<DueSet> CollectDue(store::Store& s, const config::Config& c,
                          const std::map<std::string, Date>& newest,
                          const std::map<std::string, TimePoint>& attempted, TimePoint now) {
  const config::RuleSet& rs = *c.rule_set;
  DueSet out;
  for (const auto& rule : c.rules) {
    for (const auto& inst : rule.expr->instances) {
      if (inst.clock < 0) continue;
      const std::string& clock_id = rs.catalog.spec(rs.RootClock(inst.clock)).id;
      auto newest_clock = newest.find(clock_id);
      if (newest_clock == newest.end()) continue;  // nothing observed yet: nothing is stale
      auto loaded = LoadMemory(s, rule.name, inst.labels);
      if (!loaded.ok()) return loaded.status();
      RuleMemory m = loaded->value_or(RuleMemory{});
      // Never judged (its first date waited for an input, or the rule is new), or behind its
      // clock: CatchUp judges what is ready.
      const bool waiting = !m.last_obs || newest_clock->second > *m.last_obs;
      if (!inst.uses_age && !waiting) continue;
      Target t{&rule, &inst};
      if (inst.uses_age && LateUnchecked(rs, t, newest, attempted, now)) continue;
      out.since = Earlier(out.since, ReadFrom(rs, inst, m.last_obs.value_or(newest_clock->second)));
      out.due.push_back(Due{t, m, !*loaded});
      auto fetched = rs.FetchedInputs(inst);
      out.needed.insert(fetched.begin(), fetched.end());
    }
  }
  return out;
}
}  // namespace

Result<int> EvaluateRules(store::Store& s, const config::Config& c, const std::string& series,
                          const std::vector<Observation>& changed, TimePoint now,
                          const TargetsFn& targets) {
  if (!c.rule_set) return 0;
  const config::RuleSet& rs = *c.rule_set;
  auto index = rs.catalog.Find(series);
  if (!index) return 0;
  const Affected affected = AffectedBy(c, rs, *index);
  const std::vector<Date> dates = DatesToJudge(c, changed);
  if (affected.targets.empty() || dates.empty()) return 0;
  auto loaded = LoadMemories(s, rs, affected.targets, dates.front());
  if (!loaded.ok()) return loaded.status();
  FallbackPrints fallback;
  auto history =
      LoadHistory(s, c, affected.needed, loaded->since.value_or(std::nullopt), &fallback);
  if (!history.ok()) return history.status();

  int deliveries = 0;
  for (size_t k = 0; k < affected.targets.size(); ++k) {
    const Target& t = affected.targets[k];
    const bool never_judged = !loaded->memories[k];
    RuleMemory m = loaded->memories[k].value_or(RuleMemory{});
    // An input for the date last judged arrived after it was judged (it was late, so the older
    // print was used), or the rule is in no_data: judge that date again, so the state is right
    // the same day, not at the clock's next print.
    const bool rejudge = !affected.clock_driven[k] && m.last_obs &&
                         NewestClockDate(rs, *history, *t.instance) == m.last_obs &&
                         (m.state == AlertState::kNoData ||
                          InputArrivedFor(rs, *history, *t.instance, *m.last_obs, dates));
    const std::optional<Date> before = m.last_obs;
    auto n = CatchUp(s, rs, t, m, never_judged, rejudge, *history, fallback, now, targets);
    if (!n.ok()) return n.status();
    deliveries += *n;
    if (m.last_obs == before && !rejudge) continue;  // nothing judged
    if (auto st = SaveMemory(s, t.rule->name, t.instance->labels, m); !st.ok()) return st;
  }
  return deliveries;
}

Result<int> EvaluateAgeRules(store::Store& s, const config::Config& c, TimePoint now,
                             const TargetsFn& targets) {
  if (!c.rule_set) return 0;
  const config::RuleSet& rs = *c.rule_set;
  auto newest = NewestDates(s);
  if (!newest.ok()) return newest.status();
  auto attempted = LastPollAttempts(s);
  if (!attempted.ok()) return attempted.status();
  auto collected = CollectDue(s, c, *newest, *attempted, now);
  if (!collected.ok()) return collected.status();
  if (collected->due.empty()) return 0;
  FallbackPrints fallback;
  auto history =
      LoadHistory(s, c, collected->needed, collected->since.value_or(std::nullopt), &fallback);
  if (!history.ok()) return history.status();

  int deliveries = 0;
  for (auto& [t, m, never_judged] : collected->due) {
    const std::optional<Date> before = m.last_obs;
    auto n = CatchUp(s, rs, t, m, never_judged, false, *history, fallback, now, targets);
    if (!n.ok()) return n.status();
    deliveries += *n;
    // age()/late(): as of the newest date judged, again (the date stays put while the feed is
    // silent, `now` moves on). A date waiting for an input is not judged early.
    if (t.instance->uses_age && m.last_obs == before && m.last_obs) {
      const std::string clock = rs.ClockId(*t.instance);
      auto again = EvaluateOne(s, t, clock, m, *history, *m.last_obs, now, targets);
      if (!again.ok()) return again.status();
      deliveries += *again;
    }
    if (m.last_obs == before && !t.instance->uses_age) continue;
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
