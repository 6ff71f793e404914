#include "alerts/live.h"

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/memory.h"
#include "config/rules_config.h"

namespace liqwatch::alerts {
namespace {

Date D(const char* s) { return *ParseDate(s); }

// A rule fanned out over two series: each instance keeps its own state, alert, memory and
// routing, in a real SQLite file, across a reopen of the store.
TEST(LiveRules, ForEachInstancesAlertIndependently) {
  auto path = std::filesystem::temp_directory_path() / "liqwatch_live_test.db";
  std::filesystem::remove(path);
  auto loaded = config::LoadConfigFromString(R"(sources:
  fred: {type: fred}
series:
  - {id: hy_oas, source: fred, remote_id: BAMLH0A0HYM2, unit: percent}
  - {id: ig_oas, source: fred, remote_id: BAMLC0A0CM, unit: percent}
rules:
  - name: oas_widening
    for_each: [{series: hy_oas, by: 50bp}, {series: ig_oas, by: 20bp}]
    expr: change($series, 1) > $by
)",
                                             "t.yaml");
  ASSERT_TRUE(loaded.config) << loaded.errors[0].ToString();
  const config::Config& c = *loaded.config;
  std::vector<std::string> routed;  // "labels severity" of each notified transition
  TargetsFn targets = [&routed](const config::RuleConfig&, const store::Transition& t) {
    routed.push_back(t.labels + " " + std::string(SeverityName(t.severity)));
    return std::vector<std::string>{"desk"};
  };
  auto ingest = [&](store::Store& s, const char* series, const char* date, double v) {
    std::vector<Observation> batch{{series, D(date), v, false}};
    auto now = TimePoint(D(date)) + std::chrono::hours(20);
    auto stats = s.IngestObservations(series, Unit::kPercent, batch, now);
    EXPECT_TRUE(stats.ok());
    auto n = EvaluateExprRules(s, c, series, stats->changed, now, targets);
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  };
  {
    auto s = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(ingest(**s, "hy_oas", "2025-11-17", 3.00), 0);  // window not full: no_data
    EXPECT_EQ(ingest(**s, "ig_oas", "2025-11-17", 0.80), 0);
    EXPECT_EQ(ingest(**s, "hy_oas", "2025-11-18", 3.60), 1);  // +60bp > 50bp: fires
    EXPECT_EQ(ingest(**s, "ig_oas", "2025-11-18", 0.90), 0);  // +10bp < 20bp: quiet
  }
  auto s = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ingest(**s, "ig_oas", "2025-11-19", 1.15), 1);  // +25bp: the IG instance fires
  EXPECT_EQ(ingest(**s, "hy_oas", "2025-11-19", 3.70), 1);  // +10bp: the HY instance resolves
  EXPECT_THAT(routed, ::testing::ElementsAre("series=hy_oas,by=50bp warning",
                                             "series=ig_oas,by=20bp warning",
                                             "series=hy_oas,by=50bp warning"));

  auto alerts = (*s)->QueryAlerts(store::AlertQuery{});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  std::map<std::string, std::pair<std::string, std::string>> by_labels;  // -> (series, state)
  for (const auto& a : *alerts) by_labels[a.labels] = {a.series, a.state};
  EXPECT_EQ(by_labels["series=hy_oas,by=50bp"],
            std::make_pair(std::string("hy_oas"), std::string("resolved")));
  EXPECT_EQ(by_labels["series=ig_oas,by=20bp"],
            std::make_pair(std::string("ig_oas"), std::string("firing")));
  auto hy = LoadMemory(**s, "oas_widening", "series=hy_oas,by=50bp");
  auto ig = LoadMemory(**s, "oas_widening", "series=ig_oas,by=20bp");
  ASSERT_TRUE(hy.ok() && *hy && ig.ok() && *ig);
  EXPECT_EQ((*hy)->state, AlertState::kResolved);
  EXPECT_EQ((*ig)->state, AlertState::kFiring);
  EXPECT_EQ((*ig)->last_obs, D("2025-11-19"));
  // Nothing is kept under the rule name alone.
  auto bare = LoadMemory(**s, "oas_widening", "");
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(*bare);
  // The same observation again: no instance moves, nothing is sent twice.
  EXPECT_EQ(ingest(**s, "ig_oas", "2025-11-19", 1.15), 0);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace liqwatch::alerts
