#include "sources/formats/treasury.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;
using ::testing::HasSubstr;
using testing::ReadFixture;

constexpr char kPage1[] = "treasury/dts_2025-10-27_2025-10-31_page1.json";
constexpr char kPage2[] = "treasury/dts_2025-10-27_2025-10-31_page2.json";

TEST(TreasuryDts, ClosingBalanceFromOpenTodayBalAndPaging) {
  std::string body = ReadFixture(kPage1);
  ASSERT_FALSE(body.empty());
  auto r = ParseDtsOperatingCashBalance(body, {.today = D("2025-10-31")});
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Real DTS values (millions): TGA above $1tn on 2025-10-30.
  ASSERT_EQ(r->points.size(), 3u);
  EXPECT_EQ(r->points[0].date, D("2025-10-29"));
  EXPECT_DOUBLE_EQ(*r->points[0].value, 983859);
  EXPECT_DOUBLE_EQ(*r->points[1].value, 1000632);
  EXPECT_DOUBLE_EQ(*r->points[2].value, 926328);
  EXPECT_TRUE(r->points[0].column.empty());
  ASSERT_TRUE(r->next_query.has_value());
  EXPECT_EQ(*r->next_query, "&page%5Bnumber%5D=2&page%5Bsize%5D=12");
  EXPECT_EQ(r->next_page_number, 2);
  EXPECT_EQ(r->total_pages, 2);
  EXPECT_EQ(r->total_count, 20);
}

TEST(TreasuryDts, LastPageHasNoNext) {
  auto r = ParseDtsOperatingCashBalance(ReadFixture(kPage2), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->points.size(), 2u);
  EXPECT_DOUBLE_EQ(*r->points[0].value, 964762);
  EXPECT_DOUBLE_EQ(*r->points[1].value, 984857);
  EXPECT_FALSE(r->next_query.has_value());
  EXPECT_FALSE(r->next_page_number.has_value());
}

TEST(TreasuryDts, NullStringIsMissingAndOlderAccountTypes) {
  auto r = ParseDtsOperatingCashBalance(R"js({"data":[
    {"record_date":"2025-10-30","account_type":"Treasury General Account (TGA) Closing Balance",
     "close_today_bal":"null","open_today_bal":"null"},
    {"record_date":"2022-01-03","account_type":"Treasury General Account (TGA)",
     "close_today_bal":"406108","open_today_bal":"284000"},
    {"record_date":"2021-06-01","account_type":"Federal Reserve Account",
     "close_today_bal":"722937","open_today_bal":"800000"}],
    "meta":{"total-pages":1},"links":{
  "next" : null
}
})js",
                                        {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->points.size(), 3u);
  EXPECT_DOUBLE_EQ(*r->points[0].value, 722937);  // close_today_bal for the old accounts
  EXPECT_DOUBLE_EQ(*r->points[1].value, 406108);
  EXPECT_FALSE(r->points[2].value.has_value());
  EXPECT_FALSE(r->next_query.has_value());
}

TEST(TreasuryDts, RenamedAccountTypeIsLayoutError) {
  std::string body = ReadFixture(kPage1);
  for (size_t pos; (pos = body.find("(TGA) Closing Balance")) != std::string::npos;) {
    body.replace(pos, 21, "(TGA) End of Day");
  }
  auto r = ParseDtsOperatingCashBalance(body, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_THAT(r.status().message(),
              HasSubstr("expected a row with account_type in [\"Treasury General Account (TGA) "
                        "Closing Balance\", \"Treasury General Account (TGA)\", \"Federal Reserve "
                        "Account\"], found account types [\"Treasury General Account (TGA) "
                        "Opening Balance\", \"Total TGA Deposits (Table II)\""));
}

TEST(TreasuryDts, SmallPageCutAtBoundaryIsEmptySuccess) {
  auto r = ParseDtsOperatingCashBalance(R"js({"data":[
    {"record_date":"2025-10-30","account_type":"Total TGA Deposits (Table II)","open_today_bal":"1"},
    {"record_date":"2025-10-30","account_type":"Total TGA Withdrawals (Table II) (-)","open_today_bal":"2"}],
    "links":{
  "next" : "&page%5Bnumber%5D=3&page%5Bsize%5D=2"
}
})js",
                                        {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->points.empty());
  EXPECT_EQ(r->next_page_number, 3);
}

TEST(TreasuryDts, ShapeErrorsTruncationAndBadAmounts) {
  auto r = ParseDtsOperatingCashBalance(R"js({"rows":[]})js", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Fiscal Data DTS JSON: expected an object with a \"data\" array, found an object with "
            "keys [rows]");
  std::string body = ReadFixture(kPage1);
  auto cut = ParseDtsOperatingCashBalance(std::string_view(body).substr(0, body.size() - 40), {});
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), Status::Code::kParseError);
  auto bad = ParseDtsOperatingCashBalance(R"js({"data":[
    {"record_date":"2025-10-30","account_type":"Treasury General Account (TGA) Closing Balance",
     "open_today_bal":"1,000,632"}]})js",
                                          {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "Fiscal Data DTS JSON: data[0] (2025-10-30): \"open_today_bal\" is the string "
            "\"1,000,632\", expected an amount or \"null\"");
}

TEST(TreasuryDts, ApiErrorBody) {
  auto r = ParseDtsOperatingCashBalance(
      R"js({"error":"Invalid Query Param","message":"Invalid query parameter 'foo'."})js", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "Fiscal Data DTS JSON: API error: Invalid Query Param: Invalid query parameter 'foo'.");
}

TEST(TreasuryDts, FutureDatesRejected) {
  auto r = ParseDtsOperatingCashBalance(ReadFixture(kPage1), {.today = D("2025-10-29")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Fiscal Data DTS JSON: 2 row(s) dated after today (2025-10-29), e.g. 2025-10-30");
}

TEST(TreasuryDts, Url) {
  EXPECT_EQ(TreasuryDtsUrl("https://api.fiscaldata.treasury.gov/", D("2025-09-01"), 100, 2),
            "https://api.fiscaldata.treasury.gov/services/api/fiscal_service/v1/accounting/dts/"
            "operating_cash_balance?filter=record_date:gte:2025-09-01&sort=-record_date&"
            "page[number]=2&page[size]=100");
  EXPECT_EQ(TreasuryDtsUrl("http://h", std::nullopt, 5),
            "http://h/services/api/fiscal_service/v1/accounting/dts/operating_cash_balance?"
            "sort=-record_date&page[number]=1&page[size]=5");
}

}  // namespace
}  // namespace liqwatch::sources
