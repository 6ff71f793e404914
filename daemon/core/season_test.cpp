#include "core/season.h"

#include <string>

#include <gtest/gtest.h>

namespace liqwatch {
namespace {

Date D(std::string_view s) {
  auto d = ParseDate(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date{};
}

std::string Near(Season s, std::string_view d, int bd) {
  auto anchor = NearSeason(s, D(d), bd);
  return anchor ? FormatDate(*anchor) : "-";
}

TEST(Season, MonthEndIsTheLastBusinessDayWithinReachOnEitherSide) {
  // 2025-10-31 is a Friday: the month-end itself, two business days before and after.
  EXPECT_EQ(Near(Season::kMonthEnd, "2025-10-31", 0), "2025-10-31");
  EXPECT_EQ(Near(Season::kMonthEnd, "2025-10-29", 2), "2025-10-31");
  EXPECT_EQ(Near(Season::kMonthEnd, "2025-11-04", 2), "2025-10-31");
  EXPECT_EQ(Near(Season::kMonthEnd, "2025-11-05", 2), "-");
  EXPECT_EQ(Near(Season::kMonthEnd, "2025-10-28", 2), "-");
  // November 2025 ends on Sunday the 30th: its last business day is Friday the 28th.
  EXPECT_EQ(Near(Season::kMonthEnd, "2025-11-28", 0), "2025-11-28");
  EXPECT_EQ(Near(Season::kMonthEnd, "2025-12-01", 1), "2025-11-28");
}

TEST(Season, QuarterAndYearEndsOnlyAtTheirMonths) {
  EXPECT_EQ(Near(Season::kQuarterEnd, "2025-10-31", 2), "-");
  EXPECT_EQ(Near(Season::kQuarterEnd, "2025-09-30", 2), "2025-09-30");
  EXPECT_EQ(Near(Season::kQuarterEnd, "2025-10-02", 2), "2025-09-30");
  EXPECT_EQ(Near(Season::kYearEnd, "2025-09-30", 2), "-");
  // 2025-12-31 is a Wednesday; January 1 is a holiday, so Jan 2 is one business day after.
  EXPECT_EQ(Near(Season::kYearEnd, "2026-01-02", 1), "2025-12-31");
  EXPECT_EQ(Near(Season::kYearEnd, "2025-12-29", 2), "2025-12-31");
}

TEST(Season, TaxDatesRollToTheNextBusinessDayAndReachOnlyForward) {
  EXPECT_EQ(Near(Season::kTaxDate, "2025-09-15", 0), "2025-09-15");
  EXPECT_EQ(Near(Season::kTaxDate, "2025-09-19", 10), "2025-09-15");  // the TGA build's alert
  EXPECT_EQ(Near(Season::kTaxDate, "2025-09-12", 10), "-");           // before: not yet
  EXPECT_EQ(Near(Season::kTaxDate, "2025-10-23", 10), "-");           // October: no tax date
  // 2025-06-15 is a Sunday: the payments settle Monday 06-16.
  EXPECT_EQ(Near(Season::kTaxDate, "2025-06-16", 0), "2025-06-16");
  EXPECT_EQ(Near(Season::kTaxDate, "2025-06-13", 5), "-");
  // January 15 reaches back across the year boundary from a later date only.
  EXPECT_EQ(Near(Season::kTaxDate, "2026-01-20", 3), "2026-01-15");
}

TEST(Season, Names) {
  EXPECT_EQ(SeasonName(Season::kMonthEnd), "month-end");
  EXPECT_EQ(SeasonName(Season::kTaxDate), "tax date");
}

}  // namespace
}  // namespace liqwatch
