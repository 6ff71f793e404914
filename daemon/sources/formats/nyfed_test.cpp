#include "sources/formats/nyfed.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;
using ::testing::HasSubstr;
using testing::ReadFixture;

std::map<std::string, std::optional<double>> AtDate(const std::vector<RawPoint>& points, Date d) {
  std::map<std::string, std::optional<double>> out;
  for (const auto& p : points) {
    if (p.date == d) out[p.column] = p.value;
  }
  return out;
}

TEST(NyFedRates, ParsesRealSofrSample) {
  std::string body = ReadFixture("nyfed/sofr_search_2024-06-01_2024-06-06.json");
  ASSERT_FALSE(body.empty());
  auto r = ParseNyFedRefRates(body, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 4u * 6u);
  // Sorted oldest first although the body is newest first.
  EXPECT_EQ(r->front().date, D("2024-06-03"));
  EXPECT_EQ(r->back().date, D("2024-06-06"));
  auto day = AtDate(*r, D("2024-06-06"));
  EXPECT_DOUBLE_EQ(*day["percentRate"], 5.33);
  EXPECT_DOUBLE_EQ(*day["percentPercentile1"], 5.29);
  EXPECT_DOUBLE_EQ(*day["percentPercentile25"], 5.32);
  EXPECT_DOUBLE_EQ(*day["percentPercentile75"], 5.40);
  EXPECT_DOUBLE_EQ(*day["percentPercentile99"], 5.44);
  EXPECT_DOUBLE_EQ(*day["volumeInBillions"], 2008);
  EXPECT_EQ(day.size(), 6u);
}

TEST(NyFedRates, ParsesRealEffrSampleWithTargetRange) {
  std::string body = ReadFixture("nyfed/effr_search_2023-01-01_2023-06-06.json");
  ASSERT_FALSE(body.empty());
  auto r = ParseNyFedRefRates(body, {.type = "EFFR", .today = D("2023-06-06")});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 108u * 8u);
  auto day = AtDate(*r, D("2023-06-06"));
  EXPECT_DOUBLE_EQ(*day["percentRate"], 5.08);
  EXPECT_DOUBLE_EQ(*day["targetRateFrom"], 5.00);
  EXPECT_DOUBLE_EQ(*day["targetRateTo"], 5.25);
  EXPECT_DOUBLE_EQ(*day["volumeInBillions"], 144);
}

TEST(NyFedRates, TypeFilterSkipsOtherRates) {
  std::string body = ReadFixture("nyfed/sofr_search_2024-06-01_2024-06-06.json");
  auto r = ParseNyFedRefRates(body, {.type = "EFFR"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(NyFedRates, EmptyArrayIsEmptySuccess) {
  auto r = ParseNyFedRefRates(R"({"refRates":[]})", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(NyFedRates, NullFieldIsMissingPoint) {
  auto r = ParseNyFedRefRates(
      R"({"refRates":[{"effectiveDate":"2025-10-28","type":"SOFR","percentRate":4.31,"volumeInBillions":null}]})",
      {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto day = AtDate(*r, D("2025-10-28"));
  ASSERT_EQ(day.size(), 2u);
  EXPECT_DOUBLE_EQ(*day["percentRate"], 4.31);
  EXPECT_FALSE(day["volumeInBillions"].has_value());
}

TEST(NyFedRates, LayoutDriftIsError) {
  auto r = ParseNyFedRefRates(R"({"rates":[]})", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "NY Fed rates JSON: expected an object with a \"refRates\" array, found an object "
            "with keys [rates]");
  auto r2 = ParseNyFedRefRates(R"({"refRates":[{"effectiveDate":"2025-10-28","rate":4.31}]})", {});
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(), HasSubstr("refRates[0] (2025-10-28): expected at least one"));
  auto r3 = ParseNyFedRefRates(R"({"refRates":[{"date":"2025-10-28","percentRate":4.31}]})", {});
  ASSERT_FALSE(r3.ok());
  EXPECT_THAT(r3.status().message(),
              HasSubstr("refRates[0]: expected a string \"effectiveDate\", found no such key"));
}

TEST(NyFedRates, NonNumericRateIsError) {
  auto r = ParseNyFedRefRates(
      R"({"refRates":[{"effectiveDate":"2025-10-28","percentRate":"high"}]})", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "NY Fed rates JSON: refRates[0] (2025-10-28): \"percentRate\" is the string "
            "\"high\", expected a number");
}

TEST(NyFedRates, TruncatedBodyIsError) {
  std::string body = ReadFixture("nyfed/sofr_search_2024-06-01_2024-06-06.json");
  ASSERT_FALSE(body.empty());
  auto r = ParseNyFedRefRates(std::string_view(body).substr(0, body.size() / 2), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kParseError);
  EXPECT_THAT(r.status().message(), HasSubstr("NY Fed rates JSON: invalid JSON"));
}

TEST(NyFedRates, FutureDateIsRejected) {
  std::string body = ReadFixture("nyfed/sofr_search_2024-06-01_2024-06-06.json");
  auto r = ParseNyFedRefRates(body, {.today = D("2024-06-04")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "NY Fed rates JSON: 2 row(s) dated after today (2024-06-04), e.g. 2024-06-05");
}

TEST(NyFedOperations, SrfKeepsEachOperationAndSumsPerDay) {
  std::string body = ReadFixture("nyfed/srf_results_2025-12-10_2025-12-11.json");
  ASSERT_FALSE(body.empty());
  auto r = ParseNyFedOperationPoints(body, {.operation_type = "Repo", .today = D("2025-12-11")});
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto dec11 = AtDate(*r, D("2025-12-11"));
  ASSERT_EQ(dec11.size(), 3u);
  EXPECT_DOUBLE_EQ(*dec11["op:RP 121125 1"], 3e9);    // morning, USD not billions
  EXPECT_DOUBLE_EQ(*dec11["op:RP 121125 4"], 1.5e9);  // afternoon
  EXPECT_DOUBLE_EQ(*dec11["total"], 4.5e9);
  auto dec10 = AtDate(*r, D("2025-12-10"));
  ASSERT_EQ(dec10.size(), 4u);
  EXPECT_DOUBLE_EQ(*dec10["sve:RP 121025 3"], 5e6);  // flagged, kept, not in the total
  EXPECT_DOUBLE_EQ(*dec10["op:RP 121025 1"], 25e6);
  EXPECT_DOUBLE_EQ(*dec10["op:RP 121025 5"], 0);
  EXPECT_DOUBLE_EQ(*dec10["total"], 25e6);
  EXPECT_EQ(r->front().date, D("2025-12-10"));
}

TEST(NyFedOperations, TypedRecordsCarryMethodAndFlag) {
  std::string body = ReadFixture("nyfed/srf_results_2025-12-10_2025-12-11.json");
  auto r = ParseNyFedOperations(body, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].operation_id, "RP 121125 4");
  EXPECT_EQ((*r)[0].operation_method, "Full Allotment");
  EXPECT_EQ((*r)[0].term, "Overnight");
  EXPECT_FALSE((*r)[0].small_value_exercise);
  EXPECT_TRUE((*r)[3].small_value_exercise);
  EXPECT_EQ((*r)[3].note, "Small value exercise");
}

TEST(NyFedOperations, ReverseRepoRealDailyTotals) {
  std::string body = ReadFixture("nyfed/rrp_results_2025-10-27_2025-10-31.json");
  ASSERT_FALSE(body.empty());
  auto r = ParseNyFedOperationPoints(body, {.operation_type = "Reverse Repo"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 10u);  // one op + total per day
  EXPECT_DOUBLE_EQ(*AtDate(*r, D("2025-10-31"))["total"], 51.802e9);
  EXPECT_DOUBLE_EQ(*AtDate(*r, D("2025-10-27"))["total"], 10.642e9);
  // The SRF filter finds nothing in an ON RRP body.
  auto none = ParseNyFedOperationPoints(body, {.operation_type = "Repo"});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(NyFedOperations, MixedBodyAnnouncementsAndStringAmounts) {
  auto r = ParseNyFedOperationPoints(R"({"repo":{"operations":[
    {"operationId":"RP 090326 28","auctionStatus":"Announcement","operationDate":"2026-09-03",
     "operationType":"Repo"},
    {"operationId":"RP 090326 27","auctionStatus":"Results","operationDate":"2026-09-03",
     "operationType":"Repo","totalAmtAccepted":"1000000"},
    {"operationId":"RP 090326 26","auctionStatus":"Results","operationDate":"2026-09-03",
     "operationType":"Reverse Repo","totalAmtAccepted":2000000}]}})",
                                     {.operation_type = "repo"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto day = AtDate(*r, D("2026-09-03"));
  ASSERT_EQ(day.size(), 2u);
  EXPECT_DOUBLE_EQ(*day["op:RP 090326 27"], 1e6);
  EXPECT_DOUBLE_EQ(*day["total"], 1e6);
}

TEST(NyFedOperations, EmptyListIsEmptySuccess) {
  auto r = ParseNyFedOperationPoints(R"({"repo":{"operations":[]}})", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(NyFedOperations, LayoutDriftAndBadAmountsAreErrors) {
  auto r = ParseNyFedOperationPoints(R"({"operations":[]})", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "NY Fed operations JSON: expected {\"repo\": {\"operations\": [...]}}, found an "
            "object with keys [operations]");
  auto r2 = ParseNyFedOperationPoints(
      R"({"repo":{"operations":[{"operationId":"RP 1","operationDate":"2025-12-10"}]}})", {});
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(),
              HasSubstr("operations[0] (RP 1): expected a number \"totalAmtAccepted\""));
  auto r3 = ParseNyFedOperationPoints(
      R"({"repo":{"operations":[{"operationId":"RP 1","operationDate":"2025-12-10",
          "totalAmtAccepted":"lots"}]}})",
      {});
  ASSERT_FALSE(r3.ok());
  EXPECT_THAT(r3.status().message(), HasSubstr("\"totalAmtAccepted\" is the string \"lots\""));
  auto r4 = ParseNyFedOperationPoints(R"({"repo":{"operations":[{"operationId":"RP 1",)", {});
  ASSERT_FALSE(r4.ok());
  EXPECT_EQ(r4.status().code(), Status::Code::kParseError);
}

// A body that lists one rate or one operation twice is refused whole, naming the date (found by
// the fuzzers: storing either value would make alerts flap, and a twice-listed operation would
// be summed twice into the day's total).
TEST(NyFedRepeats, RepeatedRateOrOperationIsRejectedNamingTheDate) {
  auto rates = ParseNyFedRefRates(R"({"refRates":[
    {"effectiveDate":"2025-10-28","type":"SOFR","percentRate":4.31},
    {"effectiveDate":"2025-10-28","type":"SOFR","percentRate":4.27}]})",
                                  {});
  ASSERT_FALSE(rates.ok());
  EXPECT_EQ(rates.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(rates.status().message(), HasSubstr("NY Fed rates JSON: 2025-10-28 "));
  EXPECT_THAT(rates.status().message(), HasSubstr("appears twice (4.31 and 4.27)"));
  auto ops = ParseNyFedOperationPoints(R"({"repo":{"operations":[
    {"operationId":"RP 1","operationDate":"2025-10-31","operationType":"Repo",
     "totalAmtAccepted":5000000000},
    {"operationId":"RP 1","operationDate":"2025-10-31","operationType":"Repo",
     "totalAmtAccepted":5000000000}]}})",
                                       {});
  ASSERT_FALSE(ops.ok());
  EXPECT_EQ(ops.status().message(),
            "NY Fed operations JSON: 2025-10-31 op:RP 1 appears twice (5000000000 and "
            "5000000000)");
}

TEST(NyFedOperations, FutureOperationDateIsRejected) {
  std::string body = ReadFixture("nyfed/srf_results_2025-12-10_2025-12-11.json");
  auto r = ParseNyFedOperations(body, {.today = D("2025-12-10")});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("1 row(s) dated after today (2025-12-10)"));
}

TEST(NyFedUrls, BuildsRealPaths) {
  EXPECT_EQ(NyFedRateSearchUrl("https://markets.newyorkfed.org", "sofr", D("2024-06-01"),
                               D("2024-06-06")),
            "https://markets.newyorkfed.org/api/rates/secured/sofr/search.json?"
            "startDate=2024-06-01&endDate=2024-06-06");
  EXPECT_EQ(NyFedRateLastUrl("http://127.0.0.1:9/", "effr", 5),
            "http://127.0.0.1:9/api/rates/unsecured/effr/last/5.json");
  EXPECT_EQ(NyFedOperationsLastUrl("http://h", "repo", 1),
            "http://h/api/rp/repo/all/results/last/1.json");
  EXPECT_EQ(NyFedOperationsLastTwoWeeksUrl("http://h", "reverserepo"),
            "http://h/api/rp/reverserepo/all/results/lastTwoWeeks.json");
  EXPECT_EQ(NyFedOperationsSearchUrl("http://h", D("2025-10-01"), D("2025-10-31"), "Repo"),
            "http://h/api/rp/results/search.json?startDate=2025-10-01&endDate=2025-10-31&"
            "operationTypes=Repo");
}

}  // namespace
}  // namespace liqwatch::sources
