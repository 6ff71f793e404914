#include "alerts/readiness.h"

#include <algorithm>

#include <fmt/format.h>

#include "alerts/replay.h"
#include "core/release.h"

namespace liqwatch::alerts {

TimePoint KnownAt(const expr::SeriesSpec& spec, Date date) {
  if (spec.release) {
    if (auto due = DueTime(*spec.release, date); due.ok()) return *due;
  }
  return EndOfDay(date);
}

Readiness ReadyFor(const config::RuleSet& rs, const expr::SeriesHistory& history,
                   const config::RuleInstance& instance, Date d, TimePoint now) {
  Readiness r;
  for (int i : rs.FetchedInputs(instance)) {
    const expr::SeriesSpec& spec = rs.catalog.spec(i);
    auto points = history.Points(i);
    const int j = expr::LatestValue(points, d);
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
