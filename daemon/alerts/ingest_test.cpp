#include "alerts/ingest.h"

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/memory.h"
#include "alerts/test_fixture.h"
#include "config/rules_config.h"
#include "store/migrations.h"
#include "store/testing.h"

namespace liqwatch::alerts {
namespace {

Date D(const char* s) { return *ParseDate(s); }

// Both forms of rule on one series (one engine runs both): a threshold rule and an expression
// rule, in a real SQLite file.
constexpr const char* kYaml = R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
rules:
  - {name: sofr_threshold, series: sofr, op: ">", threshold: 4.30}
  - {name: sofr_expr, expr: sofr > 4.30}
)";

class IngestPollTest : public ConfiguredStoreTest {
 protected:
  void SetUp() override {
    ConfiguredStoreTest::SetUp();
    Load(kYaml);
  }
  // One poll bringing `points`; finish() records a health row unless `fail_finish`.
  Result<int> Poll(std::vector<std::pair<const char*, double>> points, bool fail_finish = false) {
    std::vector<Observation> batch;
    for (const auto& [d, v] : points) batch.push_back({"sofr", D(d), v, false});
    const TimePoint now = TimePoint(batch.back().date) + std::chrono::hours(30);
    TargetsFn targets = [](const config::RuleConfig&, const store::Transition&) {
      return std::vector<std::string>{"desk"};
    };
    FinishFn finish = [&](store::Store& s, bool fresh) -> Status {
      if (fail_finish) return Status::IoError("disk full (injected)");
      return s.RecordPollSuccess("sofr", "fred", now, fresh);
    };
    return IngestPoll(*store_, config_, *config_.FindSeries("sofr"), batch, now, targets, finish);
  }
  // Stored rows, through the store's own views.
  size_t Observations(std::optional<Date> since = std::nullopt) {
    return store_->History("sofr", since)->size();
  }
  size_t Alerts(std::optional<std::string> state = std::nullopt) {
    store::AlertQuery q;
    q.state = state;
    return store_->QueryAlerts(q)->size();
  }
  int64_t Deliveries() {
    int64_t n = 0;
    auto counts = store_->DeliveryCounts();  // named: the loop must not outlive the Result
    for (const auto& [status, count] : *counts) n += count;
    return n;
  }
  std::vector<std::string> Events() { return store::TestAccess::EventLog(*store_); }
  void ExpectConsistent() {
    auto v = store_->CheckConsistency();
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->empty()) << (*v)[0].check << " " << (*v)[0].detail;
  }
};

// A step failing mid-evaluation (the event insert, as a full disk would) rolls back the
// observations too: nothing claims the poll happened, so the next poll stores the same dates
// and they are evaluated then, once.
TEST_F(IngestPollTest, FailureMidEvaluationRollsBackTheObservationsToo) {
  ASSERT_TRUE(Poll({{"2025-10-27", 4.27}}).ok());
  ASSERT_TRUE(store::TestAccess::FailInserts(*store_, "alert_events").ok());
  auto r = Poll({{"2025-10-27", 4.27}, {"2025-10-28", 4.31}});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("injected fault"));
  EXPECT_EQ(Observations(D("2025-10-28")), 0u);
  EXPECT_EQ(Alerts(), 0u);
  EXPECT_EQ(Deliveries(), 0);
  auto health = store_->SourceHealth();
  ASSERT_TRUE(health.ok() && health->size() == 1);
  EXPECT_EQ(health->front().polls, 1);  // the failed poll recorded nothing
  auto m = LoadMemory(*store_, "sofr_expr", "");
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->last_obs, D("2025-10-27"));  // not ahead of the (absent) transition
  EXPECT_EQ((*m)->state, AlertState::kInactive);
  ExpectConsistent();

  ASSERT_TRUE(store::TestAccess::StopFailingInserts(*store_, "alert_events").ok());
  auto again = Poll({{"2025-10-27", 4.27}, {"2025-10-28", 4.31}});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, 2);  // both rules fire, one delivery each
  EXPECT_THAT(Events(), ::testing::ElementsAre("sofr_threshold firing 2025-10-28",
                                               "sofr_expr firing 2025-10-28"));
  ExpectConsistent();
}

// The last step of the unit (the health row and validators) failing rolls back the
// evaluation: the resolution is recorded once, by the retry, never half.
TEST_F(IngestPollTest, FailingFinishRollsBackTransitionsAndMemory) {
  ASSERT_TRUE(Poll({{"2025-10-28", 4.31}}).ok());
  auto r = Poll({{"2025-10-28", 4.31}, {"2025-10-29", 4.27}}, /*fail_finish=*/true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "disk full (injected)");
  EXPECT_EQ(Alerts("firing"), 2u);
  EXPECT_EQ(Observations(), 1u);
  EXPECT_FALSE(store::TestAccess::InTransaction(*store_));
  auto m = LoadMemory(*store_, "sofr_expr", "");
  EXPECT_EQ((*m)->state, AlertState::kFiring);
  ExpectConsistent();

  auto again = Poll({{"2025-10-28", 4.31}, {"2025-10-29", 4.27}});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, 2);
  EXPECT_THAT(Events(), ::testing::ElementsAre(
                            "sofr_threshold firing 2025-10-28", "sofr_expr firing 2025-10-28",
                            "sofr_threshold resolved 2025-10-29", "sofr_expr resolved 2025-10-29"));
  EXPECT_EQ(Alerts("firing"), 0u);
  ExpectConsistent();
}

// A threshold rule firing before it ran on the one engine (schema v6: its rule_state row, no
// rule_memory) keeps its open alert across the upgrade: migration 0007 gives it the memory its
// state implies, so it resolves once, on the first date back within, and is never opened again.
TEST_F(IngestPollTest, ThresholdAlertOpenBeforeTheUpgradeResolvesOnce) {
  store_.reset();
  std::filesystem::remove(path_);
  {
    auto db = store::Database::Open(path_, store::Database::Mode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_EQ(*store::Migrate(**db, store::EmbeddedMigrations().subspan(0, 6)), 6);
    ASSERT_TRUE(store::TestAccess::SeedSchema6FiringThresholdAlert(**db).ok());
  }
  auto s = store::Store::Open(path_, store::Store::Mode::kReadWrite);
  ASSERT_TRUE(s.ok()) << s.status().message();
  store_ = std::move(*s);
  ExpectConsistent();
  auto m = LoadMemory(*store_, "sofr_threshold", "");
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->state, AlertState::kFiring);
  EXPECT_EQ((*m)->severity, Severity::kWarning);
  EXPECT_EQ((*m)->since_date, D("2025-10-28"));
  EXPECT_EQ((*m)->last_obs, D("2025-10-28"));

  auto r = Poll({{"2025-10-28", 4.31}, {"2025-10-29", 4.27}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, 1);  // the resolution; sofr_expr starts quiet on the newest date
  EXPECT_THAT(Events(), ::testing::ElementsAre("sofr_threshold firing 2025-10-28",
                                               "sofr_threshold resolved 2025-10-29"));
  EXPECT_EQ(Alerts("firing"), 0u);
  ExpectConsistent();
}

}  // namespace
}  // namespace liqwatch::alerts
