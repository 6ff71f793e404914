#include "notify/dispatch_plan.h"

#include <gtest/gtest.h>

namespace liqwatch::notify {
namespace {

using std::chrono::seconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(24 * 20000);

store::DeliveryJob Job(int64_t id, std::string notifier, std::string kind = "firing",
                       std::string rule = "sofr_above_iorb", int attempts = 0,
                       TimePoint created = kT0) {
  store::DeliveryJob j;
  j.created_at = created;
  j.delivery_id = id;
  j.notifier = std::move(notifier);
  j.kind = std::move(kind);
  j.rule = std::move(rule);
  j.attempts = attempts;
  return j;
}

std::vector<int64_t> Ids(const std::vector<store::DeliveryJob>& jobs) {
  std::vector<int64_t> out;
  for (const auto& j : jobs) out.push_back(j.delivery_id);
  return out;
}

TEST(DispatchPlan, PlainNotifierSendsEachDueDeliveryOnceUntilFinished) {
  DispatchPlanner p;
  auto plan = p.Plan({Job(1, "hook"), Job(2, "hook", "resolved")}, kT0, {{"hook", {}}});
  EXPECT_EQ(Ids(plan.send), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(plan.deferred.empty());
  EXPECT_EQ(p.in_flight(), 2u);
  // Still due in the store while being sent: a second pass leaves them alone.
  auto again = p.Plan({Job(1, "hook"), Job(2, "hook", "resolved")}, kT0, {{"hook", {}}});
  EXPECT_EQ(again.started(), 0u);
  p.Finished(1);
  EXPECT_EQ(p.in_flight(), 1u);
  EXPECT_EQ(Ids(p.Plan({Job(1, "hook")}, kT0, {{"hook", {}}}).send), (std::vector<int64_t>{1}));
}

TEST(DispatchPlan, GroupWindowDefersFiringEventsThenSendsThemAsOneGroup) {
  DispatchPlanner p;
  std::map<std::string, ChannelPolicy> policy{{"slack", {seconds(30), {}, 0, {}}}};
  auto first = p.Plan({Job(1, "slack"), Job(2, "slack", "resolved")}, kT0, policy);
  ASSERT_EQ(first.deferred.size(), 1u);
  EXPECT_EQ(first.deferred[0].job.delivery_id, 1);
  EXPECT_EQ(first.deferred[0].until, kT0 + seconds(30));
  EXPECT_FALSE(first.deferred[0].rate_limited);
  EXPECT_EQ(Ids(first.send), (std::vector<int64_t>{2}));  // a resolve is never held back
  // A second firing event inside the window waits for the same end.
  auto mid =
      p.Plan({Job(3, "slack", "firing", "r", 0, kT0 + seconds(10))}, kT0 + seconds(10), policy);
  ASSERT_EQ(mid.deferred.size(), 1u);
  EXPECT_EQ(mid.deferred[0].until, kT0 + seconds(30));
  // At the window's end both go out as one group, and the window closes.
  auto end = p.Plan({Job(1, "slack"), Job(3, "slack")}, kT0 + seconds(30), policy);
  EXPECT_EQ(Ids(end.groups["slack"]), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(end.started(), 2u);
  auto next =
      p.Plan({Job(4, "slack", "firing", "r", 0, kT0 + seconds(40))}, kT0 + seconds(40), policy);
  ASSERT_EQ(next.deferred.size(), 1u);
  EXPECT_EQ(next.deferred[0].until, kT0 + seconds(70));
}

TEST(DispatchPlan, RuleGroupWaitSendsOneRulesInstancesAsOneMessagePerNotifier) {
  DispatchPlanner p;
  ChannelPolicy hook;
  hook.sends_groups = true;
  std::map<std::string, ChannelPolicy> policy{{"hook", hook}, {"am", {}}};
  std::map<std::string, Duration> waits{{"stale_feed", seconds(10)}};
  auto first = p.Plan({Job(1, "hook", "firing", "stale_feed"), Job(2, "hook", "firing", "other"),
                       Job(3, "am", "firing", "stale_feed")},
                      kT0, policy, waits);
  EXPECT_EQ(Ids(first.send), (std::vector<int64_t>{2, 3}));  // other rule; am does not group
  ASSERT_EQ(first.deferred.size(), 1u);
  EXPECT_EQ(first.deferred[0].until, kT0 + seconds(10));
  auto mid = p.Plan({Job(4, "hook", "firing", "stale_feed", 0, kT0 + seconds(3))}, kT0 + seconds(3),
                    policy, waits);
  ASSERT_EQ(mid.deferred.size(), 1u);
  EXPECT_EQ(mid.deferred[0].until, kT0 + seconds(10));  // the window the first one opened
  auto end = p.Plan({Job(1, "hook", "firing", "stale_feed"),
                     Job(4, "hook", "firing", "stale_feed", 0, kT0 + seconds(3))},
                    kT0 + seconds(10), policy, waits);
  EXPECT_EQ(Ids(end.groups["hook\nstale_feed"]), (std::vector<int64_t>{1, 4}));
}

TEST(DispatchPlan, AfterARestartTheSameOutboxRowsMakeTheSameGroupWithoutWaitingAgain) {
  ChannelPolicy hook;
  hook.sends_groups = true;
  std::map<std::string, ChannelPolicy> policy{{"hook", hook}};
  std::map<std::string, Duration> waits{{"stale_feed", seconds(10)}};
  DispatchPlanner before;
  auto held =
      before.Plan({Job(1, "hook", "firing", "stale_feed"), Job(2, "hook", "firing", "stale_feed")},
                  kT0, policy, waits);
  EXPECT_EQ(held.deferred.size(), 2u);
  // The process dies; a new planner reads the same pending rows after the window closed.
  DispatchPlanner after;
  auto plan =
      after.Plan({Job(1, "hook", "firing", "stale_feed"), Job(2, "hook", "firing", "stale_feed")},
                 kT0 + seconds(45), policy, waits);
  EXPECT_TRUE(plan.deferred.empty());
  EXPECT_EQ(Ids(plan.groups["hook\nstale_feed"]), (std::vector<int64_t>{1, 2}));
}

TEST(DispatchPlan, RetryOfAGroupedEventDoesNotWaitForAWindow) {
  DispatchPlanner p;
  std::map<std::string, ChannelPolicy> policy{{"slack", {seconds(30), {}, 0, {}}}};
  auto plan = p.Plan({Job(7, "slack", "firing", "r", /*attempts=*/2)}, kT0, policy);
  EXPECT_TRUE(plan.deferred.empty());
  EXPECT_EQ(Ids(plan.groups["slack"]), (std::vector<int64_t>{7}));
}

TEST(DispatchPlan, OrderedNotifierSendsOneAlertsDeliveriesOneAtATime) {
  DispatchPlanner p;
  std::map<std::string, ChannelPolicy> policy{{"am", {{}, seconds(300), 0, {}}}};
  auto plan = p.Plan({Job(1, "am"), Job(2, "am", "resolved"), Job(3, "am", "firing", "other")}, kT0,
                     policy);
  EXPECT_EQ(Ids(plan.send), (std::vector<int64_t>{1, 3}));  // 2 waits for 1 (same alert)
  EXPECT_TRUE(plan.deferred.empty());                       // waiting is not a deferral
  EXPECT_EQ(p.Plan({Job(2, "am", "resolved")}, kT0, policy).started(), 0u);
  p.Finished(1);
  EXPECT_EQ(Ids(p.Plan({Job(2, "am", "resolved")}, kT0, policy).send), (std::vector<int64_t>{2}));
}

TEST(DispatchPlan, RateLimitDefersPastTheBudgetUntilTheOldestSendLeavesThePeriod) {
  DispatchPlanner p;
  std::map<std::string, ChannelPolicy> policy{{"hook", {{}, {}, 2, seconds(60)}}};
  auto plan = p.Plan({Job(1, "hook"), Job(2, "hook"), Job(3, "hook")}, kT0, policy);
  EXPECT_EQ(Ids(plan.send), (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(plan.deferred.size(), 1u);
  EXPECT_EQ(plan.deferred[0].job.delivery_id, 3);
  EXPECT_TRUE(plan.deferred[0].rate_limited);
  EXPECT_EQ(plan.deferred[0].until, kT0 + seconds(60));
  // Once the period has passed the budget is back.
  EXPECT_EQ(Ids(p.Plan({Job(3, "hook")}, kT0 + seconds(60), policy).send),
            (std::vector<int64_t>{3}));
}

TEST(DispatchPlan, WaitingForItsAlertIsNotCountedAgainstTheRateLimit) {
  DispatchPlanner p;
  std::map<std::string, ChannelPolicy> policy{{"am", {{}, seconds(300), 1, seconds(60)}}};
  auto plan = p.Plan({Job(1, "am"), Job(2, "am", "resolved")}, kT0, policy);
  EXPECT_EQ(Ids(plan.send), (std::vector<int64_t>{1}));
  EXPECT_TRUE(plan.deferred.empty());  // 2 was held by order, so no budget was spent on it
}

TEST(DispatchPlan, UnknownNotifierGetsTheDefaultPolicy) {
  DispatchPlanner p;
  auto plan = p.Plan({Job(1, "gone")}, kT0, {});
  EXPECT_EQ(Ids(plan.send), (std::vector<int64_t>{1}));
}

}  // namespace
}  // namespace liqwatch::notify
