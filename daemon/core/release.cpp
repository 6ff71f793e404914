#include "core/release.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/calendar.h"

namespace liqwatch {
namespace {

using std::chrono::days;

// Far enough back for any lag a schedule can have (weekly + lag), bounded so a broken
// schedule cannot loop.
constexpr int kSearchDays = 400;

std::string_view WeekdayName(std::chrono::weekday wd) {
  static constexpr std::string_view kNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  return kNames[wd.c_encoding()];
}

// "08:45" for a New York time of day.
std::string ClockText(std::chrono::seconds tod) {
  auto m = std::chrono::duration_cast<std::chrono::minutes>(tod).count();
  return fmt::format("{:02}:{:02}", m / 60, m % 60);
}

}  // namespace

std::string ReleaseSchedule::ToString() const {
  std::string out = ClockText(time_of_day) + " ET";
  if (cadence == Cadence::kWeekly) out += fmt::format(", weekly {}", WeekdayName(weekday));
  if (cadence == Cadence::kDaily) out += ", every day";
  if (lag_business_days > 0) out += fmt::format(", D+{}bd", lag_business_days);
  if (lag_days > 0) out += fmt::format(", D+{}d", lag_days);
  if (lag_business_days == 0 && lag_days == 0) out += ", same day";
  out += ", grace " + FormatDuration(grace);
  return out;
}

bool IsObservationDate(const ReleaseSchedule& s, Date d) {
  switch (s.cadence) {
    case ReleaseSchedule::Cadence::kBusinessDays:
      return IsBusinessDay(d);
    case ReleaseSchedule::Cadence::kWeekly:
      return std::chrono::weekday{d} == s.weekday;
    case ReleaseSchedule::Cadence::kDaily:
      return true;
  }
  return false;
}

Date PublicationDay(const ReleaseSchedule& s, Date observation) {
  if (s.lag_business_days > 0) return AddBusinessDays(observation, s.lag_business_days);
  Date d = observation + days(s.lag_days);
  // A print published every calendar day (lag in days, daily cadence) is not held for Monday.
  if (s.cadence == ReleaseSchedule::Cadence::kDaily) return d;
  return IsBusinessDay(d) ? d : AddBusinessDays(d, 1);
}

Result<TimePoint> DueTime(const ReleaseSchedule& s, Date observation) {
  return FromNewYork(PublicationDay(s, observation), s.time_of_day);
}

std::optional<Date> ExpectedLatestDate(const ReleaseSchedule& s, TimePoint now) {
  auto ny = ToNewYork(now);
  if (!ny.ok()) return std::nullopt;
  for (Date d = ny->date; d > ny->date - days(kSearchDays); d -= days(1)) {
    if (!IsObservationDate(s, d) || PublicationDay(s, d) > ny->date) continue;
    auto due = DueTime(s, d);
    if (!due.ok()) return std::nullopt;
    if (*due <= now) return d;  // publication days never decrease with d: the newest is first
  }
  return std::nullopt;
}

std::optional<TimePoint> NextDueTime(const ReleaseSchedule& s, TimePoint now) {
  std::optional<Date> latest = ExpectedLatestDate(s, now);
  if (!latest) return std::nullopt;
  for (Date d = *latest + days(1); d <= *latest + days(kSearchDays); d += days(1)) {
    if (!IsObservationDate(s, d)) continue;
    auto due = DueTime(s, d);
    if (!due.ok()) return std::nullopt;
    if (*due > now) return *due;
  }
  return std::nullopt;
}

bool IsLate(const ReleaseSchedule& s, std::optional<Date> latest, TimePoint now) {
  std::optional<Date> overdue = ExpectedLatestDate(s, now - s.grace);
  return overdue && (!latest || *latest < *overdue);
}

Freshness AssessFreshness(const ReleaseSchedule& s, std::string_view series,
                          std::optional<Date> latest, TimePoint now) {
  Freshness f;
  auto missing = [&](std::optional<Date> expected) {
    return expected && (!latest || *latest < *expected);
  };
  std::optional<Date> overdue = ExpectedLatestDate(s, now - s.grace);
  std::optional<Date> due = ExpectedLatestDate(s, now);
  if (missing(overdue)) {
    f.state = Freshness::State::kLate;
    f.missing = overdue;
  } else if (missing(due)) {
    f.state = Freshness::State::kDue;
    f.missing = due;
  } else {
    return f;
  }
  auto due_time = DueTime(s, *f.missing);
  if (!due_time.ok()) return Freshness{};
  f.deadline = *due_time + s.grace;
  if (f.state == Freshness::State::kLate) {
    auto at = ToNewYork(f.deadline);
    if (at.ok())
      f.message =
          fmt::format("{} for {} not published by {} ET on {}", series, FormatDate(*f.missing),
                      ClockText(at->time_of_day), FormatDate(at->date));
  }
  return f;
}

Duration PollDelay(const ReleaseSchedule& s, std::optional<Date> latest, TimePoint now,
                   Duration fast, Duration idle) {
  Duration delay = idle;
  std::optional<Date> due = ExpectedLatestDate(s, now);
  if (due && (!latest || *latest < *due)) {
    auto due_time = DueTime(s, *due);
    if (due_time.ok() && now < *due_time + s.grace) return std::max(fast, Duration(1));
  }
  if (auto next = NextDueTime(s, now))
    delay = std::min(delay, std::chrono::ceil<Duration>(*next - now));
  return std::max(delay, Duration(1));
}

std::string FormatNewYork(TimePoint t) {
  auto at = ToNewYork(t);
  if (!at.ok()) return FormatTime(t);
  return FormatDate(at->date) + " " + ClockText(at->time_of_day) + " ET";
}

std::string_view FreshnessName(Freshness::State s) {
  switch (s) {
    case Freshness::State::kUpToDate:
      return "up_to_date";
    case Freshness::State::kDue:
      return "due";
    case Freshness::State::kLate:
      return "late";
  }
  return "up_to_date";
}

}  // namespace liqwatch
