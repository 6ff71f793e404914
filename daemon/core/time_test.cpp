#include "core/time.h"

#include <sstream>

#include <date/date.h>
#include <gtest/gtest.h>

namespace liqwatch {
namespace {

TEST(Time, ParsesAndFormatsDates) {
  auto d = ParseDate("2025-10-28");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(FormatDate(*d), "2025-10-28");
  EXPECT_FALSE(ParseDate("2025-13-01").ok());
  EXPECT_FALSE(ParseDate("2025-02-30").ok());
  EXPECT_EQ(ParseDate("28/10/2025").status().message(),
            "invalid date '28/10/2025', expected YYYY-MM-DD");
}

TEST(Time, FormatsAndParsesInstantsRoundTrip) {
  auto t = ParseTime("2025-10-31T13:45:07.250Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTime(*t), "2025-10-31T13:45:07.250Z");
}

TEST(Time, ParsesDurations) {
  EXPECT_EQ(ParseDuration("30s")->count(), 30000);
  EXPECT_EQ(ParseDuration("2h")->count(), 7200000);
  EXPECT_EQ(ParseDuration("7d")->count(), 7 * 86400000LL);
  EXPECT_EQ(ParseDuration("250ms")->count(), 250);
  EXPECT_EQ(ParseDuration("1.5m")->count(), 90000);
  EXPECT_EQ(ParseDuration("5 minutes").status().message(),
            "invalid duration '5 minutes', expected a number and a unit (ms, s, m, h, d, w)");
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_EQ(FormatDuration(Duration(5400000)), "1h30m");
  EXPECT_EQ(FormatDuration(Duration(-90000)), "-1m30s");
  // The most negative duration has no int64_t magnitude (found by the expr fuzzer).
  EXPECT_EQ(FormatDuration(Duration::min()), "-106751991167d7h12m55s");
}

TEST(Time, SinceAcceptsDateOrDuration) {
  auto now = *ParseTime("2025-11-10T00:00:00Z");
  EXPECT_EQ(FormatTime(*ParseSince("7d", now)), "2025-11-03T00:00:00.000Z");
  EXPECT_EQ(FormatTime(*ParseSince("2025-10-01", now)), "2025-10-01T00:00:00.000Z");
  EXPECT_FALSE(ParseSince("yesterday", now).ok());
}

TEST(Time, RejectsDatesOutsideTheSupportedYears) {
  EXPECT_EQ(ParseDate("0000-01-01").status().message(),
            "date '0000-01-01' is out of range: years 1900 to 2200 are accepted");
  EXPECT_EQ(ParseDate("1899-12-31").status().message(),
            "date '1899-12-31' is out of range: years 1900 to 2200 are accepted");
  EXPECT_EQ(ParseDate("9999-12-31").status().message(),
            "date '9999-12-31' is out of range: years 1900 to 2200 are accepted");
  EXPECT_EQ(FormatDate(*ParseDate("1900-01-01")), "1900-01-01");
  EXPECT_EQ(FormatDate(*ParseDate("2200-12-31")), "2200-12-31");
  EXPECT_EQ(ParseTime("0000-01-01T00:00:00Z").status().message(),
            "date '0000-01-01' is out of range: years 1900 to 2200 are accepted");
}

TEST(Time, RejectsImpossibleClockTimes) {
  EXPECT_EQ(ParseTime("2025-10-28T25:00:00Z").status().message(),
            "invalid time '2025-10-28T25:00:00Z'");
  EXPECT_FALSE(ParseTime("2025-10-28T12:60:00Z").ok());
  EXPECT_TRUE(ParseTime("2025-10-28T23:59:59Z").ok());
}

// ParseDate and ParseTime keep their own fixed-width reading rather than date::parse
// (core/time.cpp says why): the cases where date::parse answers otherwise.
TEST(Time, FixedWidthFormsWhereDateParseDiffers) {
  auto library_reads = [](const char* fmt, const char* text) {
    std::istringstream in(text);
    date::sys_time<std::chrono::milliseconds> t;
    in >> date::parse(fmt, t);
    return !in.fail();
  };
  // A 2-digit year or a 1-digit month: date::parse takes it (year 25; month 1) ...
  EXPECT_TRUE(library_reads("%F", "25-10-28"));
  EXPECT_TRUE(library_reads("%F", "2025-1-5"));
  // ... where in a stored timestamp, a cursor or a CLI argument it is a typo to refuse.
  EXPECT_FALSE(ParseDate("25-10-28").ok());
  EXPECT_FALSE(ParseDate("2025-1-5").ok());
  // A leap second (RFC 3339 allows :60): date::parse refuses it, a feed may send it.
  EXPECT_FALSE(library_reads("%FT%TZ", "2016-12-31T23:59:60Z"));
  EXPECT_EQ(FormatTime(*ParseTime("2016-12-31T23:59:60Z")), "2017-01-01T00:00:00.000Z");
}

TEST(Time, RejectsDurationsThatWouldOverflow) {
  EXPECT_EQ(ParseDuration("99999999999999999999d").status().message(),
            "duration '99999999999999999999d' is too long: at most 36500d");
  EXPECT_EQ(ParseDuration("36501d").status().message(),
            "duration '36501d' is too long: at most 36500d");
  EXPECT_EQ(ParseDuration("36500d")->count(), 36500 * 86400000LL);
  EXPECT_EQ(ParseDuration("0s")->count(), 0);  // callers needing > 0 check it
}

TEST(Time, SinceReportsWhyItRejects) {
  auto now = *ParseTime("2025-11-10T00:00:00Z");
  EXPECT_EQ(ParseSince("99999999999999999999d", now).status().message(),
            "duration '99999999999999999999d' is too long: at most 36500d");
  EXPECT_EQ(ParseSince("0000-01-01", now).status().message(),
            "date '0000-01-01' is out of range: years 1900 to 2200 are accepted");
  EXPECT_EQ(ParseSince("7x", now).status().message(),
            "invalid duration '7x', expected a number and a unit (ms, s, m, h, d, w)");
  EXPECT_EQ(ParseSince("yesterday", now).status().message(),
            "invalid time 'yesterday', expected YYYY-MM-DD or a duration such as 7d");
  EXPECT_EQ(FormatTime(*ParseSince("2025-10-01T12:00:00Z", now)), "2025-10-01T12:00:00.000Z");
}

}  // namespace
}  // namespace liqwatch
