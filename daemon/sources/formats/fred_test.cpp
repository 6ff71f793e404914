#include "sources/formats/fred.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using ::testing::HasSubstr;

Date D(const char* s) { return *ParseDate(s); }

constexpr char kFredJson[] = R"({
    "realtime_start": "2025-12-01",
    "realtime_end": "2025-12-01",
    "observation_start": "2025-11-24",
    "observation_end": "9999-12-31",
    "units": "lin",
    "output_type": 1,
    "file_type": "json",
    "order_by": "observation_date",
    "sort_order": "asc",
    "count": 4,
    "offset": 0,
    "limit": 100000,
    "observations": [
        {"realtime_start": "2025-12-01", "realtime_end": "2025-12-01", "date": "2025-11-25", "value": "4.01"},
        {"realtime_start": "2025-12-01", "realtime_end": "2025-12-01", "date": "2025-11-26", "value": "4.05"},
        {"realtime_start": "2025-12-01", "realtime_end": "2025-12-01", "date": "2025-11-27", "value": "."},
        {"realtime_start": "2025-12-01", "realtime_end": "2025-12-01", "date": "2025-11-28", "value": "4.40"}
    ]
})";

TEST(FredJson, ParsesObservationsAndDotAsMissing) {
  auto r = ParseFredJson(kFredJson);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].date, D("2025-11-25"));
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 4.01);
  EXPECT_EQ((*r)[2].date, D("2025-11-27"));
  EXPECT_FALSE((*r)[2].value.has_value());
  EXPECT_DOUBLE_EQ(*(*r)[3].value, 4.40);
  for (const auto& p : *r) {
    EXPECT_TRUE(p.column.empty());
    EXPECT_FALSE(p.provisional);
  }
}

TEST(FredJson, EmptyObservationsIsEmptySuccess) {
  auto r = ParseFredJson(R"({"count":0,"observations":[]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->empty());
}

TEST(FredJson, ErrorBodyCarriesFredMessage) {
  auto r = ParseFredJson(
      R"({"error_code":400,"error_message":"Bad Request.  The series does not exist."})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "FRED API error 400: Bad Request.  The series does not exist.");
}

TEST(FredJson, RateLimitErrorIsRetryable) {
  auto r = ParseFredJson(
      R"({"error_code": 429, "error_message": "Too Many Requests.  Exceeded Rate Limit"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("Too Many Requests.  Exceeded Rate Limit"));
}

TEST(FredJson, MissingObservationsArrayIsLayoutError) {
  auto r = ParseFredJson(R"({"seriess":[{"id":"SOFR"}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "FRED JSON: expected an object with an \"observations\" array, found an object with "
            "keys [seriess]");
  auto r2 = ParseFredJson(R"({"observations":{"date":"2025-01-01"}})");
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(), HasSubstr("found \"observations\" = an object with keys"));
  auto r3 = ParseFredJson("[1,2]");
  ASSERT_FALSE(r3.ok());
  EXPECT_THAT(r3.status().message(), HasSubstr("found an array of 2 elements"));
}

TEST(FredJson, TruncatedBodyIsParseError) {
  std::string body(kFredJson);
  for (size_t cut : {size_t{0}, size_t{1}, body.size() / 2, body.size() - 1}) {
    auto r = ParseFredJson(std::string_view(body).substr(0, cut));
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_EQ(r.status().code(), Status::Code::kParseError);
    EXPECT_THAT(r.status().message(), HasSubstr("FRED JSON:"));
  }
}

TEST(FredJson, NonNumericValueNamesRowAndText) {
  auto r = ParseFredJson(R"({"observations":[{"date":"2025-11-25","value":"4.01"},
      {"date":"2025-11-26","value":"n.a."}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "FRED JSON: observations[1] (2025-11-26): value 'n.a.' is not a number or \".\"");
}

TEST(FredJson, NumericValueInsteadOfStringIsLayoutError) {
  auto r = ParseFredJson(R"({"observations":[{"date":"2025-11-25","value":4.01}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_THAT(r.status().message(), HasSubstr("observations[0]"));
}

TEST(FredJson, BadDateIsParseError) {
  auto r = ParseFredJson(R"({"observations":[{"date":"11/25/2025","value":"4.01"}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("observations[0]: invalid date '11/25/2025'"));
}

TEST(FredGraphCsv, ParsesCurrentFormatWithEmptyMissing) {
  auto r = ParseFredGraphCsv(
      "observation_date,SOFR\n2025-11-24,3.96\n2025-11-25,4.01\n2025-11-26,4.05\n2025-11-27,\n"
      "2025-11-28,4.12\n2025-12-01,4.12\n",
      "SOFR");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 6u);
  EXPECT_EQ((*r)[0].date, D("2025-11-24"));
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 3.96);
  EXPECT_FALSE((*r)[3].value.has_value());
  EXPECT_DOUBLE_EQ(*(*r)[5].value, 4.12);
}

TEST(FredGraphCsv, AcceptsLegacyHeaderDotBomAndCrlf) {
  auto r = ParseFredGraphCsv(
      "\xEF\xBB\xBF"
      "DATE,RRPONTSYD\r\n2021-06-23,813.650\r\n2021-06-24,.\r\n",
      "RRPONTSYD");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 813.65);
  EXPECT_FALSE((*r)[1].value.has_value());
}

TEST(FredGraphCsv, AcceptsCompleteLastLineWithoutNewline) {
  auto r = ParseFredGraphCsv("observation_date,IORB\n2025-10-30,3.90", "IORB");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 3.90);
}

TEST(FredGraphCsv, HeaderForAnotherSeriesIsLayoutError) {
  auto r = ParseFredGraphCsv("observation_date,EFFR\n2025-11-24,3.88\n", "SOFR");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "fredgraph CSV: line 1: expected header 'observation_date,SOFR' (or 'DATE,SOFR'), "
            "found 'observation_date,EFFR'");
}

TEST(FredGraphCsv, HtmlErrorPageIsLayoutError) {
  auto r = ParseFredGraphCsv("<!DOCTYPE html><html><body>Error</body></html>\n", "SOFR");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_THAT(r.status().message(), HasSubstr("found '<!DOCTYPE html><html><body>Error</body>"));
}

TEST(FredGraphCsv, EmptyBodyIsError) {
  auto r = ParseFredGraphCsv("", "SOFR");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("found an empty body"));
}

TEST(FredGraphCsv, NonNumericCellNamesLineAndColumn) {
  auto r = ParseFredGraphCsv("observation_date,SOFR\n2025-11-24,3.96\n2025-11-25,abc\n", "SOFR");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kParseError);
  EXPECT_EQ(r.status().message(),
            "fredgraph CSV: line 3: value 'abc' in column 'SOFR' is not a number");
}

TEST(FredGraphCsv, TruncatedBodyIsError) {
  const std::string full = "observation_date,SOFR\n2025-11-24,3.96\n2025-11-25,4.01\n";
  // Cut inside the second data row's date.
  auto r = ParseFredGraphCsv(std::string_view(full).substr(0, full.size() - 9), "SOFR");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "fredgraph CSV: line 3: expected 2 fields (date,value), found 1 (the body ends "
            "without a newline: truncated?)");
  // Cut inside the header.
  auto r2 = ParseFredGraphCsv("observation_da", "SOFR");
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), Status::Code::kLayoutChanged);
  // Cut right after the comma: a row with only a date and no value field separator is short.
  auto r3 = ParseFredGraphCsv("observation_date,SOFR\n2025-11-24", "SOFR");
  ASSERT_FALSE(r3.ok());
  EXPECT_THAT(r3.status().message(), HasSubstr("line 2: expected 2 fields (date,value), found 1"));
}

TEST(FredGraphCsv, ExtraColumnIsError) {
  auto r = ParseFredGraphCsv("observation_date,SOFR\n2025-11-24,3.96,1\n", "SOFR");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "fredgraph CSV: line 2: expected 2 fields (date,value), found 3");
}

TEST(FredGraphCsv, UnclosedQuoteIsError) {
  auto r = ParseFredGraphCsv("observation_date,SOFR\n2025-11-24,\"3.96\n", "SOFR");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("line 2: quoted field is not closed"));
}

TEST(FredGraphCsv, RealSharedSofrFileParses) {
  // tests/testdata/feeds/SOFR.csv is a real fredgraph download re-headed "date,value".
  std::string body = testing::ReadTestFile(std::string(LIQWATCH_FEED_DATA_DIR) + "/SOFR.csv");
  ASSERT_FALSE(body.empty());
  ASSERT_EQ(body.rfind("date,value\n", 0), 0u);
  body.replace(0, 10, "observation_date,SOFR");
  auto r = ParseFredGraphCsv(body, "SOFR");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_GT(r->size(), 80u);
  bool found = false;
  for (const auto& p : *r) {
    if (p.date == D("2025-10-31")) {
      found = true;
      EXPECT_DOUBLE_EQ(*p.value, 4.22);
    }
    if (p.date == D("2025-11-27")) {
      EXPECT_FALSE(p.value.has_value());
    }
  }
  EXPECT_TRUE(found);
}

TEST(FredUrls, BuildsEncodedUrls) {
  EXPECT_EQ(FredJsonUrl("http://127.0.0.1:8080/", "SOFR", "abc123", D("2025-09-01")),
            "http://127.0.0.1:8080/fred/series/observations?series_id=SOFR&api_key=abc123&"
            "file_type=json&observation_start=2025-09-01");
  EXPECT_EQ(FredJsonUrl("https://api.stlouisfed.org", "A B", "k&=x"),
            "https://api.stlouisfed.org/fred/series/observations?series_id=A%20B&api_key=k%26%3Dx&"
            "file_type=json");
  EXPECT_EQ(FredGraphCsvUrl("https://fred.stlouisfed.org", "RRPONTSYD"),
            "https://fred.stlouisfed.org/graph/fredgraph.csv?id=RRPONTSYD");
  EXPECT_EQ(FredGraphCsvUrl("http://h", "SOFR", D("2025-10-01")),
            "http://h/graph/fredgraph.csv?id=SOFR&cosd=2025-10-01");
}

}  // namespace
}  // namespace liqwatch::sources
