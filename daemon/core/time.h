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

// Observation dates, and every date or instant parsed from text, lie in years
// [kMinYear, kMaxYear]: "0000-01-01" or "9999-12-31" is a typo or a hostile feed, not data (and
// TimePoint, in nanoseconds, cannot hold years past 2262).
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2200;
// Ok for a year in range, else "date '0000-01-01' is out of range: years 1900 to 2200 are
// accepted", naming `text` (the date as written).
Status CheckYear(int year, std::string_view text);

// "YYYY-MM-DD" only, years kMinYear..kMaxYear.
Result<Date> ParseDate(std::string_view text);
std::string FormatDate(Date d);

// "2025-10-28T14:03:07.123Z" (UTC, millisecond precision). Sorts lexically in time order.
std::string FormatTime(TimePoint t);
Result<TimePoint> ParseTime(std::string_view text);

// Durations written as a number and a unit: "500ms", "30s", "5m", "2h", "7d", "2w", at most
// kMaxDuration ("99999999999999999999d" is a kTooLarge error "duration '…' is too long: at
// most 36500d", never an overflowed value); other errors are kInvalidArgument. Zero is
// accepted here; callers that need a positive duration check it.
inline constexpr Duration kMaxDuration = std::chrono::days(36500);  // 100 years
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

// A clock that shows what it is set to: tests, replays.
class FixedWallClock final : public WallClock {
 public:
  explicit FixedWallClock(TimePoint t) : now_(t) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

}  // namespace liqwatch
