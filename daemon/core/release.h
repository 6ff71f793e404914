// Release calendar: when the print of a series for an observation date is due, and whether it
// is late.
//
// Contract: a ReleaseSchedule is data (config `release:`, or the built-in default of the
// series' source driver: sources/drivers/calendar.h). The print for observation date D is due
// at `time_of_day` New York wall-clock time on the publication day: D + `lag_business_days` US
// business days (core/calendar.h: SIFMA / Federal Reserve closes), or D + `lag_days` calendar
// days rolled forward to a business day. With no lag the publication day is D itself if it is a
// business day, else the next one. Observation dates are, by cadence: every US business day,
// one weekday a week (H.4.1: Wednesday, even when that Wednesday is a holiday), or every
// calendar day. A print is late once `grace` has passed after it was due and the series still
// holds nothing for that date or later.
//
// All functions are pure and thread-safe and never throw; none reads a clock (`now` is passed
// in). They read the tz database through core/calendar.h; if it is missing they return an
// error Status (DueTime) or nullopt (the others).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "core/time.h"

namespace liqwatch {

struct ReleaseSchedule {
  enum class Cadence : uint8_t { kBusinessDays, kWeekly, kDaily };
  Cadence cadence = Cadence::kBusinessDays;
  std::chrono::weekday weekday = std::chrono::Wednesday;  // kWeekly: the observation's weekday
  int lag_business_days = 0;           // publication day = D + this many business days...
  int lag_days = 0;                    // ...or D + this many calendar days (then a business day)
  std::chrono::seconds time_of_day{};  // New York wall clock on the publication day
  Duration grace{};                    // after the due time, a missing print is late
  std::string source;                  // where the time comes from, for docs and `rules`/API output

  // "08:00 ET, D+1bd, grace 45m" / "16:30 ET, weekly Wed, D+1bd, grace 2h".
  std::string ToString() const;
};

// True if `d` is an observation date of the schedule's cadence.
bool IsObservationDate(const ReleaseSchedule& s, Date d);

// The publication day of the print for `observation` (see the contract).
Date PublicationDay(const ReleaseSchedule& s, Date observation);

// The instant the print for `observation` is due (publication day at time_of_day, New York).
// Across DST changes the UTC instant moves with the wall clock: 08:00 ET is 13:00Z in winter,
// 12:00Z in summer.
Result<TimePoint> DueTime(const ReleaseSchedule& s, Date observation);

// The newest observation date whose print is due at or before `now`, or nullopt if none within
// a year (or the tz database is missing). For SOFR (08:00, D+1bd) at Tuesday 07:59 ET that is
// the previous Friday; at 08:00 it is Monday.
std::optional<Date> ExpectedLatestDate(const ReleaseSchedule& s, TimePoint now);

// The first due instant strictly after `now` (the next print to wait for), or nullopt.
std::optional<TimePoint> NextDueTime(const ReleaseSchedule& s, TimePoint now);

// Freshness of a series against its calendar at `now`.
struct Freshness {
  enum class State : uint8_t {
    kUpToDate,  // holds every print due by now (or the next print is not due yet)
    kDue,       // a print is due but still within its grace period
    kLate,      // a print is past due + grace and not stored
  };
  State state = State::kUpToDate;
  std::optional<Date> missing;  // kDue / kLate: the newest due observation date not stored
  TimePoint deadline{};         // kDue / kLate: its due time + grace
  // kLate: "sofr for 2026-03-02 not published by 08:45 ET (due 08:00 ET 2026-03-03)"; else "".
  std::string message;
};

// `latest` is the newest observation date stored for the series (nullopt: none yet).
Freshness AssessFreshness(const ReleaseSchedule& s, std::string_view series,
                          std::optional<Date> latest, TimePoint now);

// True iff AssessFreshness(...).state == kLate, without allocating.
bool IsLate(const ReleaseSchedule& s, std::optional<Date> latest, TimePoint now);

std::string_view FreshnessName(Freshness::State s);  // "up_to_date", "due", "late"

// "2025-10-31 08:00 ET": a publication or send time on the desk's clock (New York wall time,
// EST or EDT). Falls back to FormatTime (UTC) if the tz database is missing.
std::string FormatNewYork(TimePoint t);

// Calendar-driven polling (not yet wired into sources/poller.cpp): the delay before the next
// poll of a series whose newest stored date is `latest`. From a print's due time until its
// deadline (due + grace) while it is missing: `fast`. Otherwise (landed, not due yet, or
// already late, which freshness reports): `idle`, but never past the next due time, so the
// fast phase starts on time. At least 1ms.
Duration PollDelay(const ReleaseSchedule& s, std::optional<Date> latest, TimePoint now,
                   Duration fast, Duration idle);

}  // namespace liqwatch
