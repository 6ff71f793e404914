// Routine funding seasons: the calendar dates on which dollar cash moves for calendar reasons,
// not news, so a rule can recognise them (docs/rules.md, "Seasonal moves").
//
// Contract: pure, thread-safe, never throws; business days are core/calendar.h's.
// - Month-, quarter- and year-end: the period's last business day. A date is "near" one when it
//   lies within `business_days` of it on either side (balance-sheet window dressing starts a
//   few days before the end and unwinds on the first days after).
// - Tax dates: the federal estimated-tax and corporate-tax payment dates that lift the TGA,
//   January 15, April 15, June 15, September 15 and December 15, each moved to the next
//   business day when it falls on a weekend or holiday (IRS Publication 509; corporate
//   estimates on the 15th of the 4th, 6th, 9th and 12th months). A date is "near" one from the
//   tax date itself through `business_days` after it, the days the receipts settle into the TGA.
#pragma once

#include <optional>
#include <string_view>

#include "core/time.h"

namespace liqwatch {

enum class Season { kMonthEnd, kQuarterEnd, kYearEnd, kTaxDate };

// "month-end", "quarter-end", "year-end", "tax date".
std::string_view SeasonName(Season s);

// The season's anchor date (period-end business day, or the rolled tax date) that `d` is near
// within `business_days`, or nullopt. With two in reach, the nearer one (the later on a tie).
std::optional<Date> NearSeason(Season s, Date d, int business_days);

}  // namespace liqwatch
