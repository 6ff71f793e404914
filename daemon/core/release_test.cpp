#include "core/release.h"

#include <gtest/gtest.h>

#include "core/calendar.h"

namespace liqwatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Date D(std::string_view s) {
  auto d = ParseDate(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date{};
}

// A New York wall-clock instant: Ny("2026-03-03", 8, 45).
TimePoint Ny(std::string_view date, int h, int m) {
  auto t = FromNewYork(D(date), hours(h) + minutes(m));
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : TimePoint{};
}

std::string Utc(Result<TimePoint> t) { return t.ok() ? FormatTime(*t) : t.status().message(); }

ReleaseSchedule Sofr() {  // NY Fed: ~08:00 ET on D+1 business day
  ReleaseSchedule s;
  s.lag_business_days = 1;
  s.time_of_day = hours(8);
  s.grace = minutes(45);
  return s;
}

ReleaseSchedule H41() {  // Fed Board: Thursday 16:30 ET for Wednesday
  ReleaseSchedule s;
  s.cadence = ReleaseSchedule::Cadence::kWeekly;
  s.weekday = std::chrono::Wednesday;
  s.lag_business_days = 1;
  s.time_of_day = hours(16) + minutes(30);
  s.grace = hours(2);
  return s;
}

TEST(Release, DueTimeFollowsNewYorkWallClockAcrossDst) {
  // 2026-03-08 is the spring change: 08:00 ET is 13:00Z before it, 12:00Z after.
  EXPECT_EQ(Utc(DueTime(Sofr(), D("2026-03-02"))), "2026-03-03T13:00:00.000Z");
  EXPECT_EQ(Utc(DueTime(Sofr(), D("2026-03-09"))), "2026-03-10T12:00:00.000Z");
  // 2026-11-01 is the autumn change.
  EXPECT_EQ(Utc(DueTime(Sofr(), D("2026-10-29"))), "2026-10-30T12:00:00.000Z");
  EXPECT_EQ(Utc(DueTime(Sofr(), D("2026-11-02"))), "2026-11-03T13:00:00.000Z");
}

TEST(Release, HolidaysPushThePublicationDay) {
  // Friday's print lands Monday; Thanksgiving (Thu 2026-11-26) moves Wednesday's to Friday.
  EXPECT_EQ(PublicationDay(Sofr(), D("2026-03-06")), D("2026-03-09"));
  EXPECT_EQ(PublicationDay(Sofr(), D("2026-11-25")), D("2026-11-27"));
  // Good Friday 2026-04-03 is a SIFMA full close: no SOFR for it, Thursday's is out Monday.
  EXPECT_FALSE(IsObservationDate(Sofr(), D("2026-04-03")));
  EXPECT_EQ(PublicationDay(Sofr(), D("2026-04-02")), D("2026-04-06"));
  // Juneteenth (Fri 2026-06-19).
  EXPECT_FALSE(IsObservationDate(Sofr(), D("2026-06-19")));
  EXPECT_EQ(PublicationDay(Sofr(), D("2026-06-18")), D("2026-06-22"));
  // H.4.1: Thursday, or Friday when Thursday is Thanksgiving.
  EXPECT_EQ(PublicationDay(H41(), D("2026-11-18")), D("2026-11-19"));
  EXPECT_EQ(PublicationDay(H41(), D("2026-11-25")), D("2026-11-27"));
}

TEST(Release, ExpectedLatestDateSwitchesAtTheDueTime) {
  EXPECT_EQ(ExpectedLatestDate(Sofr(), Ny("2026-03-03", 7, 59)), D("2026-02-27"));  // Friday
  EXPECT_EQ(ExpectedLatestDate(Sofr(), Ny("2026-03-03", 8, 0)), D("2026-03-02"));
  // A Saturday: Friday's print is not due until Monday.
  EXPECT_EQ(ExpectedLatestDate(Sofr(), Ny("2026-03-07", 12, 0)), D("2026-03-05"));
  // Weekly mid-week: on Wednesday the newest due H.4.1 is the previous Wednesday's.
  EXPECT_EQ(ExpectedLatestDate(H41(), Ny("2026-03-11", 18, 0)), D("2026-03-04"));
  EXPECT_EQ(ExpectedLatestDate(H41(), Ny("2026-03-12", 16, 30)), D("2026-03-11"));
}

TEST(Release, NextDueTimeSkipsWeekendsAndHolidays) {
  // Good Friday morning: next SOFR print is Monday 08:00 ET (EDT: 12:00Z).
  auto next = NextDueTime(Sofr(), Ny("2026-04-03", 9, 0));
  ASSERT_TRUE(next);
  EXPECT_EQ(FormatTime(*next), "2026-04-06T12:00:00.000Z");
  next = NextDueTime(H41(), Ny("2026-11-23", 9, 0));  // Thanksgiving week
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, Ny("2026-11-27", 16, 30));
}

TEST(Release, LateAtDueTimePlusGraceWithAMessage) {
  const std::optional<Date> friday = D("2026-02-27");
  auto before = AssessFreshness(Sofr(), "sofr", friday, Ny("2026-03-03", 7, 59));
  EXPECT_EQ(before.state, Freshness::State::kUpToDate);
  auto due = AssessFreshness(Sofr(), "sofr", friday, Ny("2026-03-03", 8, 44));
  EXPECT_EQ(due.state, Freshness::State::kDue);
  EXPECT_EQ(due.missing, D("2026-03-02"));
  EXPECT_FALSE(IsLate(Sofr(), friday, Ny("2026-03-03", 8, 44)));
  auto late = AssessFreshness(Sofr(), "sofr", friday, Ny("2026-03-03", 8, 45));
  EXPECT_EQ(late.state, Freshness::State::kLate);
  EXPECT_EQ(late.message, "sofr for 2026-03-02 not published by 08:45 ET on 2026-03-03");
  EXPECT_EQ(late.deadline, Ny("2026-03-03", 8, 45));
  EXPECT_TRUE(IsLate(Sofr(), friday, Ny("2026-03-03", 8, 45)));
  // The print lands: up to date again.
  EXPECT_EQ(AssessFreshness(Sofr(), "sofr", D("2026-03-02"), Ny("2026-03-03", 9, 0)).state,
            Freshness::State::kUpToDate);
  // Nothing stored at all is late too.
  EXPECT_TRUE(IsLate(Sofr(), std::nullopt, Ny("2026-03-03", 9, 0)));
}

TEST(Release, HolidaysAndWeekendsAreNeverLate) {
  // Wednesday's SOFR was published Thursday 2026-04-02; nothing is due on Good Friday or over the
  // weekend, and Monday morning before 08:45 ET is not late either.
  const std::optional<Date> wednesday = D("2026-04-01");
  for (TimePoint t : {Ny("2026-04-03", 12, 0), Ny("2026-04-04", 12, 0), Ny("2026-04-05", 23, 0),
                      Ny("2026-04-06", 7, 0)})
    EXPECT_EQ(AssessFreshness(Sofr(), "sofr", wednesday, t).state, Freshness::State::kUpToDate)
        << FormatTime(t);
  EXPECT_TRUE(IsLate(Sofr(), wednesday, Ny("2026-04-06", 8, 45)));
  // Thanksgiving: Wednesday's H.4.1 data is due Friday, so Thursday evening is not late.
  const std::optional<Date> last_week = D("2026-11-18");
  EXPECT_FALSE(IsLate(H41(), last_week, Ny("2026-11-26", 20, 0)));
  EXPECT_FALSE(IsLate(H41(), last_week, Ny("2026-11-27", 18, 29)));
  EXPECT_TRUE(IsLate(H41(), last_week, Ny("2026-11-27", 18, 30)));
  // Juneteenth (Friday 2026-06-19): Thursday's SOFR is due Monday.
  EXPECT_FALSE(IsLate(Sofr(), D("2026-06-17"), Ny("2026-06-19", 10, 0)));
  EXPECT_FALSE(IsLate(Sofr(), D("2026-06-17"), Ny("2026-06-22", 8, 44)));
}

TEST(Release, SameDayAndEveryDayCadences) {
  ReleaseSchedule rrp;  // ON RRP results the same business day
  rrp.time_of_day = hours(13) + minutes(15);
  rrp.grace = minutes(30);
  EXPECT_EQ(ExpectedLatestDate(rrp, Ny("2026-03-03", 13, 14)), D("2026-03-02"));
  EXPECT_EQ(ExpectedLatestDate(rrp, Ny("2026-03-03", 13, 15)), D("2026-03-03"));
  ReleaseSchedule btc;  // every calendar day, the next day
  btc.cadence = ReleaseSchedule::Cadence::kDaily;
  btc.lag_days = 1;
  btc.time_of_day = hours(9);
  EXPECT_EQ(ExpectedLatestDate(btc, Ny("2026-03-08", 10, 0)), D("2026-03-07"));  // a Saturday
  EXPECT_EQ(H41().ToString(), "16:30 ET, weekly Wed, D+1bd, grace 2h");
  EXPECT_EQ(Sofr().ToString(), "08:00 ET, D+1bd, grace 45m");
}

TEST(Release, PollDelayIsFastFromDueTimeUntilThePrintLands) {
  using std::chrono::seconds;
  const Duration fast = seconds(30), idle = hours(1);
  const std::optional<Date> friday = D("2026-02-27");
  // Before the due time: idle, but wake exactly at 08:00 ET.
  EXPECT_EQ(PollDelay(Sofr(), friday, Ny("2026-03-03", 7, 30), fast, idle), minutes(30));
  EXPECT_EQ(PollDelay(Sofr(), friday, Ny("2026-03-03", 5, 0), fast, idle), idle);
  // Due and missing: fast until the deadline.
  EXPECT_EQ(PollDelay(Sofr(), friday, Ny("2026-03-03", 8, 0), fast, idle), fast);
  EXPECT_EQ(PollDelay(Sofr(), friday, Ny("2026-03-03", 8, 44), fast, idle), fast);
  // Landed: idle until the next due time.
  EXPECT_EQ(PollDelay(Sofr(), D("2026-03-02"), Ny("2026-03-03", 8, 1), fast, idle), idle);
  // Late: back to idle (the late state reports it), not 30s forever.
  EXPECT_EQ(PollDelay(Sofr(), friday, Ny("2026-03-03", 9, 0), fast, idle), idle);
  // Good Friday evening with Thursday's print not due until Monday 08:00: idle, never fast.
  EXPECT_EQ(PollDelay(Sofr(), D("2026-04-01"), Ny("2026-04-03", 18, 0), fast, idle), idle);
  EXPECT_EQ(PollDelay(Sofr(), D("2026-04-01"), Ny("2026-04-06", 7, 59), fast, idle), minutes(1));
}

}  // namespace
}  // namespace liqwatch
