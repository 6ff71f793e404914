// Date parsing with a strftime-like format, and the shared "no future dates" check.
//
// Contract: pure, thread-safe, never throw, locale-independent (English month names only).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace liqwatch::sources {

// Parses `text` (surrounding whitespace ignored) against `format` with Howard Hinnant's
// date::parse (date/date.h, C locale). Directives:
//   %Y year (up to 4 digits; outside years 1900-2200 is an error)   %y 2-digit year (69-99:
//   19xx, 00-68: 20xx)   %m month 1-12 (1 or 2 digits)   %d / %e day 1-31 (1 or 2 digits)
//   %b / %B / %h English month name, abbreviated or full, case-insensitive ("Jul", "July";
//   "SEPT" is rejected)   %% a literal '%'
// Whitespace in the format matches any run of whitespace (none included); any other character
// must match literally. The whole text must be consumed and the date must exist.
// Examples: "%Y-%m-%d" "2025-10-28"; "%d %b %Y" "06 Jul 2026"; "%m/%d/%Y" "10/28/2025".
// On failure: InvalidArgument "date 'TEXT' does not match format 'FMT'" (or "is not a valid
// calendar date").
Result<Date> ParseDateWithFormat(std::string_view text, std::string_view format);

// Policy for rows dated after `today` (every parser with a `today` option uses it): such rows
// are REJECTED, the whole body fails with InvalidArgument
//   "<what>: N row(s) dated after today (YYYY-MM-DD), e.g. YYYY-MM-DD" (N distinct dates,
// the example is the earliest).
// A future date is never a real observation of these feeds; it means a swapped date format
// (%m/%d vs %d/%m), a broken clock, or a wrong page, and storing it would poison "latest".
// Returns OK when `today` is nullopt or no point is after it.
Status CheckNoFutureDates(const std::vector<RawPoint>& points, std::optional<Date> today,
                          std::string_view what);

// Policy for a body that gives one (date, column) twice: the body is REJECTED, InvalidArgument
//   "<what>: YYYY-MM-DD <column> appears twice (V1 and V2)"
// (either value stored would make alerts flap on every poll). `points` must be sorted by
// (date, column). The poller's CheckObservations applies the same rule to every format.
Status CheckNoRepeatedPoints(const std::vector<RawPoint>& points, std::string_view what);

// The dates a feed observation may carry: 1900-01-01 through 2200-12-31 (core/time.h
// kMinYear..kMaxYear). Year 0000 or 9999 in a feed is a broken or hostile response, not data (it
// would poison "latest" or history). OK inside that range; otherwise InvalidArgument "<what>: date
// YYYY-MM-DD is outside the accepted range 1900-01-01..2200-12-31". Every parsed page passes it
// (sources/poller.h CheckObservations).
inline constexpr std::chrono::year kFirstObservationYear{kMinYear};  // core/time.h: one range
inline constexpr std::chrono::year kLastObservationYear{kMaxYear};
Status CheckObservationDate(Date d, std::string_view what);

}  // namespace liqwatch::sources
