#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "core/log.h"
#include "sources/fetch.h"

namespace liqwatch::config {
namespace {

std::string TestData(const std::string& name) {
  return std::string(LIQWATCH_SOURCE_DIR) + "/tests/testdata/config/" + name;
}

std::vector<std::string> Errors(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.ToString());
  return out;
}

// The first request a source's driver builds for remote id SOFR: the driver's own keys
// (graph_url, api_key) are its business, seen here in the URL they produce.
std::string FirstRequestUrl(const SourceConfig& source) {
  SeriesConfig s;
  s.id = "sofr";
  s.source = source.name;
  s.remote_id = "SOFR";
  return sources::BuildRequest(source, s, std::nullopt, Date(std::chrono::days(20000))).url;
}

TEST(ConfigLoader, LoadsGoodConfigWithDefaults) {
  auto r = LoadConfig(TestData("good_minimal.yaml"));
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.Summary(), "1 sources, 1 series, 1 rules, 1 notifiers");
  EXPECT_EQ(c.sources[0].base_url, "https://api.stlouisfed.org");  // default
  EXPECT_THAT(FirstRequestUrl(c.sources[0]),                       // graph_url: override
              ::testing::StartsWith("http://127.0.0.1:8080/graph/fredgraph.csv?id=SOFR"));
  EXPECT_EQ(c.sources[0].max_body_bytes, 8u << 20);
  EXPECT_EQ(c.rules[0].op, Comparison::kGreater);
  EXPECT_DOUBLE_EQ(c.rules[0].threshold, 4.5);
  EXPECT_EQ(c.series[0].unit, Unit::kPercent);
}

TEST(ConfigLoader, FindSeriesByHashAndAfterEdits) {
  std::string yaml = "sources:\n  fred: {type: fred}\nseries:\n";
  for (int i = 0; i < 50; ++i)
    yaml += "  - {id: s" + std::to_string(i) + ", source: fred, remote_id: S, unit: percent}\n";
  auto r = LoadConfigFromString(yaml, "many.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  Config c = *r.config;  // a copy keeps its index
  for (int i = 0; i < 50; ++i) {
    const SeriesConfig* s = c.FindSeries("s" + std::to_string(i));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s, &c.series[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(c.FindSeries("s50"), nullptr);
  EXPECT_EQ(c.FindSeries(""), nullptr);
  // Edited after loading: grown (found by scanning), renamed in place (re-indexed).
  SeriesConfig extra = c.series[0];
  extra.id = "extra";
  c.series.push_back(extra);
  EXPECT_EQ(c.FindSeries("extra"), &c.series.back());
  EXPECT_EQ(c.FindSeries("s7"), &c.series[7]);
  c.series[3].id = "renamed";
  c.IndexSeries();
  EXPECT_EQ(c.FindSeries("renamed"), &c.series[3]);
  EXPECT_EQ(c.FindSeries("s3"), nullptr);
  EXPECT_EQ(c.FindSeries("extra"), &c.series.back());
}

TEST(ConfigLoader, RetryAfterCeilingAndRedirectHosts) {
  const char* kBase = R"(
sources:
  web: {type: csv, base_url: "http://127.0.0.1:1", path: /x.csv, date_column: date%s}
series:
  - {id: x, source: web, remote_id: v, unit: percent}
%s)";
  auto load = [&](const char* source_extra, const char* top) {
    char buf[1024];
    std::snprintf(buf, sizeof buf, kBase, source_extra, top);
    return LoadConfigFromString(buf, "t.yaml");
  };
  auto defaults = load("", "");
  ASSERT_TRUE(defaults.config) << ::testing::PrintToString(Errors(defaults));
  EXPECT_EQ(defaults.config->sources[0].max_retry_after, std::chrono::hours(1));
  EXPECT_EQ(defaults.config->delivery.max_retry_after, std::chrono::hours(1));
  EXPECT_TRUE(defaults.config->sources[0].redirect_hosts.empty());

  auto set = load(", redirect_hosts: [cdn.example.com, \"*\"]", "http: {max_retry_after: 90s}\n");
  ASSERT_TRUE(set.config) << ::testing::PrintToString(Errors(set));
  EXPECT_EQ(set.config->sources[0].max_retry_after, std::chrono::seconds(90));
  EXPECT_EQ(set.config->delivery.max_retry_after, std::chrono::seconds(90));
  EXPECT_EQ(set.config->sources[0].redirect_hosts,
            (std::vector<std::string>{"cdn.example.com", "*"}));

  auto too_long = load("", "http: {max_retry_after: 2d}\n");
  EXPECT_FALSE(too_long.config);
  EXPECT_THAT(Errors(too_long),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "http.max_retry_after: must be greater than 0 and at most 24h")));
  auto url = load(", redirect_hosts: [\"https://cdn.example.com/x\"]", "");
  EXPECT_FALSE(url.config);
  EXPECT_THAT(Errors(url),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "sources.web.redirect_hosts: 'https://cdn.example.com/x' is not a host name")));
}

TEST(ConfigLoader, RejectsUnknownKeyWithPosition) {
  auto r = LoadConfig(TestData("bad_unknown_key.yaml"));
  EXPECT_FALSE(r.config);
  EXPECT_THAT(Errors(r), ::testing::ElementsAre(
                             TestData("bad_unknown_key.yaml") +
                             ":9:5: series[0]: unknown key 'intervall', expected one of id, "
                             "source, remote_id, unit, interval, description, max_age, field, "
                             "windows, jitter, alert_on_provisional, release, fallback"));
}

TEST(ConfigLoader, ReportsUnknownSeriesAndNotifier) {
  auto r = LoadConfig(TestData("bad_references.yaml"));
  EXPECT_FALSE(r.config);
  auto f = TestData("bad_references.yaml");
  EXPECT_THAT(Errors(r),
              ::testing::ElementsAre(f + ":10:5: rule 'iorb_high': unknown series 'iorb'",
                                     f + ":14:5: rule 'sofr_high': unknown notifier 'slack'"));
}

TEST(ConfigLoader, ReportsEveryTypeErrorOnItsLine) {
  auto r = LoadConfig(TestData("bad_types.yaml"));
  EXPECT_FALSE(r.config);
  auto f = TestData("bad_types.yaml");
  EXPECT_THAT(
      Errors(r),
      ::testing::ElementsAre(
          f + ":4:15: sources.fred.base_url: malformed URL 'ftp//stlouisfed', expected "
              "http://host/... or https://host/...",
          f + ":5:14: sources.fred.timeout: invalid duration 'soon', expected a positive number "
              "and a unit (ms, s, m, h, d, w)",
          f + ":7:5: series[0]: missing required key 'remote_id'",
          f + ":9:11: series[0].unit: unknown unit 'dollars', expected one of percent, bp, usd, "
              "usd_k, usd_mn, usd_bn, usd_tn, index, count",
          f + ":13:9: rules[0].op: unknown comparison '=>', expected >, >=, < or <=",
          f + ":14:16: rules[0].threshold: expected a number, found 'high'"));
}

TEST(ConfigLoader, UnresolvedSecretNamesTheKeyNotTheValue) {
  unsetenv("LIQWATCH_TEST_UNSET_KEY");
  setenv("LIQWATCH_TEST_HOOK", "not a url with hidden-token-123", 1);
  auto r = LoadConfig(TestData("bad_secret.yaml"));
  EXPECT_FALSE(r.config);
  auto f = TestData("bad_secret.yaml");
  EXPECT_THAT(Errors(r),
              ::testing::ElementsAre(
                  f + ":4:14: sources.fred.api_key: environment variable "
                      "LIQWATCH_TEST_UNSET_KEY is not set",
                  f + ":8:10: notifiers.desk.url: malformed URL, expected http://host/... or "
                      "https://host/..."));
  for (const auto& e : Errors(r)) EXPECT_EQ(e.find("hidden-token-123"), std::string::npos);
}

TEST(ConfigLoader, ResolvedSecretsAreScrubbedFromLogs) {
  setenv("LIQWATCH_TEST_HOOK", "http://127.0.0.1:9/T0KEN-abcdef", 1);
  setenv("LIQWATCH_TEST_UNSET_KEY", "fredkey0123456789", 1);
  auto r = LoadConfig(TestData("bad_secret.yaml"));
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  EXPECT_THAT(FirstRequestUrl(r.config->sources[0]),
              ::testing::HasSubstr("api_key=fredkey0123456789"));
  EXPECT_EQ(ScrubSecrets("url=http://127.0.0.1:9/T0KEN-abcdef key=fredkey0123456789"),
            "url=[redacted] key=[redacted]");
}

// A secret written as a literal (a Slack URL carries its token in the path) is scrubbed like a
// ${env:...} reference: logs and errors name the notifier, never its URL.
TEST(ConfigLoader, LiteralSecretsAreScrubbedToo) {
  auto r = LoadConfigFromString(R"(sources:
  fred: {type: fred, api_key: literalkey0123456789abcdefghijk}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
rules:
  - {name: r, series: sofr, op: ">", threshold: 4.30}
notifiers:
  desk: {type: slack, url: "http://127.0.0.1:9/services/T1/B2/LITERAL-path-token"}
)",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  EXPECT_EQ(ScrubSecrets("slack desk: POST http://127.0.0.1:9/services/T1/B2/LITERAL-path-token: "
                         "refused; key=literalkey0123456789abcdefghijk"),
            "slack desk: POST [redacted]: refused; key=[redacted]");
}

// Request headers: literal values as written (not treated as secrets), references resolved and
// scrubbed; names the client owns, bad names and line breaks are errors at their place.
TEST(ConfigLoader, SourceHeadersLiteralAndSecret) {
  setenv("LIQWATCH_TEST_HEADER_TOKEN", "hdr-secret-5a1f", 1);
  auto r = LoadConfigFromString(R"y(sources:
  farside:
    type: html_table
    preset: farside_eth
    headers: {User-Agent: "Mozilla/5.0 (desk)", Accept: text/html,
              X-Token: "${env:LIQWATCH_TEST_HEADER_TOKEN}"
}
series:
  - {id: eth, source: farside, remote_id: Total, unit: usd_mn, alert_on_provisional: true}
)y",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const auto& src = r.config->sources[0];
  EXPECT_EQ(src.base_url, "https://farside.co.uk");
  EXPECT_EQ(src.path, "/eth/");
  using H = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(src.headers, (H{{"User-Agent", "Mozilla/5.0 (desk)"},
                            {"Accept", "text/html"},
                            {"X-Token", "hdr-secret-5a1f"}}));
  EXPECT_TRUE(r.config->series[0].alert_on_provisional);
  EXPECT_EQ(ScrubSecrets("sent X-Token: hdr-secret-5a1f as text/html"),
            "sent X-Token: [redacted] as text/html");

  unsetenv("LIQWATCH_TEST_HEADER_UNSET");
  auto bad = LoadConfigFromString(R"y(sources:
  farside:
    type: html_table
    preset: farside_btc
    headers: {Host: evil.example, "Bad Name": x, X-Key: "${env:LIQWATCH_TEST_HEADER_UNSET}"}
  ici: {type: html_table, preset: ici_etf_flow}
series:
  - {id: btc, source: farside, remote_id: Total, unit: usd_mn, alert_on_provisional: maybe}
)y",
                                  "t.yaml");
  EXPECT_FALSE(bad.config);
  EXPECT_THAT(Errors(bad),
              ::testing::ElementsAre(
                  "t.yaml:5:15: sources.farside.headers.Host: set by liqwatch itself, it cannot "
                  "be configured",
                  "t.yaml:5:35: sources.farside.headers.Bad Name: 'Bad Name' is not an HTTP "
                  "header name",
                  "t.yaml:5:57: sources.farside.headers.X-Key: environment variable "
                  "LIQWATCH_TEST_HEADER_UNSET is not set",
                  "t.yaml:6:8: sources.ici: missing required key 'base_url' (type html_table "
                  "has no default URL)",
                  "t.yaml:6:35: sources.ici.preset: unknown preset 'ici_etf_flow' for type "
                  "html_table, expected farside_btc, farside_eth, ici_etf_flows, ishares_ibit "
                  "or ishares_etha (type html_table)",
                  "t.yaml:8:86: series[0].alert_on_provisional: expected true or false, found "
                  "'maybe'"));
}

// iShares product pages: the preset gives the page; remote_id names the data point; the table
// keys do not apply; shares (count) times NAV (usd) is a flow in money.
TEST(ConfigLoader, ISharesPresets) {
  auto r = LoadConfigFromString(R"y(sources:
  ibit: {type: html_table, preset: ishares_ibit}
  etha: {type: html_table, preset: ishares_etha, base_url: "http://127.0.0.1:9"}
series:
  - {id: ibit_shares, source: ibit, remote_id: shares_outstanding, unit: count}
  - {id: ibit_nav, source: ibit, remote_id: nav, unit: usd}
  - {id: etha_assets, source: etha, remote_id: total_net_assets, unit: usd}
rules:
  - {name: ibit_outflow, expr: "change(ibit_shares, 1) * ibit_nav < -500mn"}
)y",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  EXPECT_EQ(r.config->sources[0].base_url, "https://www.ishares.com");
  EXPECT_EQ(r.config->sources[0].path, "/us/products/333011/ishares-bitcoin-trust-etf");
  EXPECT_EQ(r.config->sources[1].base_url, "http://127.0.0.1:9");
  EXPECT_EQ(r.config->sources[1].path, "/us/products/337614/ishares-ethereum-trust-etf");

  auto table_key = LoadConfigFromString(R"y(sources:
  ibit: {type: html_table, preset: ishares_ibit, table_xpath: "//table"}
series:
  - {id: ibit_shares, source: ibit, remote_id: shares_outstanding, unit: count}
)y",
                                        "t.yaml");
  EXPECT_FALSE(table_key.config);
  EXPECT_THAT(Errors(table_key),
              ::testing::ElementsAre(
                  "t.yaml:2:63: sources.ibit.table_xpath: not a key of preset ishares_ibit (it "
                  "reads single data points, not a table)"));
  auto point = LoadConfigFromString(R"y(sources:
  ibit: {type: html_table, preset: ishares_ibit}
series:
  - {id: ibit_shares, source: ibit, remote_id: sharesOutstanding, unit: count}
)y",
                                    "t.yaml");
  EXPECT_FALSE(point.config);
  EXPECT_THAT(Errors(point),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "remote_id 'sharesOutstanding' is not a data point of preset ishares_ibit, "
                  "expected shares_outstanding, nav or total_net_assets")));
}

// backtest, test-rules and rules send nothing: they load a config without reading its secret
// references, so a rule file is checked in CI without the daemon's secrets.
TEST(ConfigLoader, SkippedSecretReferencesStayUnread) {
  const std::string text = R"(sources:
  fred: {type: fred, api_key: "${env:LIQWATCH_TEST_NEVER_SET_KEY}"}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
notifiers:
  desk: {type: webhook, url: "${env:LIQWATCH_TEST_NEVER_SET_URL}"}
)";
  unsetenv("LIQWATCH_TEST_NEVER_SET_KEY");
  unsetenv("LIQWATCH_TEST_NEVER_SET_URL");
  auto resolved = LoadConfigFromString(text, "s.yaml");
  EXPECT_THAT(
      Errors(resolved),
      ::testing::ElementsAre(
          "s.yaml:2:31: sources.fred.api_key: environment variable "
          "LIQWATCH_TEST_NEVER_SET_KEY is not set",
          "s.yaml:6:30: notifiers.desk.url: environment variable LIQWATCH_TEST_NEVER_SET_URL "
          "is not set"));
  auto skipped = LoadConfigFromString(text, "s.yaml", SecretRefs::kSkip);
  ASSERT_TRUE(skipped.config) << ::testing::PrintToString(Errors(skipped));
  EXPECT_THAT(FirstRequestUrl(skipped.config->sources[0]),  // the reference, unread
              ::testing::HasSubstr("env%3ALIQWATCH_TEST_NEVER_SET_KEY"));
  EXPECT_EQ(skipped.config->notifiers[0].url, "${env:LIQWATCH_TEST_NEVER_SET_URL}");
  // Everything else is still checked.
  auto bad = LoadConfigFromString(text + "rules:\n  - {name: r, expr: sofrr > 1}\n", "s.yaml",
                                  SecretRefs::kSkip);
  EXPECT_FALSE(bad.config);
}

TEST(ConfigLoader, YamlSyntaxErrorHasPosition) {
  auto r = LoadConfigFromString("sources:\n  fred: [unclosed\n", "x.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(r.errors[0].ToString(), ::testing::StartsWith("x.yaml:3:1: YAML syntax error: "));
}

TEST(ConfigLoader, MissingFileIsAnError) {
  auto r = LoadConfig("/nonexistent/liqwatch.yaml");
  EXPECT_THAT(
      Errors(r),
      ::testing::ElementsAre(
          "/nonexistent/liqwatch.yaml: config file cannot be read: No such file or directory"));
}

// Each source type's driver declares its keys: a key of another type names the types it
// belongs to, a key of no type is unknown, and the driver's own checks keep FILE:LINE:COL.
TEST(ConfigLoader, SourceKeysBelongToTheirDriver) {
  auto r = LoadConfigFromString(R"(sources:
  f: {type: fred, path: /x, rows_pointer: /data}
  c: {type: csv, base_url: "http://127.0.0.1:9", delimiter: ";;", preset: farside_btc}
  j: {type: json, base_url: "http://127.0.0.1:9", rows_pointer: data}
  x: {type: csv, base_url: "http://127.0.0.1:9", sheet: 2}
)",
                                "k.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(Errors(r),
              ::testing::ElementsAre(
                  "k.yaml:2:19: sources.f.path: not a key of type fred (only for html_table, "
                  "csv, json)",
                  "k.yaml:2:29: sources.f.rows_pointer: not a key of type fred (only for json)",
                  "k.yaml:3:61: sources.c.delimiter: expected one character",
                  "k.yaml:3:67: sources.c.preset: not a key of type csv (only for html_table)",
                  "k.yaml:4:65: sources.j: a JSON Pointer must be empty or start with '/', got "
                  "'data'",
                  ::testing::StartsWith("k.yaml:5:50: sources.x: unknown key 'sheet', expected "
                                        "one of type, base_url, timeout,")));
}

// Out-of-range indexes are config errors, not undefined casts (header_row: 1e300,
// skip_lines: 1e20) or a poller that throws (a 20-digit date_column passed check-config, then
// stoul threw).
TEST(ConfigLoader, IndexesOutOfRangeAreErrors) {
  auto r = LoadConfigFromString(R"(sources:
  page:
    type: html_table
    base_url: http://127.0.0.1:9
    date_column: "99999999999999999999"
    header_row: 1e300
  sheet:
    type: csv
    base_url: http://127.0.0.1:9
    skip_lines: 1e20
series:
  - {id: a, source: page, remote_id: A, unit: index, interval: 1h}
  - {id: b, source: sheet, remote_id: B, unit: index, interval: 1h}
)",
                                "x.yaml");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(Errors(r),
              ::testing::ElementsAre(
                  "x.yaml:5:18: sources.page.date_column: expected a 0-based column index (0 to "
                  "9999) for html_table, got '99999999999999999999'",
                  "x.yaml:6:17: sources.page.header_row: expected an integer from 0 to 9999",
                  "x.yaml:10:17: sources.sheet.skip_lines: expected an integer from 0 to 9999"));
  auto ok = LoadConfigFromString(R"(sources:
  page: {type: html_table, base_url: "http://127.0.0.1:9", date_column: "9999", header_row: 9999}
series:
  - {id: a, source: page, remote_id: A, unit: index, interval: 1h}
)",
                                 "x.yaml");
  EXPECT_TRUE(ok.config) << ::testing::PrintToString(Errors(ok));
}

}  // namespace
}  // namespace liqwatch::config

namespace liqwatch::config {
namespace {

constexpr const char* kFallbackSources = R"(sources:
  fred: {type: fred}
  nyfed: {type: nyfed}
series:
)";

// `fallback:` adds a polled feed "<id>@<source>" that stores under the series: its own remote
// id, unit (the source's) and calendar (its source's built-in one); not a series of its own.
TEST(ConfigLoader, AFallbackIsASecondFeedOfTheSameSeries) {
  auto r = LoadConfigFromString(std::string(kFallbackSources) +
                                    "  - {id: rrp, source: nyfed, remote_id: reverserepo, unit: "
                                    "usd, fallback: {source: fred, remote_id: RRPONTSYD, unit: "
                                    "usd_bn}}\n",
                                "t.yaml");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.Summary(), "2 sources, 1 series, 0 rules, 0 notifiers");
  ASSERT_EQ(c.fallback_feeds.size(), 1u);
  const SeriesConfig& feed = c.fallback_feeds[0];
  EXPECT_EQ(feed.id, "rrp@fred");
  EXPECT_EQ(feed.stored_id(), "rrp");
  EXPECT_EQ(feed.source, "fred");
  EXPECT_EQ(feed.remote_id, "RRPONTSYD");
  EXPECT_EQ(feed.unit, Unit::kUsdBillions);
  ASSERT_TRUE(feed.release);
  EXPECT_EQ(feed.release->ToString(), "10:00 ET, D+1bd, grace 4h");
  EXPECT_EQ(c.FindSeries("rrp")->release->ToString(), "13:30 ET, same day, grace 30m");
  EXPECT_EQ(c.FindSeries("rrp@fred"), nullptr);  // not a series: rules cannot name it
  EXPECT_EQ(c.FindFeed("rrp@fred"), &feed);
  EXPECT_EQ(c.PolledFeeds().size(), 2u);
}

TEST(ConfigLoader, AFallbackNeedsAnotherKnownSourceInTheSameDimension) {
  auto errors = [](const std::string& fallback) {
    return Errors(LoadConfigFromString(
        std::string(kFallbackSources) +
            "  - {id: sofr, source: nyfed, remote_id: sofr, unit: percent, fallback: " + fallback +
            "}\n",
        "t.yaml"));
  };
  EXPECT_THAT(errors("{source: ecb, remote_id: SOFR, unit: percent}"),
              ::testing::ElementsAre(
                  ::testing::HasSubstr("series 'sofr': fallback: unknown source 'ecb'")));
  EXPECT_THAT(errors("{source: nyfed, remote_id: sofr, unit: percent}"),
              ::testing::ElementsAre(
                  ::testing::HasSubstr("fallback: source 'nyfed' is the series' own source")));
  EXPECT_THAT(errors("{source: fred, remote_id: SOFR, unit: usd_bn}"),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "fallback: unit usd_bn is money but the series is rate (percent)")));
  EXPECT_THAT(errors("{source: fred, remote_id: SOFR}"),
              ::testing::ElementsAre(::testing::HasSubstr("series[0].fallback")));
  EXPECT_THAT(errors("{source: fred, remote_id: SOFR, unit: percent, every: 1h}"),
              ::testing::ElementsAre(::testing::HasSubstr("every")));
}

}  // namespace
}  // namespace liqwatch::config
