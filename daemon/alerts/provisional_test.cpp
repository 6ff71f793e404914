// Rules and provisional values: Farside's newest row is provisional until every fund has
// reported (its Total is then a partial sum). No rule judges it unless its series says
// alert_on_provisional; the final value is judged when the row completes.
#include <algorithm>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/ingest.h"
#include "alerts/test_fixture.h"
#include "config/rules_config.h"
#include "store/testing.h"

namespace liqwatch::alerts {
namespace {

Date D(const char* s) { return *ParseDate(s); }

constexpr const char* kYaml = R"(sources:
  farside: {type: html_table, preset: farside_btc}
series:
  - {id: btc_flow, source: farside, remote_id: Total, unit: usd_mn}
  - {id: btc_flow_early, source: farside, remote_id: Total, unit: usd_mn,
     alert_on_provisional: true}
rules:
  - {name: outflow_threshold, series: btc_flow, op: "<", threshold: -500mn}
  - {name: outflow_expr, expr: btc_flow < -500mn}
  - {name: early_expr, expr: btc_flow_early < -500mn}
)";

struct Point {
  const char* date;
  double usd_mn;
  bool provisional;
};

class ProvisionalTest : public ConfiguredStoreTest {
 protected:
  void SetUp() override {
    ConfiguredStoreTest::SetUp();
    Load(kYaml);
  }
  // One poll of `series` (values in US$m, stored canonical as the poller does).
  void Poll(const char* series, std::vector<Point> points) {
    std::vector<Observation> batch;
    for (const auto& p : points)
      batch.push_back({series, D(p.date), p.usd_mn / 1000, p.provisional});
    const TimePoint now = TimePoint(batch.back().date) + std::chrono::hours(30);
    TargetsFn targets = [](const config::RuleConfig&, const store::Transition&) {
      return std::vector<std::string>{};
    };
    FinishFn finish = [&](store::Store& s, bool fresh) -> Status {
      return s.RecordPollSuccess(series, "farside", now, fresh);
    };
    auto r = IngestPoll(*store_, config_, *config_.FindSeries(series), batch, now, targets, finish);
    ASSERT_TRUE(r.ok()) << r.status().message();
  }
  // Every event as "rule kind obs_date", grouped by rule, oldest first within a rule.
  std::vector<std::string> Events() {
    auto out = store::TestAccess::EventLog(*store_);
    auto rule = [](const std::string& e) { return e.substr(0, e.find(' ')); };
    std::stable_sort(out.begin(), out.end(),
                     [&](const std::string& a, const std::string& b) { return rule(a) < rule(b); });
    return out;
  }
};

TEST_F(ProvisionalTest, PartialDayDoesNotFireTheFinalValueDoes) {
  // 09 Jul: only IBIT has reported, Total is IBIT's -700 (provisional).
  Poll("btc_flow", {{"2026-07-08", -84.9, false}, {"2026-07-09", -700, true}});
  EXPECT_THAT(Events(), ::testing::IsEmpty());
  // Every fund reported: the day closes at -650, final. Both engines judge it now.
  Poll("btc_flow", {{"2026-07-08", -84.9, false}, {"2026-07-09", -650, false}});
  EXPECT_THAT(Events(), ::testing::ElementsAre("outflow_expr firing 2026-07-09",
                                               "outflow_threshold firing 2026-07-09"));
}

TEST_F(ProvisionalTest, PartialDayThatEndsSmallNeverFires) {
  Poll("btc_flow", {{"2026-07-08", -84.9, false}, {"2026-07-09", -700, true}});
  Poll("btc_flow", {{"2026-07-08", -84.9, false}, {"2026-07-09", -120, false}});
  EXPECT_THAT(Events(), ::testing::IsEmpty());
}

TEST_F(ProvisionalTest, SeriesThatAsksForProvisionalValuesFiresEarly) {
  Poll("btc_flow_early", {{"2026-07-08", -84.9, false}, {"2026-07-09", -700, true}});
  EXPECT_THAT(Events(), ::testing::ElementsAre("early_expr firing 2026-07-09"));
}

}  // namespace
}  // namespace liqwatch::alerts
