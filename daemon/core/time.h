// Dates, instants and durations used across the pipeline.
//
// Contract: Date is a calendar day (observation dates are days, not instants). TimePoint is a
// UTC instant. All functions are pure and thread-safe. Parse functions return an error Status
// naming the offending text; they never throw.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace liqwatch {

using Date = std::chrono::sys_days;
using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::milliseconds;

// "YYYY-MM-DD" only.
Result<Date> ParseDate(std::string_view text);
std::string FormatDate(Date d);

// "2025-10-28T14:03:07.123Z" (UTC, millisecond precision). Sorts lexically in time order.
std::string FormatTime(TimePoint t);
Result<TimePoint> ParseTime(std::string_view text);

// Durations written as a number and a unit: "500ms", "30s", "5m", "2h", "7d", "2w".
Result<Duration> ParseDuration(std::string_view text);
std::string FormatDuration(Duration d);  // "1h30m", "2d", "45s", "250ms"

// Either an absolute date ("2025-10-01") or a duration back from `now` ("7d").
Result<TimePoint> ParseSince(std::string_view text, TimePoint now);

// Source of "now". The rules engine never reads a clock; the app passes Now() in.
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemWallClock final : public WallClock {
 public:
  TimePoint Now() const override { return Clock::now(); }
};

}  // namespace liqwatch
