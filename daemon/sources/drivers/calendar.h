// Built-in release calendars: the table form a driver's release_calendar hook reads.
//
// Contract: a driver lists one CalendarEntry per remote_id with a known publication time (its
// own feeds only) and answers release_calendar(remote_id) with FindCalendar over that list:
// the schedule, or nullopt for a remote_id it has no calendar for. Times are America/New_York;
// `source` says where each time comes from ([K]: the publisher's documented schedule; [I]:
// inferred from practice, so the grace is wider); docs/sources.md ("Release calendar") shows
// every entry. Pure, constexpr data; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string_view>

#include "core/release.h"

namespace liqwatch::sources::drivers {

struct CalendarEntry {
  std::string_view remote_id;
  ReleaseSchedule::Cadence cadence;
  std::chrono::weekday weekday;  // kWeekly: the observation's weekday
  int lag_business_days;
  int lag_days;
  int hh, mm;  // due time, New York
  Duration grace;
  std::string_view source;
};

// The schedule of `remote_id` in `table`, or nullopt.
std::optional<ReleaseSchedule> FindCalendar(std::span<const CalendarEntry> table,
                                            std::string_view remote_id);

// Short names for the tables.
namespace calendar {
using Cadence = ReleaseSchedule::Cadence;
inline constexpr auto kWed = std::chrono::Wednesday;
inline constexpr auto kFri = std::chrono::Friday;
inline constexpr Duration k30m = std::chrono::minutes(30), k45m = std::chrono::minutes(45),
                          k1h = std::chrono::hours(1), k3h = std::chrono::hours(3),
                          k4h = std::chrono::hours(4), k1d = std::chrono::hours(24);
}  // namespace calendar

}  // namespace liqwatch::sources::drivers
