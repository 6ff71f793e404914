// US funding-market business days and New York local time.
//
// Contract: a business day is a weekday that is not a SIFMA-recommended full close of the US
// bond market, i.e. a "U.S. Government Securities Business Day", the calendar SOFR, ON RRP and
// the other funding series are published on. The rules are computed, not tabulated, so any year
// works:
//   New Year's Day (Sunday -> Monday; Saturday -> not observed), Martin Luther King Jr. Day,
//   Presidents Day, Good Friday, Memorial Day, Juneteenth (from 2022), Independence Day,
//   Labor Day, Columbus Day, Veterans Day (Sunday -> Monday; Saturday -> not observed),
//   Thanksgiving, Christmas. Other fixed holidays falling on Saturday close the Friday before,
//   on Sunday the Monday after.
// Good Fridays on which SIFMA recommended only an early close because the BLS jobs report came
// out that morning (2007, 2010, 2012, 2015, 2021, 2023) are business days. One-off closures
// (national days of mourning) are not modelled.
//
// All functions are pure and thread-safe, and never throw. The New York helpers read the
// system tz database (tzdata) once, on first use; they return an error Status if it is missing.
#pragma once

#include <chrono>
#include <string>

#include "core/status.h"
#include "core/time.h"

namespace liqwatch {

// True for a SIFMA full-close day that falls on a weekday (observed date, not nominal date).
bool IsUsBondMarketHoliday(Date d);

// Monday to Friday and not a US bond market holiday.
bool IsBusinessDay(Date d);

// Steps `n` business days from `d`: n > 0 forward, n < 0 backward; `d` itself is not counted,
// so AddBusinessDays(Fri, 1) is the next Monday (or Tuesday after a Monday holiday).
// n == 0 returns `d` unchanged, business day or not.
Date AddBusinessDays(Date d, int n);

// Number of business days in (from, to] when to >= from, and minus the number in (to, from]
// otherwise. BusinessDaysBetween(d, AddBusinessDays(d, n)) == n for every d and n >= 0.
int BusinessDaysBetween(Date from, Date to);

// A UTC instant seen on a wall clock in New York (EST/EDT).
struct NewYorkTime {
  Date date;                           // local calendar day
  std::chrono::seconds time_of_day{};  // since local midnight, [0, 86400)
  std::chrono::seconds utc_offset{};   // -5h (EST) or -4h (EDT)
};

// The America/New_York wall-clock date and time of `t`.
Result<NewYorkTime> ToNewYork(TimePoint t);

// The UTC instant at which New York wall clocks show `time_of_day` on `date`. On the autumn DST
// change an ambiguous time resolves to the earlier instant; in the spring gap a time that does
// not exist resolves to the transition instant (02:30 -> 03:00 EDT).
Result<TimePoint> FromNewYork(Date date, std::chrono::seconds time_of_day);

}  // namespace liqwatch
