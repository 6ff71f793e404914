#include "store/alert_filter.h"

#include <gtest/gtest.h>

namespace liqwatch::store {
namespace {

const TimePoint kNow = *ParseTime("2025-11-01T12:00:00Z");

Result<AlertQuery> Parse(std::map<std::string, std::string> given, std::string_view prefix = "",
                         int max_limit = 1000) {
  return ParseAlertFilter(given, kNow, prefix, max_limit);
}

TEST(AlertFilter, NothingGivenIsTheDefaultQuery) {
  auto q = Parse({});
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->since || q->until || q->rule || q->state || q->severity || q->series || q->text);
  EXPECT_EQ(q->limit, 100);
}

TEST(AlertFilter, EveryFilterLandsInItsField) {
  auto q = Parse({{"since", "7d"},
                  {"until", "2025-10-31"},
                  {"rule", "r"},
                  {"severity", "critical"},
                  {"state", "resolved"},
                  {"series", "sofr"},
                  {"text", "repo"},
                  {"limit", "5"}});
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(FormatTime(*q->since), "2025-10-25T12:00:00.000Z");
  EXPECT_EQ(FormatTime(*q->until), "2025-10-31T00:00:00.000Z");
  EXPECT_EQ(*q->rule, "r");
  EXPECT_EQ(*q->severity, "critical");
  EXPECT_EQ(*q->state, "resolved");
  EXPECT_EQ(*q->series, "sofr");
  EXPECT_EQ(*q->text, "repo");
  EXPECT_EQ(q->limit, 5);
}

// The API names query parameters, the CLI its flags: the same problem, the caller's spelling.
TEST(AlertFilter, ErrorsNameTheFilterTheWayTheCallerSpellsIt) {
  EXPECT_EQ(Parse({{"state", "open"}}).status().message(),
            "state: unknown 'open', expected firing or resolved");
  EXPECT_EQ(Parse({{"state", "open"}}, "--").status().message(),
            "--state: unknown 'open', expected firing or resolved");
  EXPECT_EQ(Parse({{"severity", "fatal"}}).status().message(),
            "severity: unknown 'fatal', expected info, warning or critical");
  auto since = Parse({{"since", "yesterday"}}, "--");
  EXPECT_EQ(since.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(since.status().message().rfind("--since: ", 0), 0u) << since.status().message();
  EXPECT_NE(Parse({{"until", "99999999999999999999d"}}).status().message().find("too long"),
            std::string::npos);
}

TEST(AlertFilter, LimitIsAWholeNumberWithinTheCallersBound) {
  for (const char* bad : {"0", "-5", "ten", "", "1.5", "1001", "99999999999999999999"}) {
    auto q = Parse({{"limit", bad}});
    EXPECT_EQ(q.status().message(), "limit: expected a number from 1 to 1000") << bad;
  }
  EXPECT_EQ(Parse({{"limit", "1000"}})->limit, 1000);
  // No upper bound but int's (the CLI).
  EXPECT_EQ(Parse({{"limit", "5000"}}, "--", 0)->limit, 5000);
  EXPECT_EQ(Parse({{"limit", "0"}}, "--", 0).status().message(),
            "--limit: expected a positive number");
  EXPECT_FALSE(Parse({{"limit", "3000000000"}}, "--", 0).ok());
}

TEST(AlertFilter, KeysOutsideTheFiltersAreIgnored) {
  auto q = Parse({{"colour", "red"}});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->limit, 100);
}

}  // namespace
}  // namespace liqwatch::store
