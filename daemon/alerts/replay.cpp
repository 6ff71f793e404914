#include "alerts/replay.h"

#include <algorithm>

#include "alerts/judge.h"
#include "core/calendar.h"

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
  // (date, unit index) pairs in date order, units in config order within a day.
  std::vector<std::pair<Date, size_t>> events;
  for (size_t u = 0; u < units.size(); ++u) {
    const auto& inst = *units[u].instance;
    if (inst.uses_age || inst.clock < 0) {
      for (Date d = from; d <= to; d += std::chrono::days{1})
        if (IsBusinessDay(d)) events.emplace_back(d, u);
      continue;
    }
    // The root fetched series: every date a derived clock was computed on, including those
    // where it has a gap marker (an input missing), which must be evaluated (to no_data).
    for (const auto& p : history.Points(rs.RootClock(inst.clock)))
      if (p.date >= from && p.date <= to) events.emplace_back(p.date, u);
  }
  std::stable_sort(events.begin(), events.end());
  std::vector<store::Transition> out;
  for (const auto& [date, u] : events) {
    Unit& unit = units[u];
    TimePoint now = EndOfDay(date);
    auto verdict = Judge(*unit.instance, history_at(date), date, now);
    if (auto t =
            Step(*unit.rule, unit.series, unit.instance->labels, unit.memory, verdict, date, now))
      out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace liqwatch::alerts
