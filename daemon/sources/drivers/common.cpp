// What every driver shares: the defaults of SourceDriver (options, series check, URL, release
// calendar, error reasons, series ids), the readers of keys several drivers declare and the
// calendar lookup.
#include <cmath>

#include <fmt/format.h>

#include "sources/driver.h"
#include "sources/drivers/calendar.h"
#include "sources/drivers/drivers.h"
#include "sources/formats/url.h"

namespace liqwatch::sources {

std::shared_ptr<const DriverOptions> SourceDriver::ReadOptions(OptionReader&, SourceConfig&) const {
  return std::make_shared<DriverOptions>();
}

std::optional<std::string> SourceDriver::CheckSeries(const SourceConfig& source,
                                                     const SeriesConfig& series) const {
  if (!series.field.empty())
    return fmt::format("field is only for nyfed series (source '{}' has type {})", source.name,
                       source.type);
  return std::nullopt;
}

std::optional<ReleaseSchedule> SourceDriver::release_calendar(std::string_view) const {
  return std::nullopt;
}

std::string SourceDriver::BuildUrl(const SourceConfig& source, const SeriesConfig&,
                                   const RequestRange&) const {
  return JoinUrl(source.base_url, source.path.empty() ? "/" : source.path);
}

std::optional<std::string> SourceDriver::ErrorReason(const SourceConfig&, const SeriesConfig&,
                                                     const http::HttpResponse&) const {
  return std::nullopt;
}

std::string SourceDriver::SeriesIdFor(const SeriesConfig& series, const RawPoint&) const {
  return series.id;
}

namespace drivers {

std::optional<ReleaseSchedule> FindCalendar(std::span<const CalendarEntry> table,
                                            std::string_view remote_id) {
  for (const CalendarEntry& e : table) {
    if (e.remote_id != remote_id) continue;
    ReleaseSchedule s;
    s.cadence = e.cadence;
    s.weekday = e.weekday;
    s.lag_business_days = e.lag_business_days;
    s.lag_days = e.lag_days;
    s.time_of_day = std::chrono::hours(e.hh) + std::chrono::minutes(e.mm);
    s.grace = e.grace;
    s.source = std::string(e.source);
    return s;
  }
  return std::nullopt;
}

std::optional<std::string> CheckOnlyRemoteId(const SourceDriver& driver, const SourceConfig& source,
                                             const SeriesConfig& s, std::string_view remote_id,
                                             std::string_view feed) {
  if (auto problem = driver.SourceDriver::CheckSeries(source, s)) return problem;
  if (s.remote_id != remote_id)
    return fmt::format("remote_id '{}' is not a {} feed, expected {}", s.remote_id, feed,
                       remote_id);
  return std::nullopt;
}

void ReadPath(OptionReader& r, SourceConfig& s) {
  auto v = r.String("path");
  if (!v) return;
  if (v->empty() || (*v)[0] != '/')
    r.Error("path",
            fmt::format("{}.path: expected a path starting with '/', got '{}'", r.path(), *v));
  else
    s.path = *v;
}

std::optional<int> ReadIndex(OptionReader& r, const char* key) {
  constexpr double kMaxIndex = 9999;
  auto v = r.Number(key);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > kMaxIndex || *v != std::floor(*v)) {
    r.Error(key, fmt::format("{}.{}: expected an integer from 0 to 9999", r.path(), key));
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

}  // namespace drivers
}  // namespace liqwatch::sources
