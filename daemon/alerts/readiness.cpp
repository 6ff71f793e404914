#include "alerts/readiness.h"

#include <algorithm>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "alerts/replay.h"
#include "core/fomc.h"
#include "core/release.h"

namespace liqwatch::alerts {

TimePoint KnownAt(const expr::SeriesSpec& spec, Date date) {
  if (spec.release) {
    if (auto due = DueTime(*spec.release, date); due.ok()) return *due;
  }
  return EndOfDay(date);
}

namespace {

// A policy rate's print for `d` is its newest print carried forward when no FOMC decision takes
// effect after that print's date, through `d` (core/fomc.h). Returns the date of the first
// stored print since the decision in force on `d` (its release is when `d`'s value was known),
// or nullopt when that does not hold (not a policy rate, nothing stored since the decision, the
// newest print older than max_age, a date outside the FOMC calendar's years): then the print
// for `d` itself is waited for.
std::optional<Date> CarriedPolicyPrint(const expr::SeriesSpec& spec,
                                       std::span<const expr::Point> points, int latest, Date d) {
  if (!spec.policy_rate || latest < 0) return std::nullopt;
  const auto since = PolicyRateInForceSince(d);
  const Date newest = points[size_t(latest)].date;
  // Older than max_age, the as-of read would not carry it (NoData): not a known print.
  if (!since || newest < *since || d - newest > spec.max_age) return std::nullopt;
  auto first = std::lower_bound(points.begin(), points.begin() + latest + 1, *since,
                                [](const expr::Point& p, Date x) { return p.date < x; });
  return first->date;
}

}  // namespace

Readiness ReadyFor(const config::RuleSet& rs, const expr::SeriesHistory& history,
                   const config::RuleInstance& instance, Date d, TimePoint now) {
  Readiness r;
  for (int i : rs.FetchedInputs(instance)) {
    const expr::SeriesSpec& spec = rs.catalog.spec(i);
    auto points = history.Points(i);
    const int j = expr::LatestValue(points, d);
    if (auto carried = CarriedPolicyPrint(spec, points, j, d)) {  // exact before it is out
      r.at = std::max(r.at, KnownAt(spec, *carried));
      continue;
    }
    if (j >= 0) r.at = std::max(r.at, KnownAt(spec, points[size_t(j)].date));
    if (j >= 0 && points[size_t(j)].date == d) continue;                  // its print for d is in
    if (!spec.release || !IsObservationDate(*spec.release, d)) continue;  // none due for d
    auto due = DueTime(*spec.release, d);
    if (!due.ok()) continue;
    const TimePoint deadline = *due + spec.release->grace;
    r.at = std::max(r.at, deadline);
    if (now < deadline) {
      r.ready = false;
      continue;
    }
    if (!r.older.empty()) r.older += "; ";
    r.older += fmt::format(
        "{} for {} not published by {}: {}", spec.id, FormatDate(d), FormatNewYork(deadline),
        j >= 0 ? "its " + FormatDate(points[size_t(j)].date) + " print used" : "no earlier print");
  }
  return r;
}

}  // namespace liqwatch::alerts
