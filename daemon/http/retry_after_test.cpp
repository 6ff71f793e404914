#include "http/retry_after.h"

#include <gtest/gtest.h>

namespace liqwatch::http {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

TimePoint Nov6At8() {
  using namespace std::chrono;
  return sys_days(year(2025) / November / 6) + hours(8);
}

TEST(RetryAfter, SecondsAndHttpDate) {
  const auto now = Nov6At8();
  EXPECT_EQ(ParseRetryAfter("5", now, hours(1)), Duration(seconds(5)));
  EXPECT_EQ(ParseRetryAfter(" 5 ", now, hours(1)), Duration(seconds(5)));
  EXPECT_EQ(ParseRetryAfter("Thu, 06 Nov 2025 08:00:30 GMT", now, hours(1)), Duration(seconds(30)));
  // A date in the past: retry now.
  EXPECT_EQ(ParseRetryAfter("Wed, 05 Nov 2025 08:00:30 GMT", now, hours(1)), Duration(0));
}

TEST(RetryAfter, UnreadableValuesAreIgnored) {
  const auto now = Nov6At8();
  EXPECT_FALSE(ParseRetryAfter("soon", now, hours(1)));
  EXPECT_FALSE(ParseRetryAfter("", now, hours(1)));
  EXPECT_FALSE(ParseRetryAfter("-5", now, hours(1)));
  EXPECT_FALSE(ParseRetryAfter("Thu, 31 Feb 2025 08:00:30 GMT", now, hours(1)));
  EXPECT_FALSE(ParseRetryAfter("Thu, 06 Nov 2025 08:00:30 PST", now, hours(1)));
  EXPECT_FALSE(ParseRetryAfter("Thu, 06 Nov 2025 08:00:30 GMT trailing", now, hours(1)));
}

TEST(RetryAfter, HugeSecondsAreCappedWithoutOverflow) {
  const auto now = Nov6At8();
  EXPECT_EQ(ParseRetryAfter("999999999", now, hours(1)), Duration(hours(1)));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999999999999", now, hours(1)), Duration(hours(1)));
  EXPECT_EQ(ParseRetryAfter("3600", now, hours(1)), Duration(hours(1)));
  EXPECT_EQ(ParseRetryAfter("3599", now, hours(1)), Duration(seconds(3599)));
}

TEST(RetryAfter, FarFutureDateIsCappedNotOverflowed) {
  // Year 9999 is beyond what a nanosecond system_clock time point can hold: the old parser
  // overflowed to a negative delay and ignored the header.
  const auto now = Nov6At8();
  EXPECT_EQ(ParseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now, hours(1)), Duration(hours(1)));
  EXPECT_EQ(ParseRetryAfter("Thu, 06 Nov 2025 10:00:00 GMT", now, seconds(90)),
            Duration(seconds(90)));
}

}  // namespace
}  // namespace liqwatch::http
