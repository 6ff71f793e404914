#include "alerts/replay.h"

#include <algorithm>

#include "core/calendar.h"
#include "rules/judge.h"

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
    auto points = expr::ComputeDerivedHistory(d.series.program, h, dates, TimePoint{});
    (void)h.Set(d.series.index, std::move(points));
  }
  return h;
}

TimePoint EndOfDay(Date d) {
  return TimePoint(d) + std::chrono::hours(24) - std::chrono::seconds(1);
}

std::string ClockSeries(const config::RuleSet& rs, const config::RuleConfig& rule) {
  int clock = rule.expr->clock;
  return clock >= 0 ? rs.catalog.spec(clock).id : std::string();
}

std::vector<store::Transition> Backtest(const config::Config& c, const expr::SeriesHistory& history,
                                        Date from, Date to) {
  return Backtest(
      c, history, [&history](Date) -> const expr::SeriesHistory& { return history; }, from, to);
}

std::vector<store::Transition> Backtest(const config::Config& c, const expr::SeriesHistory& history,
                                        const HistoryAt& history_at, Date from, Date to) {
  const config::RuleSet& rs = *c.rule_set;
  // (date, rule index) pairs in date order, rules in config order within a day.
  std::vector<std::pair<Date, int>> events;
  for (int i = 0; i < int(c.rules.size()); ++i) {
    const auto& rule = c.rules[size_t(i)];
    if (!rule.expr) continue;
    if (rule.expr->uses_age || rule.expr->clock < 0) {
      for (Date d = from; d <= to; d += std::chrono::days{1})
        if (IsBusinessDay(d)) events.emplace_back(d, i);
      continue;
    }
    // The root fetched series: a derived clock has no point where an input is missing, and
    // those dates must be evaluated (to no_data), not skipped.
    for (const auto& p : history.Points(rs.RootClock(rule.expr->clock)))
      if (p.date >= from && p.date <= to) events.emplace_back(p.date, i);
  }
  std::stable_sort(events.begin(), events.end());
  std::vector<RuleMemory> memory(c.rules.size());
  std::vector<std::string> series(c.rules.size());
  for (size_t i = 0; i < c.rules.size(); ++i)
    if (c.rules[i].expr) series[i] = ClockSeries(rs, c.rules[i]);
  std::vector<store::Transition> out;
  for (const auto& [date, i] : events) {
    const auto& rule = c.rules[size_t(i)];
    TimePoint now = EndOfDay(date);
    auto verdict = rules::Judge(*rule.expr, history_at(date), date, now);
    if (auto t = Step(rule, series[size_t(i)], memory[size_t(i)], verdict, date, now))
      out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace liqwatch::alerts
