#include "sources/formats/csv_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;
using ::testing::HasSubstr;

TEST(CsvTable, SharedDataFileParses) {
  std::string body = testing::ReadTestFile(std::string(LIQWATCH_FEED_DATA_DIR) + "/RRPONTSYD.csv");
  ASSERT_FALSE(body.empty());
  auto r = ParseCsvTable(body, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  bool seen = false;
  for (const auto& p : *r) {
    EXPECT_EQ(p.column, "value");
    if (p.date == D("2025-12-31")) {
      seen = true;
      EXPECT_DOUBLE_EQ(*p.value, 105.993);
    }
  }
  EXPECT_TRUE(seen);
}

TEST(CsvTable, QuotedFieldsSeveralColumnsAndCleaning) {
  CsvTableOptions o;
  o.date_column = "Record Date";
  o.date_format = "%m/%d/%Y";
  o.value_columns = {"Flow (US$m)", "AUM"};
  auto r = ParseCsvTable(
      "\xEF\xBB\xBF\"Record Date\",\"Flow (US$m)\",Note,AUM\r\n"
      "10/27/2025,\"1,119.9\",\"a, quoted \"\"note\"\"\",12\r\n"
      "10/28/2025,(44.5),x,-\r\n",
      o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].column, "Flow (US$m)");
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 1119.9);
  EXPECT_DOUBLE_EQ(*(*r)[1].value, 12);
  EXPECT_DOUBLE_EQ(*(*r)[2].value, -44.5);
  EXPECT_FALSE((*r)[3].value.has_value());
  EXPECT_EQ((*r)[3].date, D("2025-10-28"));
}

TEST(CsvTable, NonNumericCellNamesLineAndColumn) {
  auto r = ParseCsvTable(
      "date,value\n2025-10-27,1\n2025-10-28,2\n\n2025-10-29,3\n2025-10-30,4\n"
      "2025-10-31,abc\n",
      {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "CSV: line 7: value 'abc' in column 'value' is not a number");
}

TEST(CsvTable, MissingColumnIsLayoutError) {
  auto r = ParseCsvTable("observation_date,SOFR\n2025-10-27,4.27\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "CSV: line 1: expected column(s) 'date', 'value' in the header, found "
            "'observation_date,SOFR'");
}

TEST(CsvTable, BadDateShortRowTruncationAndQuotes) {
  auto r = ParseCsvTable("date,value\n27/10/2025,1\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "CSV: line 2: date '27/10/2025' does not match format '%Y-%m-%d' in column 'date'");
  auto r2 = ParseCsvTable("date,value\n2025-10-27,1\n2025-10-2", {});
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(), HasSubstr("(the body ends without a newline: truncated?)"));
  auto r3 = ParseCsvTable("date,note,value\n2025-10-27,x\n", {});
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.status().message(), "CSV: line 2: expected at least 3 fields, found 2");
  auto r4 = ParseCsvTable("date,value\n2025-10-27,\"1\n", {});
  ASSERT_FALSE(r4.ok());
  EXPECT_EQ(r4.status().message(),
            "CSV: line 2: quoted field is not closed before the end of the body");
  EXPECT_FALSE(ParseCsvTable("", {}).ok());
}

TEST(CsvTable, SkipLinesAndFutureDates) {
  CsvTableOptions o;
  o.skip_lines = 1;
  o.today = D("2025-10-27");
  auto r = ParseCsvTable("Title line\ndate,value\n2025-10-27,1\n2025-10-28,2\n", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "CSV: 1 row(s) dated after today (2025-10-27), e.g. 2025-10-28");
  o.today = D("2025-10-28");
  auto ok = ParseCsvTable("Title line\ndate,value\n2025-10-27,1\n2025-10-28,2\n", o);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->size(), 2u);
}

}  // namespace
}  // namespace liqwatch::sources
