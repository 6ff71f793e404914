#include <unistd.h>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.h"
#include "notify/routing.h"
#include "notify/silences.h"
#include "store/store.h"
#include "store/testing.h"

namespace liqwatch::notify {
namespace {

TEST(Routing, GlobMatch) {
  EXPECT_TRUE(GlobMatch("sofr_*", "sofr_above_4_30"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*_4_*0", "sofr_above_4_30"));
  EXPECT_FALSE(GlobMatch("sofr_*", "tga_high"));
  EXPECT_FALSE(GlobMatch("sofr", "sofr_x"));
}

TEST(Routing, LabelsMatch) {
  EXPECT_TRUE(LabelsMatch("", ""));
  EXPECT_TRUE(LabelsMatch("desk=rates", "desk=rates,tenor=on"));
  EXPECT_FALSE(LabelsMatch("desk=rates", ""));
  EXPECT_FALSE(LabelsMatch("desk=rates,tenor=1w", "desk=rates,tenor=on"));
}

config::Config RoutedConfig() {
  config::Config c;
  for (const char* n : {"pager", "slack", "mail"}) {
    config::NotifierConfig nc;
    nc.name = n;
    c.notifiers.push_back(nc);
  }
  config::RouteConfig crit;
  crit.severities = {"critical"};
  crit.notify = {"pager"};
  crit.continue_matching = true;
  config::RouteConfig sofr;
  sofr.rules = {"sofr_*"};
  sofr.notify = {"slack"};
  config::RouteConfig late;  // never reached for sofr_* (the route above stops the search)
  late.notify = {"mail"};
  c.routes = {crit, sofr, late};
  return c;
}

config::RuleConfig Rule(const std::string& name, Severity sev,
                        std::vector<std::string> notify = {}) {
  config::RuleConfig r;
  r.name = name;
  r.severity = sev;
  r.notify = std::move(notify);
  return r;
}

TEST(Routing, RulesListPlusMatchingRoutesInOrder) {
  auto c = RoutedConfig();
  EXPECT_EQ(Targets(c, Rule("sofr_high", Severity::kCritical)),
            (std::vector<std::string>{"pager", "slack"}));
  EXPECT_EQ(Targets(c, Rule("sofr_high", Severity::kWarning, {"mail"})),
            (std::vector<std::string>{"mail", "slack"}));
  EXPECT_EQ(Targets(c, Rule("tga_high", Severity::kWarning)), (std::vector<std::string>{"mail"}));
}

TEST(Routing, NoRoutesMeansRuleListOrEveryNotifier) {
  auto c = RoutedConfig();
  c.routes.clear();
  EXPECT_EQ(Targets(c, Rule("x", Severity::kInfo)),
            (std::vector<std::string>{"pager", "slack", "mail"}));
  EXPECT_EQ(Targets(c, Rule("x", Severity::kInfo, {"slack"})), (std::vector<std::string>{"slack"}));
}

class SilenceStore : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/silences_" + std::to_string(::getpid()) + ".db";
    std::remove(path_.c_str());
    auto s = store::Store::Open(path_, store::Store::Mode::kReadWrite);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::remove(path_.c_str());
  }
  // Records a firing transition for `rule` with one delivery to "desk"; returns the job.
  store::DeliveryJob Fire(const std::string& rule, TimePoint t,
                          const std::string& kind = "firing") {
    store::Transition tr;
    tr.rule = rule;
    tr.series = "sofr";
    tr.kind = kind;
    tr.from = kind == "firing" ? AlertState::kInactive : AlertState::kFiring;
    tr.to = kind == "resolved" ? AlertState::kResolved : AlertState::kFiring;
    tr.value = 4.31;
    tr.threshold = 4.30;
    tr.eval_time = t;
    tr.message = "m";
    auto rec = store_->RecordTransition(tr, {"desk"});
    EXPECT_TRUE(rec.ok());
    auto due = store_->DueDeliveries(t + std::chrono::hours(1), 100);
    EXPECT_TRUE(due.ok());
    return due->back();
  }
  std::string Status(int64_t id) { return store::TestAccess::DeliveryStatus(*store_, id); }
  std::string path_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(SilenceStore, AddListExpire) {
  TimePoint now = Clock::now();
  Silence s{
      0,     "sofr_high", "desk=rates",   FormatTime(now), FormatTime(now + std::chrono::hours(2)),
      "why", "ops",       FormatTime(now)};
  auto id = AddSilence(*store_, s);
  ASSERT_TRUE(id.ok());
  auto list = ListSilences(*store_, now, false);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].active);
  EXPECT_TRUE(ExpireSilence(*store_, *id, now + std::chrono::minutes(1)).ok());
  EXPECT_EQ(ExpireSilence(*store_, *id, now + std::chrono::minutes(2)).code(),
            liqwatch::Status::Code::kFailedPrecondition);
  EXPECT_EQ(ExpireSilence(*store_, 42, now).code(), liqwatch::Status::Code::kNotFound);
  EXPECT_TRUE(ListSilences(*store_, now + std::chrono::minutes(2), false)->empty());
  EXPECT_EQ(ListSilences(*store_, now + std::chrono::minutes(2), true)->size(), 1u);
}

TEST_F(SilenceStore, GateSilencesThenReleasesWhileFiring) {
  TimePoint now = Clock::now();
  auto job = Fire("sofr_high", now);
  Silence s{0,  "sofr_*",       "", FormatTime(now), FormatTime(now + std::chrono::minutes(10)), "",
            "", FormatTime(now)};
  s.rule = "*";
  ASSERT_TRUE(AddSilence(*store_, s).ok());
  std::string why;
  auto g = GateDelivery(*store_, job, true, now, &why);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, Gate::kSilenced);
  EXPECT_EQ(Status(job.delivery_id), "silenced");
  // Still inside the silence: nothing released.
  EXPECT_EQ(*ReleaseSilenced(*store_, now + std::chrono::minutes(5), {"desk"}), 0);
  // After it, the alert still fires: released (unless the notifier opted out).
  EXPECT_EQ(*ReleaseSilenced(*store_, now + std::chrono::minutes(11), {}), 0);
  EXPECT_EQ(*ReleaseSilenced(*store_, now + std::chrono::minutes(11), {"desk"}), 1);
  EXPECT_EQ(Status(job.delivery_id), "pending");
  EXPECT_EQ(*GateDelivery(*store_, job, true, now + std::chrono::minutes(11), &why), Gate::kSend);
}

TEST_F(SilenceStore, ResolvedSkippedWhenNotWanted) {
  TimePoint now = Clock::now();
  (void)Fire("r", now);
  auto resolved = Fire("r", now + std::chrono::seconds(1), "resolved");
  std::string why;
  EXPECT_EQ(*GateDelivery(*store_, resolved, true, now, &why), Gate::kSend);
  EXPECT_EQ(*GateDelivery(*store_, resolved, false, now, &why), Gate::kSkipped);
  EXPECT_EQ(Status(resolved.delivery_id), "skipped");
  EXPECT_NE(why.find("send_resolved"), std::string::npos);
}

}  // namespace
}  // namespace liqwatch::notify
