// Observation dates outside the years 1900..2200 (core/time.h kMinYear/kMaxYear) are a feed
// error naming the date, whichever parser reads them: "0000-01-01" is not data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/date_format.h"
#include "sources/formats/fred.h"

namespace liqwatch::sources {
namespace {

TEST(ObservationDates, YearZeroInFredJsonIsAnErrorNamingTheDate) {
  auto r = ParseFredJson(R"({"observations":[{"date":"0000-01-01","value":"4.01"}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "FRED JSON: observations[0]: date '0000-01-01' is out of range: years 1900 to 2200 "
            "are accepted");
}

TEST(ObservationDates, FormattedDatesOutsideTheYearsAreErrors) {
  EXPECT_EQ(ParseDateWithFormat("01/02/1899", "%m/%d/%Y").status().message(),
            "date '01/02/1899' is out of range: years 1900 to 2200 are accepted");
  EXPECT_EQ(ParseDateWithFormat("Dec 31, 9999", "%b %d, %Y").status().message(),
            "date 'Dec 31, 9999' is out of range: years 1900 to 2200 are accepted");
  EXPECT_EQ(FormatDate(*ParseDateWithFormat("01/02/1900", "%m/%d/%Y")), "1900-01-02");
}

}  // namespace
}  // namespace liqwatch::sources
