// The drivers' built-in release calendars against docs/sources.md's "Release calendar" table:
// every feed the table names has the due time, lag, cadence and grace it shows.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "sources/driver.h"

namespace liqwatch::sources {
namespace {

// "10:00, D+1bd, every calendar day" or "10:00 ET, every day, D+1bd": the parts, as a set.
std::set<std::string> DueParts(std::string text) {
  text = std::regex_replace(text, std::regex(" ET"), "");
  text = std::regex_replace(text, std::regex("every calendar day"), "every day");
  std::set<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    part.erase(0, part.find_first_not_of(' '));
    parts.insert(part);
  }
  return parts;
}

TEST(ReleaseCalendar, EveryFeedOfTheDocsTableHasItsSchedule) {
  std::ifstream docs(std::string(LIQWATCH_SOURCE_DIR) + "/docs/sources.md");
  ASSERT_TRUE(docs) << "docs/sources.md";
  // | fred `WALCL`, `WRESBAL` | 16:30, weekly Wed, D+1bd | 3h | ... |
  static const std::regex kRow(R"(^\| (\w+) ((?:`\w+`,? ?)+)[^|]*\| ([^|]+?) \| (\w+) \|)");
  static const std::regex kId("`(\\w+)`");
  int rows = 0, feeds = 0;
  bool in_table = false;
  for (std::string line; std::getline(docs, line);) {
    if (line.rfind("| feed (`type` / `remote_id`)", 0) == 0) in_table = true;
    if (!in_table) continue;
    if (line.rfind("|", 0) != 0) break;  // the table's end
    std::smatch row;
    if (!std::regex_search(line, row, kRow)) continue;
    ++rows;
    const SourceDriver* driver = FindDriver(row[1].str());
    ASSERT_NE(driver, nullptr) << line;
    const std::string ids = row[2].str();
    for (std::sregex_iterator id(ids.begin(), ids.end(), kId), end; id != end; ++id) {
      ++feeds;
      auto schedule = driver->release_calendar((*id)[1].str());
      ASSERT_TRUE(schedule) << row[1] << " " << (*id)[1] << " has no calendar";
      const std::string text = schedule->ToString();  // "... , grace 45m"
      const auto grace_at = text.rfind(", grace ");
      EXPECT_EQ(DueParts(text.substr(0, grace_at)), DueParts(row[3].str())) << line;
      EXPECT_EQ(text.substr(grace_at + 8), row[4].str()) << line;
    }
  }
  EXPECT_EQ(rows, 13);
  EXPECT_EQ(feeds, 31);  // every built-in calendar (fred, nyfed, treasury_dts)
}

TEST(ReleaseCalendar, CustomFeedsHaveNone) {
  for (const char* type : {"csv", "json", "html_table", "fear_greed"})
    EXPECT_EQ(FindDriver(type)->release_calendar("anything"), std::nullopt) << type;
  EXPECT_EQ(FindDriver("fred")->release_calendar("sofr"), std::nullopt);  // ids are exact
  EXPECT_EQ(FindDriver("nyfed")->release_calendar("sofr")->ToString(),
            "08:00 ET, D+1bd, grace 45m");
}

}  // namespace
}  // namespace liqwatch::sources
