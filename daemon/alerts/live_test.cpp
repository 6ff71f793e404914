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
  EXPECT_THAT(routed, ::testing::ElementsAre("by=50bp,series=hy_oas warning",
                                             "by=20bp,series=ig_oas warning",
                                             "by=50bp,series=hy_oas warning"));

  auto alerts = (*s)->QueryAlerts(store::AlertQuery{});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  std::map<std::string, std::pair<std::string, std::string>> by_labels;  // -> (series, state)
  for (const auto& a : *alerts) by_labels[a.labels] = {a.series, a.state};
  EXPECT_EQ(by_labels["by=50bp,series=hy_oas"],
            std::make_pair(std::string("hy_oas"), std::string("resolved")));
  EXPECT_EQ(by_labels["by=20bp,series=ig_oas"],
            std::make_pair(std::string("ig_oas"), std::string("firing")));
  auto hy = LoadMemory(**s, "oas_widening", "by=50bp,series=hy_oas");
  auto ig = LoadMemory(**s, "oas_widening", "by=20bp,series=ig_oas");
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

// Feeds publish in any order. SOFR for 2025-10-28 lands while IORB is a week stale: the rule on
// sofr - iorb goes no_data; IORB arriving judges 10-28 again, so the alert opens on that date
// rather than waiting for the next SOFR print. An input arriving while the rule is not in
// no_data changes nothing (a date is counted once for `for:`).
TEST(LiveRules, LateInputJudgesTheNoDataDateAgain) {
  auto path = std::filesystem::temp_directory_path() / "liqwatch_live_late_input.db";
  std::filesystem::remove(path);
  auto loaded = config::LoadConfigFromString(R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent}
derived:
  - {id: sofr_iorb, expr: sofr - iorb}
rules:
  - {name: above, expr: sofr_iorb >= 15bp}
  - {name: above_twice, expr: sofr_iorb >= 15bp, for: 2}
)",
                                             "t.yaml");
  ASSERT_TRUE(loaded.config) << loaded.errors[0].ToString();
  const config::Config& c = *loaded.config;
  std::vector<std::string> sent;
  TargetsFn targets = [&sent](const config::RuleConfig&, const store::Transition& t) {
    sent.push_back(t.rule + " " + FormatDate(t.obs_date));
    return std::vector<std::string>{"desk"};
  };
  auto s = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto ingest = [&](const char* series, const char* date, double v) {
    std::vector<Observation> batch{{series, D(date), v, false}};
    auto now = TimePoint(D(date)) + std::chrono::hours(30);
    auto stats = (*s)->IngestObservations(series, Unit::kPercent, batch, now);
    EXPECT_TRUE(stats.ok());
    EXPECT_TRUE(EvaluateExprRules(**s, c, series, stats->changed, now, targets).ok());
  };
  auto state = [&](const char* rule) {
    auto m = LoadMemory(**s, rule, "");
    return m.ok() && *m ? std::string(AlertStateName((*m)->state)) : std::string("none");
  };
  ingest("iorb", "2025-10-17", 4.15);
  ingest("sofr", "2025-10-28", 4.31);  // iorb 11 days old: no_data
  EXPECT_EQ(state("above"), "no_data");
  EXPECT_TRUE(sent.empty());
  ingest("iorb", "2025-10-28", 4.15);  // the missing input: 10-28 is judged again
  EXPECT_EQ(state("above"), "firing");
  EXPECT_EQ(state("above_twice"), "pending");
  EXPECT_THAT(sent, ::testing::ElementsAre("above 2025-10-28"));
  auto twice = LoadMemory(**s, "above_twice", "");
  ASSERT_TRUE(twice.ok() && *twice);
  EXPECT_EQ((*twice)->breach_count, 1);
  ingest("iorb", "2025-10-29", 4.15);  // not in no_data: no second count of 10-28
  twice = LoadMemory(**s, "above_twice", "");
  EXPECT_EQ((*twice)->breach_count, 1);
  EXPECT_EQ(state("above_twice"), "pending");
  ingest("sofr", "2025-10-29", 4.31);  // the next clock date completes for: 2
  EXPECT_EQ(state("above_twice"), "firing");
  EXPECT_THAT(sent, ::testing::ElementsAre("above 2025-10-28", "above_twice 2025-10-29"));
  s->reset();
  std::filesystem::remove(path);
}

// FOMC day: SOFR for 2025-10-30 lands before the new target range. Judged against the old
// top (4.25%) the alert resolves; the new top (4.00%) arriving for that date judges it again
// the same day and it fires again on 10-30. An input dated before the clock's previous date
// (a revision in the re-read window) does not re-judge.
TEST(LiveRules, InputForTheJudgedDateJudgesItAgain) {
  auto path = std::filesystem::temp_directory_path() / "liqwatch_live_fomc.db";
  std::filesystem::remove(path);
  auto loaded = config::LoadConfigFromString(R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: dfedtaru, source: fred, remote_id: DFEDTARU, unit: percent}
rules:
  - {name: above_top, expr: sofr > dfedtaru}
)",
                                             "t.yaml");
  ASSERT_TRUE(loaded.config) << loaded.errors[0].ToString();
  const config::Config& c = *loaded.config;
  std::vector<std::string> sent;
  TargetsFn targets = [&sent](const config::RuleConfig&, const store::Transition& t) {
    sent.push_back(t.kind + " " + FormatDate(t.obs_date));
    return std::vector<std::string>{"desk"};
  };
  auto s = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto ingest = [&](const char* series, const char* date, double v) {
    std::vector<Observation> batch{{series, D(date), v, false}};
    auto now = TimePoint(D(date)) + std::chrono::hours(30);
    auto stats = (*s)->IngestObservations(series, Unit::kPercent, batch, now);
    EXPECT_TRUE(stats.ok());
    EXPECT_TRUE(EvaluateExprRules(**s, c, series, stats->changed, now, targets).ok());
  };
  ingest("dfedtaru", "2025-10-29", 4.25);
  ingest("sofr", "2025-10-29", 4.27);  // above the top: fires
  ingest("sofr", "2025-10-30", 4.04);  // the top is still 4.25 as far as we know: resolves
  ingest("dfedtaru", "2025-10-30", 4.00);
  EXPECT_THAT(sent, ::testing::ElementsAre("firing 2025-10-29", "resolved 2025-10-30",
                                           "firing 2025-10-30"));
  ingest("dfedtaru", "2025-10-20", 4.25);  // older than the clock's previous date: no re-judge
  EXPECT_EQ(sent.size(), 3u);
  s->reset();
  std::filesystem::remove(path);
}

// A reload without a rule (or one of its for_each items) closes what they left open: the
// firing alert resolves to the notifiers that got its opening; a pending instance goes back
// to inactive silently; both forget their memory; the instances still configured are untouched.
TEST(LiveRules, RemovedInstancesAreRetired) {
  auto path = std::filesystem::temp_directory_path() / "liqwatch_live_retire.db";
  std::filesystem::remove(path);
  const std::string head = R"(sources:
  fred: {type: fred}
series:
  - {id: hy_oas, source: fred, remote_id: BAMLH0A0HYM2, unit: percent}
  - {id: ig_oas, source: fred, remote_id: BAMLC0A0CM, unit: percent}
rules:
)";
  auto before = config::LoadConfigFromString(head + R"(  - {name: hy_high, expr: hy_oas > 3}
  - name: high
    for_each: [hy_oas, ig_oas]
    expr: $series > 0.5
    for: 3
)",
                                             "t.yaml");
  auto after = config::LoadConfigFromString(head + R"(  - name: high
    for_each: [hy_oas]
    expr: $series > 0.5
    for: 3
)",
                                            "t.yaml");
  ASSERT_TRUE(before.config && after.config);
  auto s = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
  ASSERT_TRUE(s.ok()) << s.status().message();
  TargetsFn targets = [](const config::RuleConfig&, const store::Transition&) {
    return std::vector<std::string>{"desk"};
  };
  const TimePoint now = TimePoint(D("2025-11-19")) + std::chrono::hours(12);
  for (const char* series : {"hy_oas", "ig_oas"}) {
    std::vector<Observation> batch{{series, D("2025-11-18"), 3.5, false}};
    auto stats = (*s)->IngestObservations(series, Unit::kPercent, batch, now);
    ASSERT_TRUE(stats.ok());
    ASSERT_TRUE(EvaluateExprRules(**s, *before.config, series, stats->changed, now, targets).ok());
  }
  auto state = [&](const char* rule, const char* labels) {
    auto st = (*s)->GetRuleState(rule, labels);
    return st.ok() && *st ? std::string(AlertStateName((*st)->state)) : std::string("none");
  };
  ASSERT_EQ(state("hy_high", ""), "firing");
  ASSERT_EQ(state("high", "series=ig_oas"), "pending");
  ASSERT_EQ(state("high", "series=hy_oas"), "pending");

  auto retired = RetireRemovedInstances(**s, *after.config, now);
  ASSERT_TRUE(retired.ok()) << retired.status().message();
  EXPECT_EQ(*retired, 1);  // the resolution of hy_high, to desk
  EXPECT_EQ(state("hy_high", ""), "resolved");
  EXPECT_EQ(state("high", "series=ig_oas"), "inactive");
  EXPECT_EQ(state("high", "series=hy_oas"), "pending");
  auto alerts = (*s)->QueryAlerts(store::AlertQuery{});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].state, "resolved");
  auto events = (*s)->AlertEvents((*alerts)[0].id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events->back().kind, "resolved");
  EXPECT_THAT(events->back().message, ::testing::HasSubstr("no longer in the config"));
  auto sent = (*s)->AlertDeliveries((*alerts)[0].id);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->size(), 2u);  // the opening and the resolution, both to desk
  for (const auto* gone : {"hy_high", "high"}) {
    auto m = LoadMemory(**s, gone, gone == std::string("high") ? "series=ig_oas" : "");
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(*m) << gone;
  }
  auto kept = LoadMemory(**s, "high", "series=hy_oas");
  ASSERT_TRUE(kept.ok() && *kept);
  EXPECT_EQ((*kept)->breach_count, 1);
  // Idempotent: a second reload finds nothing left to close.
  auto again = RetireRemovedInstances(**s, *after.config, now);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ((*s)->AlertDeliveries((*alerts)[0].id)->size(), 2u);
  s->reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace liqwatch::alerts
