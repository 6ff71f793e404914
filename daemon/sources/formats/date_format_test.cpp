// ParseDateWithFormat as date::parse reads it: the cases where it differs from a hand-written
// reader, pinned so a library upgrade that changes them is noticed.
#include <gtest/gtest.h>

#include "sources/formats/date_format.h"

namespace liqwatch::sources {
namespace {

Date D(const char* s) { return *ParseDate(s); }

TEST(DateFormatLibrary, TwoDigitYearsFollowPosix) {
  EXPECT_EQ(*ParseDateWithFormat("28.10.25", "%d.%m.%y"), D("2025-10-28"));
  EXPECT_EQ(*ParseDateWithFormat("28.10.98", "%d.%m.%y"), D("1998-10-28"));
}

TEST(DateFormatLibrary, AShortYearWhereFourDigitsAreExpectedIsOutOfRange) {
  EXPECT_EQ(ParseDateWithFormat("10/28/25", "%m/%d/%Y").status().message(),
            "date '10/28/25' is out of range: years 1900 to 2200 are accepted");
}

TEST(DateFormatLibrary, WhitespaceMatchesAnyRunAndMonthNamesIgnoreCase) {
  EXPECT_EQ(*ParseDateWithFormat("06Jul2026", "%d %b %Y"), D("2026-07-06"));
  EXPECT_EQ(*ParseDateWithFormat("6\tJULY  2026", "%d %b %Y"), D("2026-07-06"));
  EXPECT_FALSE(ParseDateWithFormat("06 Sept 2026", "%d %b %Y").ok());
}

TEST(DateFormatLibrary, DirectivesBeyondADateAreRefusedBeforeParsing) {
  EXPECT_EQ(ParseDateWithFormat("2025-10-28 13:00", "%Y-%m-%d %H:%M").status().message(),
            "date format '%Y-%m-%d %H:%M': unsupported directive '%H'");
  EXPECT_EQ(ParseDateWithFormat("2025-10", "%Y-%m").status().message(),
            "date format '%Y-%m' must contain a year, a month and a day");
}

}  // namespace
}  // namespace liqwatch::sources
