#include "core/calendar.h"

#include <array>
#include <exception>

#include <date/tz.h>

namespace liqwatch {
namespace {

using std::chrono::days;
using std::chrono::Friday;
using std::chrono::last;
using std::chrono::Monday;
using std::chrono::Saturday;
using std::chrono::Sunday;
using std::chrono::Thursday;
using std::chrono::weekday;
using std::chrono::year;
using std::chrono::year_month_day;
using std::chrono::year_month_weekday;
using std::chrono::year_month_weekday_last;

Date Nth(int y, unsigned m, weekday wd, unsigned n) {
  return Date(year_month_weekday{year{y}, std::chrono::month{m}, wd[n]});
}
Date Last(int y, unsigned m, weekday wd) {
  return Date(year_month_weekday_last{year{y}, std::chrono::month{m}, wd[last]});
}

// Saturday -> Friday before (or not observed), Sunday -> Monday after.
// Returns the observed date, or a weekend date when the holiday is not observed at all.
Date Observed(Date nominal, bool observe_saturday_on_friday) {
  weekday wd{nominal};
  if (wd == Saturday) return observe_saturday_on_friday ? nominal - days(1) : nominal;
  if (wd == Sunday) return nominal + days(1);
  return nominal;
}

Date Fixed(int y, unsigned m, unsigned d) {
  return Date(year_month_day{year{y}, std::chrono::month{m}, std::chrono::day{d}});
}

// Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
Date EasterSunday(int y) {
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
  return Fixed(y, unsigned(month), unsigned(day));
}

// SIFMA recommended an early (noon) close, not a full close, because of the jobs report.
bool GoodFridayIsEarlyClose(int y) {
  constexpr int kYears[] = {2007, 2010, 2012, 2015, 2021, 2023};
  for (int k : kYears)
    if (k == y) return true;
  return false;
}

// The observed weekday holidays of year `y`, in date order.
struct YearHolidays {
  std::array<Date, 12> dates;
  int count = 0;
  void Add(Date d) {
    weekday wd{d};
    if (wd != Saturday && wd != Sunday) dates[count++] = d;  // unobserved ones stay on weekends
  }
};

YearHolidays HolidaysOfYear(int y) {
  YearHolidays h;
  h.Add(Observed(Fixed(y, 1, 1), false));
  if (y >= 1998) h.Add(Nth(y, 1, Monday, 3));  // MLK Day, a bond market holiday from 1998
  h.Add(Nth(y, 2, Monday, 3));                 // Presidents Day
  if (!GoodFridayIsEarlyClose(y)) h.Add(EasterSunday(y) - days(2));
  h.Add(Last(y, 5, Monday));  // Memorial Day
  if (y >= 2022) h.Add(Observed(Fixed(y, 6, 19), true));
  h.Add(Observed(Fixed(y, 7, 4), true));
  h.Add(Nth(y, 9, Monday, 1));   // Labor Day
  h.Add(Nth(y, 10, Monday, 2));  // Columbus Day
  h.Add(Observed(Fixed(y, 11, 11), false));
  h.Add(Nth(y, 11, Thursday, 4));  // Thanksgiving
  h.Add(Observed(Fixed(y, 12, 25), true));
  return h;
}

bool IsWeekend(Date d) {
  weekday wd{d};
  return wd == Saturday || wd == Sunday;
}

// Weekdays in [Monday 1970-01-05, d], negative before it; differences count weekdays.
int64_t WeekdayOrdinal(Date d) {
  int64_t n = (d - Date(std::chrono::year{1970} / 1 / 5)).count() + 1;
  int64_t q = n >= 0 ? n / 7 : -((-n + 6) / 7);
  int64_t r = n - q * 7;
  return q * 5 + std::min<int64_t>(r, 5);
}

}  // namespace

bool IsUsBondMarketHoliday(Date d) {
  if (IsWeekend(d)) return false;
  year_month_day ymd{d};
  int y = int(ymd.year());
  unsigned m = unsigned(ymd.month());
  // Only the rules that can land in this month are evaluated: this sits on the rules' hot path.
  switch (m) {
    case 1:
      return d == Observed(Fixed(y, 1, 1), false) || (y >= 1998 && d == Nth(y, 1, Monday, 3));
    case 2:
      return d == Nth(y, 2, Monday, 3);
    case 3:
    case 4:
      return weekday{d} == Friday && !GoodFridayIsEarlyClose(y) && d == EasterSunday(y) - days(2);
    case 5:
      return d == Last(y, 5, Monday);
    case 6:
      return y >= 2022 && d == Observed(Fixed(y, 6, 19), true);
    case 7:
      return d == Observed(Fixed(y, 7, 4), true);
    case 9:
      return d == Nth(y, 9, Monday, 1);
    case 10:
      return d == Nth(y, 10, Monday, 2);
    case 11:
      return d == Observed(Fixed(y, 11, 11), false) || d == Nth(y, 11, Thursday, 4);
    case 12:
      return d == Observed(Fixed(y, 12, 25), true);
    default:
      return false;
  }
}

bool IsBusinessDay(Date d) { return !IsWeekend(d) && !IsUsBondMarketHoliday(d); }

Date AddBusinessDays(Date d, int n) {
  const days step(n >= 0 ? 1 : -1);
  for (int left = n >= 0 ? n : -n; left > 0;) {
    d += step;
    if (IsBusinessDay(d)) --left;
  }
  return d;
}

int BusinessDaysBetween(Date from, Date to) {
  if (to < from) return -BusinessDaysBetween(to, from);
  int64_t count = WeekdayOrdinal(to) - WeekdayOrdinal(from);
  int first = int(year_month_day{from}.year()), last_year = int(year_month_day{to}.year());
  for (int y = first; y <= last_year; ++y) {
    YearHolidays holidays = HolidaysOfYear(y);
    for (int i = 0; i < holidays.count; ++i) {
      if (holidays.dates[i] > from && holidays.dates[i] <= to) --count;
    }
  }
  return int(count);
}

namespace {
const date::time_zone* NewYorkZone() {
  // locate_zone throws if tzdata is missing; errors are values outside this function.
  static const date::time_zone* zone = []() -> const date::time_zone* {
    try {
      return date::locate_zone("America/New_York");
    } catch (const std::exception&) {
      return nullptr;
    }
  }();
  return zone;
}
}  // namespace

Result<NewYorkTime> ToNewYork(TimePoint t) {
  const date::time_zone* zone = NewYorkZone();
  if (zone == nullptr) return Status::FailedPrecondition("time zone America/New_York not found");
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  date::sys_info info = zone->get_info(secs);
  auto local = secs + info.offset;  // still a sys_time, but read as a wall clock
  Date day = std::chrono::floor<days>(local);
  return NewYorkTime{day, local - day, info.offset};
}

Result<TimePoint> FromNewYork(Date date, std::chrono::seconds time_of_day) {
  const date::time_zone* zone = NewYorkZone();
  if (zone == nullptr) return Status::FailedPrecondition("time zone America/New_York not found");
  date::local_seconds local{date.time_since_epoch() + time_of_day};
  // choose::earliest also makes a non-existent local time map to the transition, not throw.
  return TimePoint(zone->to_sys(local, date::choose::earliest));
}

}  // namespace liqwatch
