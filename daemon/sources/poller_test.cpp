// Poller pure pieces: request building and response parsing per source type (schedules:
// schedule_test.cpp).
#include "sources/poller.h"

#include <cmath>

#include <gtest/gtest.h>

#include "config/config.h"
#include "core/calendar.h"
#include "sources/formats/date_format.h"
#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;
using testing::ReadFixture;

config::Config Load(const std::string& yaml) {
  auto r = config::LoadConfigFromString(yaml, "test.yaml");
  std::string errors;
  for (const auto& e : r.errors) errors += e.ToString() + "\n";
  EXPECT_TRUE(r.config) << errors;
  return r.config ? *r.config : config::Config{};
}

http::HttpResponse Ok(std::string body) {
  http::HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

const char* kConfig = R"(
sources:
  nyfed: {type: nyfed, base_url: "http://127.0.0.1:1"}
  treasury: {type: treasury_dts, base_url: "http://127.0.0.1:1"}
  fng: {type: fear_greed, base_url: "http://127.0.0.1:1"}
  farside: {type: html_table, preset: farside_btc, base_url: "http://127.0.0.1:1"}
  fredcsv: {type: csv, base_url: "http://127.0.0.1:1", path: "/graph/fredgraph.csv?id=SOFR",
            date_column: observation_date}
  json: {type: json, base_url: "http://127.0.0.1:1", path: /fng/, rows_pointer: /data,
         date_pointer: /timestamp}
  fred: {type: fred, base_url: "http://127.0.0.1:1", graph_url: "http://127.0.0.1:1"}
series:
  - {id: sofr, source: nyfed, remote_id: sofr, unit: percent}
  - {id: sofr_p99, source: nyfed, remote_id: sofr, field: percentPercentile99, unit: percent}
  - {id: sofr_volume, source: nyfed, remote_id: sofr, field: volumeInBillions, unit: usd_bn}
  - {id: srf, source: nyfed, remote_id: repo, unit: usd}
  - {id: rrp, source: nyfed, remote_id: reverserepo, unit: usd}
  - {id: tga, source: treasury, remote_id: tga, unit: usd_mn}
  - {id: fng, source: fng, remote_id: fng, unit: index}
  - {id: btc_etf_total, source: farside, remote_id: Total, unit: usd_mn}
  - {id: sofr_csv, source: fredcsv, remote_id: SOFR, unit: percent}
  - {id: fng_json, source: json, remote_id: /value, unit: index}
  - {id: sofr_fred, source: fred, remote_id: SOFR, unit: percent}
  - {id: debt_tn, source: fredcsv, remote_id: SOFR, unit: usd_tn}
)";

struct Fixture : ::testing::Test {
  config::Config c = Load(kConfig);
  Result<ParsedPage> Parse(const std::string& series, const std::string& body,
                           Date today = D("2026-12-31")) {
    const auto* s = c.FindSeries(series);
    return ParsePage(*c.FindSource(s->source), *s, Ok(body), today);
  }
  std::string Url(const std::string& series, std::optional<Date> since, int page = 1) {
    const auto* s = c.FindSeries(series);
    return BuildRequest(*c.FindSource(s->source), *s, since, D("2025-10-31"), page).url;
  }
};

TEST_F(Fixture, BuildsUrlsPerType) {
  EXPECT_EQ(Url("sofr", D("2025-10-20")),
            "http://127.0.0.1:1/api/rates/secured/sofr/search.json?startDate=2025-10-13&endDate="
            "2025-10-31");
  EXPECT_NE(Url("srf", std::nullopt).find("/api/rp/results/search.json?startDate=2023-11-01"),
            std::string::npos);
  EXPECT_NE(Url("tga", std::nullopt, 2).find("page[number]=2"), std::string::npos);
  EXPECT_EQ(Url("fng", std::nullopt), "http://127.0.0.1:1/fng/?limit=0");
  EXPECT_EQ(Url("btc_etf_total", std::nullopt), "http://127.0.0.1:1/btc/");
  EXPECT_EQ(Url("sofr_csv", std::nullopt), "http://127.0.0.1:1/graph/fredgraph.csv?id=SOFR");
}

TEST_F(Fixture, NyFedRateFieldsAreSeparateSeries) {
  auto body = ReadFixture("nyfed/sofr_search_2024-06-01_2024-06-06.json");
  ASSERT_FALSE(body.empty());
  auto rate = Parse("sofr", body);
  auto p99 = Parse("sofr_p99", body);
  auto vol = Parse("sofr_volume", body);
  ASSERT_TRUE(rate.ok()) << rate.status().message();
  ASSERT_TRUE(p99.ok() && vol.ok());
  ASSERT_FALSE(rate->observations.empty());
  EXPECT_EQ(rate->observations.size(), p99->observations.size());
  EXPECT_EQ(rate->observations.size(), vol->observations.size());
  EXPECT_EQ(rate->observations[0].series, "sofr");
  EXPECT_GT(*p99->observations[0].value, *rate->observations[0].value);
  EXPECT_GT(*vol->observations[0].value, 100);  // USD billions
}

TEST_F(Fixture, SrfSummedPerDayAndKeptPerOperationInUsdBillions) {
  auto r = Parse("srf", ReadFixture("nyfed/srf_results_2025-12-10_2025-12-11.json"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::map<std::string, double> by;
  for (const auto& o : r->observations) by[o.series + "@" + FormatDate(o.date)] = *o.value;
  EXPECT_DOUBLE_EQ(by.at("srf@2025-12-11"), 4.5);    // 3.0bn morning + 1.5bn afternoon
  EXPECT_DOUBLE_EQ(by.at("srf@2025-12-10"), 0.025);  // small value exercise left out
  EXPECT_DOUBLE_EQ(by.at("srf:op:RP 121125 1@2025-12-11"), 3.0);
  EXPECT_DOUBLE_EQ(by.at("srf:op:RP 121125 4@2025-12-11"), 1.5);
  EXPECT_DOUBLE_EQ(by.at("srf:sve:RP 121025 3@2025-12-10"), 0.005);
}

TEST_F(Fixture, RrpAndTreasuryAndFearGreed) {
  auto rrp = Parse("rrp", ReadFixture("nyfed/rrp_results_2025-10-27_2025-10-31.json"));
  ASSERT_TRUE(rrp.ok()) << rrp.status().message();
  ASSERT_FALSE(rrp->observations.empty());
  auto tga = Parse("tga", ReadFixture("treasury/dts_2025-10-27_2025-10-31_page1.json"));
  ASSERT_TRUE(tga.ok()) << tga.status().message();
  ASSERT_FALSE(tga->observations.empty());
  EXPECT_GT(*tga->observations.back().value, 500);  // USD billions, from millions
  EXPECT_LT(*tga->observations.back().value, 2000);
  EXPECT_TRUE(tga->next_page.has_value());
}

TEST_F(Fixture, FarsideTotalColumn) {
  auto r = Parse("btc_etf_total", ReadFixture("farside/btc.html"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_FALSE(r->observations.empty());
  EXPECT_EQ(r->observations[0].series, "btc_etf_total");
}

TEST_F(Fixture, FutureDatesRejectedForFred) {
  auto r = Parse("sofr_fred", "observation_date,SOFR\n2025-10-28,4.31\n2025-11-05,4.00\n",
                 D("2025-10-31"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("dated after today (2025-10-31)"), std::string::npos)
      << r.status().message();
}

TEST_F(Fixture, HttpStatuses) {
  const auto* s = c.FindSeries("btc_etf_total");
  http::HttpResponse resp;
  resp.status = 403;
  resp.body = "<html>challenge</html>";
  auto r = ParsePage(*c.FindSource(s->source), *s, resp, D("2026-01-01"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kHttpError);
  EXPECT_EQ(r.status().message(), "HTTP 403 (forbidden: the site refuses this client)")
      << r.status().message();
  // Farside's Cloudflare answer: "blocked by the site", never a layout change.
  resp.headers = {{"cf-mitigated", "challenge"}};
  resp.url = "https://farside.co.uk/btc/";
  r = ParsePage(*c.FindSource(s->source), *s, resp, D("2026-01-01"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kHttpError);
  EXPECT_EQ(r.status().message(),
            "blocked by the site: HTTP 403 bot challenge (Cloudflare) from "
            "https://farside.co.uk/btc/; not a layout change: the site refuses this client (set "
            "the source's headers, e.g. User-Agent and Accept, or use a mirror)");
  resp.headers.clear();
  resp.url.clear();
  resp.status = 304;
  resp.body.clear();
  auto nm = ParsePage(*c.FindSource(s->source), *s, resp, D("2026-01-01"));
  ASSERT_TRUE(nm.ok());
  EXPECT_TRUE(nm->not_modified);
  resp.status = 429;
  EXPECT_EQ(ParsePage(*c.FindSource(s->source), *s, resp, D("2026-01-01")).status().code(),
            Status::Code::kUnavailable);
}

TEST_F(Fixture, KeylessFredErrorPageIsReportedAsItsStatusOnly) {
  const auto* s = c.FindSeries("sofr_fred");
  http::HttpResponse resp;
  resp.status = 404;
  resp.body = "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>";
  auto r = ParsePage(*c.FindSource(s->source), *s, resp, D("2026-01-01"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "HTTP 404");  // not the CSV parser's complaint about HTML
}

TEST_F(Fixture, HttpErrorNamesTheUrlWithCredentialsRedacted) {
  const auto* s = c.FindSeries("sofr_csv");
  http::HttpResponse resp;
  resp.status = 404;
  resp.body = "<html>not found</html>";
  resp.url = "http://user:pw@127.0.0.1:1/graph/fredgraph.csv?id=SOFR&api_key=abcdef123";
  auto r = ParsePage(*c.FindSource(s->source), *s, resp, D("2026-01-01"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kHttpError);
  EXPECT_EQ(r.status().message(),
            "HTTP 404 from http://127.0.0.1:1/graph/fredgraph.csv?id=SOFR&api_key=[redacted]");
}

// A static response that repeats a date with two values made an alert flap on every poll:
// every format's output goes through the same check, and the whole response is refused.
TEST_F(Fixture, RepeatedDateIsRejectedNamingTheDate) {
  auto csv = Parse("sofr_csv", "observation_date,SOFR\n2025-10-28,4.31\n2025-10-28,9.99\n");
  ASSERT_FALSE(csv.ok());
  EXPECT_EQ(csv.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(csv.status().message(),
            "fredcsv SOFR: the response has two observations of sofr_csv for 2025-10-28 (4.31 and "
            "9.99); a repeated date is ambiguous, nothing from this response is stored");
  auto json = Parse("fng_json", R"({"data": [{"timestamp": "1761609600", "value": 40},
                                             {"timestamp": "1761609600", "value": 90}]})");
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.status().message().find("two observations of fng_json for 2025-10-28 (40 and 90)"),
            std::string::npos)
      << json.status().message();
  // One date per row is fine.
  EXPECT_TRUE(Parse("sofr_csv", "observation_date,SOFR\n2025-10-28,4.31\n2025-10-29,4.3\n").ok());
}

TEST(CheckObservations, RepeatAcrossPagesAndNonFiniteValues) {
  std::vector<Observation> batch = {{"tga", D("2025-10-28"), 1.0, false},
                                    {"tga", D("2025-10-29"), std::nullopt, false},
                                    {"tga:op:x", D("2025-10-28"), 2.0, false}};
  EXPECT_TRUE(CheckObservations(batch, "treasury tga").ok());
  batch.push_back({"tga", D("2025-10-29"), 3.0, false});
  EXPECT_EQ(CheckObservations(batch, "treasury tga").message(),
            "treasury tga: the response has two observations of tga for 2025-10-29 (missing and "
            "3); a repeated date is ambiguous, nothing from this response is stored");
  std::vector<Observation> inf = {{"tga", D("2025-10-28"), HUGE_VAL, false}};
  EXPECT_EQ(CheckObservations(inf, "treasury tga").message(),
            "treasury tga: value inf on 2025-10-28 is not a finite number");
}

TEST_F(Fixture, NonFiniteJsonNumberIsRejectedNamingTheDate) {
  auto r = Parse("fng_json", R"({"data": [{"timestamp": "1761609600", "value": 1e400}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kParseError);
  EXPECT_NE(r.status().message().find("(2025-10-28)"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("a number too large for a double (infinite)"),
            std::string::npos)
      << r.status().message();
}

TEST_F(Fixture, UnitConversionThatOverflowsIsAnError) {
  auto r = Parse("debt_tn", "observation_date,SOFR\n2025-10-28,1e308\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "fredcsv SOFR: value 1e+308 on 2025-10-28 overflows when converted to usd_bn");
}

TEST_F(Fixture, DatesOutsideTheSaneRangeAreRejected) {
  auto r = Parse("sofr_csv", "observation_date,SOFR\n0000-01-01,4.31\n2025-10-28,4.3\n");
  ASSERT_FALSE(r.ok());
  // The date parser refuses it first (core/time.h CheckYear); CheckObservations is the net
  // for formats whose dates come from elsewhere (epoch milliseconds, JSON numbers).
  EXPECT_EQ(r.status().code(), Status::Code::kParseError);
  EXPECT_EQ(r.status().message(),
            "fredcsv: line 2: date '0000-01-01' is out of range: years 1900 to 2200 are accepted "
            "in column 'observation_date'");
}

TEST_F(Fixture, FeedRequestsCarryTheSourcesRedirectHosts) {
  auto yaml = std::string(kConfig);
  yaml.replace(yaml.find("date_column: observation_date}"),
               std::string("date_column: observation_date}").size(),
               "date_column: observation_date, redirect_hosts: [cdn.example.com]}");
  config::Config cfg = Load(yaml);
  const auto* s = cfg.FindSeries("sofr_csv");
  auto req = BuildRequest(*cfg.FindSource(s->source), *s, std::nullopt, D("2025-10-31"));
  EXPECT_TRUE(req.follow_redirects);
  EXPECT_EQ(req.redirect_hosts, std::vector<std::string>{"cdn.example.com"});
  EXPECT_TRUE(BuildRequest(*c.FindSource(s->source), *c.FindSeries("sofr_csv"), std::nullopt,
                           D("2025-10-31"))
                  .redirect_hosts.empty());
}

TEST(CheckObservationDate, AcceptsOnlyASaneRange) {
  // Built with the calendar, not ParseDate: ParseDate itself refuses these years.
  auto day = [](int y, unsigned m, unsigned d) {
    return Date{std::chrono::sys_days{std::chrono::year{y} / m / d}};
  };
  EXPECT_TRUE(CheckObservationDate(day(1900, 1, 1), "feed").ok());
  EXPECT_TRUE(CheckObservationDate(day(2200, 12, 31), "feed").ok());
  auto zero = CheckObservationDate(day(0, 1, 1), "feed x");
  EXPECT_EQ(zero.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(zero.message(),
            "feed x: date 0000-01-01 is outside the accepted range 1900-01-01..2200-12-31");
  EXPECT_FALSE(CheckObservationDate(day(1899, 12, 31), "feed").ok());
  EXPECT_FALSE(CheckObservationDate(day(2201, 1, 1), "feed").ok());
}

TEST(ConditionalGet, ValidatorsAreSentAndRememberedPerResponse) {
  http::HttpRequest req;
  AddConditionalHeaders(req, {"\"v1\"", "Thu, 30 Oct 2025 12:00:00 GMT"});
  EXPECT_EQ(req.headers, (std::vector<std::pair<std::string, std::string>>{
                             {"If-None-Match", "\"v1\""},
                             {"If-Modified-Since", "Thu, 30 Oct 2025 12:00:00 GMT"}}));
  http::HttpRequest etag_only;
  AddConditionalHeaders(etag_only, {"\"v1\"", ""});
  EXPECT_EQ(etag_only.headers.size(), 1u);

  const HttpValidators known{"\"v1\"", "Thu, 30 Oct 2025 12:00:00 GMT"};
  http::HttpResponse r;
  r.status = 200;
  r.headers = {{"etag", "\"v2\""}};
  EXPECT_EQ(ValidatorsAfter(r, known), (HttpValidators{"\"v2\"", ""}));  // a 200's own
  r.headers = {};
  EXPECT_EQ(ValidatorsAfter(r, known), HttpValidators{});  // none: forget the old ones
  r.status = 304;
  EXPECT_EQ(ValidatorsAfter(r, known), known);
  r.headers = {{"ETag", "\"v3\""}};
  EXPECT_EQ(ValidatorsAfter(r, known),
            (HttpValidators{"\"v3\"", "Thu, 30 Oct 2025 12:00:00 GMT"}));  // updated by a 304
  r.status = 503;
  EXPECT_EQ(ValidatorsAfter(r, known), std::nullopt);  // an error keeps what is stored
}

}  // namespace
}  // namespace liqwatch::sources
