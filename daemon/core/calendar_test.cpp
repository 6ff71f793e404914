#include "core/calendar.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace liqwatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Date D(std::string_view s) {
  auto d = ParseDate(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date{};
}

TimePoint T(std::string_view s) {
  auto t = ParseTime(s);
  EXPECT_TRUE(t.ok()) << s;
  return t.ok() ? *t : TimePoint{};
}

TEST(Calendar, All2025HolidaysAreClosedAndCountTwelve) {
  const char* holidays[] = {"2025-01-01", "2025-01-20", "2025-02-17", "2025-04-18",
                            "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01",
                            "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25"};
  for (const char* h : holidays) {
    EXPECT_TRUE(IsUsBondMarketHoliday(D(h))) << h;
    EXPECT_FALSE(IsBusinessDay(D(h))) << h;
  }
  int count = 0;
  for (Date d = D("2025-01-01"); d <= D("2025-12-31"); d += std::chrono::days(1))
    count += IsUsBondMarketHoliday(d);
  EXPECT_EQ(count, 12);
}

TEST(Calendar, WeekendsAreNotBusinessDays) {
  EXPECT_FALSE(IsBusinessDay(D("2025-10-25")));  // Saturday
  EXPECT_FALSE(IsBusinessDay(D("2025-10-26")));  // Sunday
  EXPECT_TRUE(IsBusinessDay(D("2025-10-24")));   // Friday
  EXPECT_TRUE(IsBusinessDay(D("2025-10-27")));   // Monday
}

TEST(Calendar, ObservedDatesForWeekendHolidays) {
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2021-12-24")));   // Christmas on Saturday -> Friday
  EXPECT_FALSE(IsUsBondMarketHoliday(D("2021-12-31")));  // New Year's on Sat: not observed
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2023-01-02")));   // New Year's on Sunday -> Monday
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2020-07-03")));   // July 4 on Saturday -> Friday
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2021-07-05")));   // July 4 on Sunday -> Monday
  EXPECT_FALSE(IsUsBondMarketHoliday(D("2023-11-10")));  // Veterans Day on Sat: not observed
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2018-11-12")));   // Veterans Day on Sunday -> Monday
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2022-06-20")));   // Juneteenth on Sunday -> Monday
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2027-06-18")));   // Juneteenth on Saturday -> Friday
  EXPECT_FALSE(IsUsBondMarketHoliday(D("2021-06-18")));  // before Juneteenth was observed
}

TEST(Calendar, GoodFridayFollowsEasterExceptEarlyCloseYears) {
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2024-03-29")));  // Easter 2024-03-31
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2026-04-03")));  // Easter 2026-04-05
  EXPECT_TRUE(IsUsBondMarketHoliday(D("2019-04-19")));  // Easter 2019-04-21
  EXPECT_FALSE(IsUsBondMarketHoliday(D("2024-04-05")));
  EXPECT_TRUE(IsBusinessDay(D("2021-04-02")));  // jobs report: SIFMA early close only
  EXPECT_TRUE(IsBusinessDay(D("2023-04-07")));
}

// The real SOFR file has an empty value exactly on the holidays and a row on every business
// day, so the calendar must agree with it row by row.
TEST(Calendar, MatchesSofrPublicationDays) {
  std::ifstream in(std::string(LIQWATCH_FEED_DATA_DIR) + "/SOFR.csv");
  ASSERT_TRUE(in.good());
  std::string line;
  std::getline(in, line);  // header
  Date first{}, last{};
  int rows = 0, blanks = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Date d = D(line.substr(0, 10));
    bool has_value = line.size() > 11;
    EXPECT_EQ(IsBusinessDay(d), has_value) << line;
    if (rows == 0) first = d;
    last = d;
    ++rows;
    blanks += !has_value;
  }
  EXPECT_EQ(blanks, 5);
  // One row per weekday: the business days plus the five holidays.
  EXPECT_EQ(BusinessDaysBetween(first - std::chrono::days(1), last) + blanks, rows);
}

TEST(Calendar, AddBusinessDaysSkipsHolidaysAndWeekends) {
  EXPECT_EQ(AddBusinessDays(D("2025-11-10"), 1), D("2025-11-12"));  // over Veterans Day
  EXPECT_EQ(AddBusinessDays(D("2025-11-26"), 1), D("2025-11-28"));  // over Thanksgiving
  EXPECT_EQ(AddBusinessDays(D("2025-11-28"), -1), D("2025-11-26"));
  EXPECT_EQ(AddBusinessDays(D("2025-11-07"), 1), D("2025-11-10"));  // over a weekend
  EXPECT_EQ(AddBusinessDays(D("2025-12-31"), 1), D("2026-01-02"));
  EXPECT_EQ(AddBusinessDays(D("2025-11-14"), -5), D("2025-11-06"));  // 13,12,10,7,6
  EXPECT_EQ(AddBusinessDays(D("2025-11-15"), 0), D("2025-11-15"));
  EXPECT_EQ(AddBusinessDays(D("2025-11-15"), -1), D("2025-11-14"));  // from a Saturday
}

TEST(Calendar, BusinessDaysBetweenCountsHalfOpenInterval) {
  EXPECT_EQ(BusinessDaysBetween(D("2025-10-31"), D("2025-11-30")), 18);  // 20 weekdays - 2
  EXPECT_EQ(BusinessDaysBetween(D("2025-11-30"), D("2025-10-31")), -18);
  EXPECT_EQ(BusinessDaysBetween(D("2024-12-31"), D("2025-12-31")), 249);  // 261 - 12
  EXPECT_EQ(BusinessDaysBetween(D("2025-11-10"), D("2025-11-12")), 1);
  EXPECT_EQ(BusinessDaysBetween(D("2025-11-12"), D("2025-11-12")), 0);
  EXPECT_EQ(BusinessDaysBetween(D("2025-11-08"), D("2025-11-09")), 0);  // weekend
}

TEST(Calendar, AddAndBetweenAgreeOverManyDates) {
  for (Date d = D("1999-12-20"); d <= D("2031-01-10"); d += std::chrono::days(37)) {
    for (int n : {0, 1, 2, 5, 17, 260}) {
      Date e = AddBusinessDays(d, n);
      ASSERT_EQ(BusinessDaysBetween(d, e), n) << FormatDate(d) << " + " << n;
      if (n > 0) {
        ASSERT_TRUE(IsBusinessDay(e));
      }
    }
  }
}

TEST(Calendar, ToNewYorkHandlesDaylightSaving) {
  auto edt = ToNewYork(T("2025-10-28T12:30:00Z"));
  ASSERT_TRUE(edt.ok()) << edt.status().message();
  EXPECT_EQ(edt->date, D("2025-10-28"));
  EXPECT_EQ(edt->time_of_day, hours(8) + minutes(30));
  EXPECT_EQ(edt->utc_offset, hours(-4));

  auto est = ToNewYork(T("2025-12-01T03:00:00Z"));  // still Nov 30 in New York
  ASSERT_TRUE(est.ok());
  EXPECT_EQ(est->date, D("2025-11-30"));
  EXPECT_EQ(est->time_of_day, hours(22));
  EXPECT_EQ(est->utc_offset, hours(-5));
}

TEST(Calendar, FromNewYorkResolvesGapsAndOverlaps) {
  auto publish = FromNewYork(D("2025-10-28"), hours(8));
  ASSERT_TRUE(publish.ok());
  EXPECT_EQ(*publish, T("2025-10-28T12:00:00Z"));
  auto winter = FromNewYork(D("2025-12-01"), hours(8));
  ASSERT_TRUE(winter.ok());
  EXPECT_EQ(*winter, T("2025-12-01T13:00:00Z"));
  auto overlap = FromNewYork(D("2025-11-02"), hours(1) + minutes(30));  // 01:30 happens twice
  ASSERT_TRUE(overlap.ok());
  EXPECT_EQ(*overlap, T("2025-11-02T05:30:00Z"));                   // the earlier, EDT one
  auto gap = FromNewYork(D("2025-03-09"), hours(2) + minutes(30));  // 02:30 never happens
  ASSERT_TRUE(gap.ok());
  EXPECT_EQ(*gap, T("2025-03-09T07:00:00Z"));
  EXPECT_EQ(FromNewYork(D("2025-10-28"), seconds(0)).value(), T("2025-10-28T04:00:00Z"));
}

}  // namespace
}  // namespace liqwatch
