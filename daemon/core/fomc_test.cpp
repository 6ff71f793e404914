#include "core/fomc.h"

#include <gtest/gtest.h>

namespace liqwatch {
namespace {

Date D(std::string_view s) {
  auto d = ParseDate(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date{};
}

TEST(Fomc, TheScheduledDecisionsOf2025And2026AreWednesdaysInOrder) {
  auto dates = FomcDecisionDates();
  ASSERT_EQ(dates.size(), 16u);
  EXPECT_EQ(dates.front(), D("2025-01-29"));
  EXPECT_EQ(dates[6], D("2025-10-29"));
  EXPECT_EQ(dates.back(), D("2026-12-09"));
  for (size_t i = 0; i < dates.size(); ++i) {
    EXPECT_EQ(std::chrono::weekday(dates[i]), std::chrono::Wednesday) << FormatDate(dates[i]);
    if (i > 0) {
      EXPECT_LT(dates[i - 1], dates[i]);
    }
  }
  EXPECT_EQ(FomcEffectiveDate(D("2025-10-29")), D("2025-10-30"));
}

TEST(Fomc, APolicyRateIsUnchangedUntilTheDayAfterADecision) {
  // The October 2025 cut was announced 10-29 and took effect 10-30.
  EXPECT_TRUE(PolicyRateUnchanged(D("2025-10-28"), D("2025-10-29")));
  EXPECT_FALSE(PolicyRateUnchanged(D("2025-10-29"), D("2025-10-30")));
  EXPECT_TRUE(PolicyRateUnchanged(D("2025-10-30"), D("2025-12-10")));
  EXPECT_FALSE(PolicyRateUnchanged(D("2025-10-30"), D("2025-12-11")));
  EXPECT_TRUE(PolicyRateUnchanged(D("2025-11-03"), D("2025-11-03")));
  EXPECT_FALSE(PolicyRateUnchanged(D("2025-11-04"), D("2025-11-03")));  // reversed
  EXPECT_EQ(PolicyRateInForceSince(D("2025-10-29")), D("2025-09-18"));
  EXPECT_EQ(PolicyRateInForceSince(D("2025-10-30")), D("2025-10-30"));
  EXPECT_EQ(PolicyRateInForceSince(D("2025-01-15")), D("2025-01-01"));
  // Outside the published years nothing is assumed.
  EXPECT_FALSE(PolicyRateInForceSince(D("2027-01-04")).has_value());
  EXPECT_FALSE(PolicyRateUnchanged(D("2026-12-31"), D("2027-01-01")));
  EXPECT_FALSE(PolicyRateUnchanged(D("2024-12-31"), D("2025-01-02")));
}

TEST(Fomc, OnlyFredsPolicyRateSeriesArePolicyRates) {
  EXPECT_TRUE(IsPolicyRate("fred", "IORB"));
  EXPECT_TRUE(IsPolicyRate("fred", "DFEDTARU"));
  EXPECT_TRUE(IsPolicyRate("fred", "DFEDTARL"));
  EXPECT_FALSE(IsPolicyRate("fred", "EFFR"));  // a market rate: moves every day
  EXPECT_FALSE(IsPolicyRate("fred", "SOFR"));
  EXPECT_FALSE(IsPolicyRate("csv", "IORB"));
}

}  // namespace
}  // namespace liqwatch
