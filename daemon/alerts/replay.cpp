#include "alerts/replay.h"

#include <algorithm>
#include <span>
#include <tuple>

#include "alerts/judge.h"
#include "alerts/readiness.h"
#include "core/calendar.h"
#include "core/release.h"

namespace liqwatch::alerts {

expr::InMemoryHistory BuildHistory(const config::RuleSet& rs, const config::Config& c,
                                   const std::map<std::string, std::vector<expr::Point>>& fetched) {
  (void)c;
  expr::InMemoryHistory h(rs.catalog.size());
  for (const auto& [id, points] : fetched) {
    auto idx = rs.catalog.Find(id);
    if (!idx || *idx >= rs.fetched_count) continue;
    (void)h.Set(*idx, points);
  }
  for (const auto& d : rs.derived) {
    auto dates =
        expr::DerivedDates(d.series.program, h, Date{std::chrono::days{-100000}},
                           Date{std::chrono::days{100000}}, expr::DerivedDateSource::kFirstInput);
    // A date the definition is NoData stays a gap marker, so rules read it as NoData, never as
    // the point before it.
    std::vector<expr::DerivedGap> gaps;
    auto points = expr::ComputeDerivedHistory(d.series.program, h, dates, TimePoint{}, &gaps);
    (void)h.Set(d.series.index, std::move(points), std::move(gaps));
  }
  return h;
}

std::optional<Date> NewestClockDate(const config::RuleSet& rs, const expr::SeriesHistory& history,
                                    const config::RuleInstance& instance) {
  if (instance.clock < 0) return std::nullopt;
  auto points = history.Points(rs.RootClock(instance.clock));
  if (points.empty()) return std::nullopt;
  return points.back().date;
}

TimePoint EndOfDay(Date d) {
  return TimePoint(d) + std::chrono::hours(24) - std::chrono::seconds(1);
}

std::vector<store::Transition> Backtest(const config::Config& c, const expr::SeriesHistory& history,
                                        Date from, Date to) {
  return Backtest(
      c, history, [&history](Date) -> const expr::SeriesHistory& { return history; }, from, to);
}

namespace {

// One evaluation of a rule instance: as of observation date `date`, at `at` (when the desk
// could have known it). `older` notes inputs judged on an older print (alerts/readiness.h).
struct Event {
  TimePoint at;
  Date date;
  size_t unit;
  std::string older;
};

// The evaluations of an age()/late() instance whose clock has a release calendar: when each
// print lands (its due time) and when each goes late (due + grace), each as of the newest clock
// print known by then, as the daemon's timer would judge it.
void AgeEvents(const expr::SeriesSpec& spec, std::span<const expr::Point> clock, Date from, Date to,
               size_t unit, std::vector<Event>& out) {
  std::vector<TimePoint> known;
  for (const auto& p : clock) known.push_back(KnownAt(spec, p.date));
  auto as_of = [&](TimePoint t) -> std::optional<Date> {
    auto it = std::upper_bound(known.begin(), known.end(), t);
    if (it == known.begin()) return std::nullopt;
    return clock[size_t(it - known.begin() - 1)].date;
  };
  // Lateness is judged only for prints dated within the replayed range: after `to` the data
  // simply ends, which says nothing about whether a print was late.
  auto add = [&](TimePoint t) {
    auto due = ExpectedLatestDate(*spec.release, t - spec.release->grace);
    if (due && *due > to) return;
    if (auto d = as_of(t)) out.push_back(Event{t, *d, unit, {}});
  };
  for (size_t k = 0; k < clock.size(); ++k)
    if (clock[k].date >= from && clock[k].date <= to) add(known[k]);
  for (Date d = from; d <= to; d += std::chrono::days{1}) {
    if (!IsObservationDate(*spec.release, d)) continue;
    if (auto due = DueTime(*spec.release, d); due.ok()) add(*due + spec.release->grace);
  }
}

}  // namespace

std::vector<store::Transition> Backtest(const config::Config& c, const expr::SeriesHistory& history,
                                        const HistoryAt& history_at, Date from, Date to) {
  const config::RuleSet& rs = *c.rule_set;
  // Every rule instance, in config order (instances in for_each order).
  struct Unit {
    const config::RuleConfig* rule;
    const config::RuleInstance* instance;
    std::string series;
    RuleMemory memory;
  };
  std::vector<Unit> units;
  for (const auto& rule : c.rules) {
    for (const auto& inst : rule.expr->instances)
      units.push_back(Unit{&rule, &inst, rs.ClockId(inst), RuleMemory{}});
  }
  const TimePoint never = TimePoint::max();
  std::vector<Event> events;
  for (size_t u = 0; u < units.size(); ++u) {
    const auto& inst = *units[u].instance;
    const int root = inst.clock >= 0 ? rs.RootClock(inst.clock) : -1;
    if (inst.uses_age && root >= 0 && rs.catalog.spec(root).release) {
      AgeEvents(rs.catalog.spec(root), history.Points(root), from, to, u, events);
      continue;
    }
    if (inst.uses_age || inst.clock < 0) {  // no calendar: the end of every business day
      for (Date d = from; d <= to; d += std::chrono::days{1})
        if (IsBusinessDay(d)) events.push_back(Event{EndOfDay(d), d, u, {}});
      continue;
    }
    // The root fetched series: every date a derived clock was computed on, including those
    // where it has a gap marker (an input missing), which must be evaluated (to no_data). Each
    // is judged once every input's print for it is in or late (alerts/readiness.h).
    for (const auto& p : history.Points(root)) {
      if (p.date < from || p.date > to) continue;
      Readiness r = ReadyFor(rs, history, inst, p.date, never);
      events.push_back(Event{r.at, p.date, u, std::move(r.older)});
    }
  }
  // In send-time order; a unit's dates stay in order (ready times grow with the date).
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.at, a.date, a.unit) < std::tie(b.at, b.date, b.unit);
  });
  std::vector<store::Transition> out;
  for (const auto& e : events) {
    Unit& unit = units[e.unit];
    if (unit.memory.last_obs && e.date < *unit.memory.last_obs) continue;
    auto verdict = Judge(*unit.instance, history_at(e.date), e.date, e.at);
    if (!e.older.empty()) verdict.message += " (" + e.older + ")";
    if (auto t = Step(*unit.rule, unit.series, unit.instance->labels, unit.memory, verdict, e.date,
                      e.at))
      out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace liqwatch::alerts
