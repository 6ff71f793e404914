// Every parser, fed cut-off, corrupted and random bodies derived from real-shaped fixtures,
// must return a value (an error for broken input) and never crash, hang or throw.
#include <random>

#include <gtest/gtest.h>

#include "sources/formats/csv_table.h"
#include "sources/formats/fear_greed.h"
#include "sources/formats/fred.h"
#include "sources/formats/html_table.h"
#include "sources/formats/json_pointer.h"
#include "sources/formats/nyfed.h"
#include "sources/formats/testing.h"
#include "sources/formats/treasury.h"

namespace liqwatch::sources {
namespace {

struct Case {
  const char* name;
  std::string body;
  std::function<bool(std::string_view)> parse_ok;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  cases.push_back({"fredgraph",
                   "observation_date,SOFR\n2025-11-24,3.96\n2025-11-25,4.01\n2025-11-27,\n",
                   [](std::string_view b) { return ParseFredGraphCsv(b, "SOFR").ok(); }});
  cases.push_back({"fred json",
                   R"({"count":2,"observations":[{"date":"2025-11-25","value":"4.01"},)"
                   R"({"date":"2025-11-27","value":"."}]})",
                   [](std::string_view b) { return ParseFredJson(b).ok(); }});
  cases.push_back({"nyfed rates",
                   testing::ReadFixture("nyfed/sofr_search_2024-06-01_2024-06-06.json"),
                   [](std::string_view b) { return ParseNyFedRefRates(b, {}).ok(); }});
  cases.push_back({"nyfed ops",
                   testing::ReadFixture("nyfed/srf_results_2025-12-10_2025-12-11.json"),
                   [](std::string_view b) { return ParseNyFedOperationPoints(b, {}).ok(); }});
  cases.push_back({"dts", testing::ReadFixture("treasury/dts_2025-10-27_2025-10-31_page1.json"),
                   [](std::string_view b) { return ParseDtsOperatingCashBalance(b, {}).ok(); }});
  cases.push_back({"farside", testing::ReadFixture("farside/btc.html"),
                   [](std::string_view b) { return ParseHtmlTable(b, FarsideEtfOptions()).ok(); }});
  cases.push_back({"csv", "date,value\n2025-10-27,\"1,119.9\"\n2025-10-28,(2)\n",
                   [](std::string_view b) { return ParseCsvTable(b, {}).ok(); }});
  cases.push_back({"json pointer", R"({"data":[{"date":"2025-10-28","value":"4.31"}]})",
                   [](std::string_view b) {
                     JsonPointerOptions o;
                     o.rows_pointer = "/data";
                     return ParseJsonPointer(b, o).ok();
                   }});
  cases.push_back(
      {"fng", R"({"data":[{"value":"40","timestamp":"1551157200"}],"metadata":{"error":null}})",
       [](std::string_view b) { return ParseFearGreed(b, {}).ok(); }});
  return cases;
}

TEST(Robustness, IntactFixturesParse) {
  for (const Case& c : Cases()) {
    ASSERT_FALSE(c.body.empty()) << c.name;
    EXPECT_TRUE(c.parse_ok(c.body)) << c.name;
  }
}

TEST(Robustness, EveryPrefixIsHandled) {
  for (const Case& c : Cases()) {
    size_t step = std::max<size_t>(1, c.body.size() / 400);
    size_t accepted = 0;
    for (size_t n = 0; n < c.body.size(); n += step) {
      if (c.parse_ok(std::string_view(c.body).substr(0, n))) ++accepted;
    }
    // CSV prefixes that end on a line boundary are legitimately complete; JSON and HTML
    // prefixes never are.
    if (std::string_view(c.name) != "fredgraph" && std::string_view(c.name) != "csv") {
      EXPECT_EQ(accepted, 0u) << c.name;
    }
  }
}

TEST(Robustness, RandomCorruptionNeverCrashes) {
  std::mt19937 rng(20251028);
  for (const Case& c : Cases()) {
    for (int i = 0; i < 200; ++i) {
      std::string body = c.body;
      int flips = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < flips && !body.empty(); ++k) {
        body[rng() % body.size()] = static_cast<char>(rng() % 256);
      }
      c.parse_ok(body);  // any result is fine; it must return
    }
    std::string noise(4096, '\0');
    for (char& ch : noise) ch = static_cast<char>(rng() % 256);
    EXPECT_FALSE(c.parse_ok(noise)) << c.name;
  }
}

}  // namespace
}  // namespace liqwatch::sources
