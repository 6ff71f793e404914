// The `release:` key, its errors, and the built-in calendars of the shipped watchlist.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/release_config.h"
#include "config/rules_config.h"
#include "sources/driver.h"

namespace liqwatch::config {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

std::vector<std::string> Errors(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.ToString());
  return out;
}

LoadResult Load(const std::string& release, const std::string& rule = "late(x)") {
  return LoadConfigFromString(R"(
sources:
  web: {type: csv, base_url: "http://127.0.0.1:1", path: /x.csv, date_column: date}
  nyfed: {type: nyfed}
series:
  - {id: x, source: web, remote_id: v, unit: percent)" +
                                  release + R"(}
  - {id: sofr, source: nyfed, remote_id: sofr, unit: percent}
rules:
  - {name: x_late, expr: )" + rule +
                                  R"(}
)",
                              "t.yaml");
}

TEST(ReleaseConfig, ReadsAScheduleAndFillsDefaults) {
  auto r = Load(R"(, release: {time: "16:30", tz: America/New_York, lag: 1bd, weekday: wed,
                    grace: 2h, source: "Fed H.4.1"})");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const auto& x = *r.config->series[0].release;
  EXPECT_EQ(x.cadence, ReleaseSchedule::Cadence::kWeekly);
  EXPECT_EQ(x.weekday, std::chrono::Wednesday);
  EXPECT_EQ(x.lag_business_days, 1);
  EXPECT_EQ(x.time_of_day, hours(16) + minutes(30));
  EXPECT_EQ(x.grace, hours(2));
  EXPECT_EQ(x.source, "Fed H.4.1");
  // The NY Fed SOFR series got its built-in calendar without a `release:` key.
  const auto& sofr = r.config->series[1].release;
  ASSERT_TRUE(sofr);
  EXPECT_EQ(sofr->ToString(), "08:00 ET, D+1bd, grace 45m");
  EXPECT_THAT(sofr->source, ::testing::HasSubstr("NY Fed"));
  EXPECT_TRUE(r.config->rules[0].expr->instances[0].uses_age);  // late() runs on the timer
}

TEST(ReleaseConfig, ErrorsNameTheKey) {
  EXPECT_THAT(Errors(Load(R"(, release: {time: "8am"})", "late(sofr)")),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "series[0].release.time: expected HH:MM (America/New_York), got '8am'")));
  EXPECT_THAT(Errors(Load(R"(, release: {time: "08:00", tz: Europe/London})", "late(sofr)")),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "series[0].release.tz: only America/New_York is supported, got "
                  "'Europe/London'")));
  EXPECT_THAT(Errors(Load(R"(, release: {time: "08:00", lag: 1w})", "late(sofr)")),
              ::testing::ElementsAre(::testing::HasSubstr("series[0].release.lag: expected")));
  EXPECT_THAT(Errors(Load(R"(, release: {time: "08:00", weekday: someday})", "late(sofr)")),
              ::testing::ElementsAre(::testing::HasSubstr(
                  "series[0].release.weekday: expected mon..sun, got 'someday'")));
  EXPECT_THAT(Errors(Load(R"(, release: {time: "08:00", cadence: weekly})", "late(sofr)")),
              ::testing::ElementsAre(
                  ::testing::HasSubstr("series[0].release.cadence: weekly needs a weekday")));
  EXPECT_THAT(Errors(Load(R"(, release: {time: "08:00", when: now})", "late(sofr)")),
              ::testing::ElementsAre(::testing::HasSubstr("when")));
  // A custom source has no built-in calendar, so late(x) cannot compile.
  EXPECT_THAT(Errors(Load("")), ::testing::ElementsAre(::testing::HasSubstr(
                                    "late(x) needs a release calendar: series 'x' has none")));
  EXPECT_THAT(Errors(Load(", release: none")),
              ::testing::ElementsAre(::testing::HasSubstr("late(x) needs a release calendar")));
}

TEST(ReleaseConfig, EveryShippedSeriesHasACalendar) {
  auto r =
      LoadConfig(std::string(LIQWATCH_SOURCE_DIR) + "/config/liqwatch.yaml", SecretRefs::kSkip);
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  for (const auto& s : r.config->series) {
    ASSERT_TRUE(s.release) << s.id << " has no release calendar";
    EXPECT_FALSE(s.release->source.empty()) << s.id;
    EXPECT_GT(s.release->grace.count(), 0) << s.id;
  }
  // Spot checks against the publishers' schedules (docs/sources.md, "Release calendar").
  EXPECT_EQ(r.config->FindSeries("tga")->release->ToString(), "16:00 ET, D+1bd, grace 1h");
  EXPECT_EQ(r.config->FindSeries("rrp")->release->ToString(), "13:30 ET, same day, grace 30m");
  // A fallback feed polls on its own source's calendar: FRED's copy the next morning.
  ASSERT_FALSE(r.config->fallback_feeds.empty());
  for (const auto& f : r.config->fallback_feeds) ASSERT_TRUE(f.release) << f.id;
  EXPECT_EQ(r.config->FindFeed("rrp@fred")->release->ToString(), "10:00 ET, D+1bd, grace 4h");
  EXPECT_EQ(r.config->FindFeed("rrp@fred")->fallback_of, "rrp");
  EXPECT_EQ(r.config->FindSeries("walcl")->release->ToString(),
            "16:30 ET, weekly Wed, D+1bd, grace 3h");
  EXPECT_EQ(sources::FindDriver("csv")->release_calendar("anything"), std::nullopt);
  EXPECT_EQ(sources::FindDriver("fred")->release_calendar("NOSUCHID"), std::nullopt);
}

}  // namespace
}  // namespace liqwatch::config
