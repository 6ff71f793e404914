#include "core/time.h"

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
}

TEST(Time, SinceAcceptsDateOrDuration) {
  auto now = *ParseTime("2025-11-10T00:00:00Z");
  EXPECT_EQ(FormatTime(*ParseSince("7d", now)), "2025-11-03T00:00:00.000Z");
  EXPECT_EQ(FormatTime(*ParseSince("2025-10-01", now)), "2025-10-01T00:00:00.000Z");
  EXPECT_FALSE(ParseSince("yesterday", now).ok());
}

}  // namespace
}  // namespace liqwatch
