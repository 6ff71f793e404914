// DispatchPlanner: the dispatcher's decisions for one pass over the due deliveries.
//
// Contract: pure (no I/O; `now` is passed in) and single-threaded (the Dispatcher owns it on
// the event loop). Plan() takes the due deliveries of a pass and runs each through the stages
// below, in order, deciding whether it goes out now (alone or in its notifier's group), is
// deferred to a time (the store is told), or is left for a later pass:
//   in flight   a delivery already being sent is left alone;
//   group       a new firing event of a grouping notifier (group_wait), or of a rule with a
//               group wait whose notifier can send groups, opens a window that ends its
//               group wait after the event was created; every firing event of the same group
//               (the notifier's: any rule; the rule's: its instances) due before the window
//               closes is deferred to its end, then they go as one message. The window is
//               anchored on the outbox rows' created_at, so after a restart the same rows make
//               the same group (a window that closed meanwhile goes out at once);
//   order       for notifiers with a resend_interval, one alert's deliveries go one at a time,
//               in order: the next waits for a later pass (checked before the rate limit, which
//               would otherwise count a send that does not happen);
//   rate limit  over the notifier's budget a send is deferred to when the budget allows, never
//               dropped.
// What it decides to send is in flight until Finished(delivery_id).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/store.h"

namespace liqwatch::notify {

// A notifier's outbox policy, as the planner needs it (notifier.h explains each).
struct ChannelPolicy {
  Duration group_wait{};       // > 0: firing events are grouped (any rule)
  Duration resend_interval{};  // > 0: one alert's deliveries go out in order
  int rate_count = 0;          // sends per rate_period; 0: unlimited
  Duration rate_period{};
  bool sends_groups = false;  // the notifier can send a group: rules' group waits apply
};

struct Deferral {
  store::DeliveryJob job;
  TimePoint until;
  bool rate_limited = false;  // false: waiting for its group window
};

struct DispatchPlan {
  std::vector<store::DeliveryJob> send;  // one message each
  // One message each: per notifier (its group_wait) or per notifier and rule (the rule's).
  std::map<std::string, std::vector<store::DeliveryJob>> groups;
  std::vector<Deferral> deferred;
  std::size_t started() const;
};

class DispatchPlanner {
 public:
  // Notifiers missing from `policies` get the default policy (their sends then fail as
  // "not configured" in the dispatcher and are recorded). `rule_group_waits`: each rule's
  // group wait (config::RuleGroupWait); rules missing from it are not grouped by rule.
  DispatchPlan Plan(std::vector<store::DeliveryJob> due, TimePoint now,
                    const std::map<std::string, ChannelPolicy>& policies,
                    const std::map<std::string, Duration>& rule_group_waits = {});
  void Finished(int64_t delivery_id);
  std::size_t in_flight() const { return in_flight_ids_.size(); }

 private:
  struct Group {
    std::string key;  // "notifier", or "notifier\nrule"
    Duration wait{};
  };
  // The group a job goes out in; nullopt: on its own.
  static std::optional<Group> GroupOf(const store::DeliveryJob& job, const ChannelPolicy& p,
                                      const std::map<std::string, Duration>& rule_group_waits);
  // Each stage returns false when the job does not go out in this pass.
  bool GroupStage(const store::DeliveryJob& job, const std::optional<Group>& group, TimePoint now,
                  DispatchPlan& plan);
  bool OrderStage(const store::DeliveryJob& job, const ChannelPolicy& p, std::string& alert_key);
  bool RateLimitStage(const store::DeliveryJob& job, const ChannelPolicy& p, TimePoint now,
                      DispatchPlan& plan);

  std::set<int64_t> in_flight_ids_;                    // still 'pending' in the store
  std::map<int64_t, std::string> in_flight_alerts_;    // delivery id -> "notifier\nrule\nlabels"
  std::map<std::string, std::deque<TimePoint>> sent_;  // per notifier: recent send starts
  std::map<std::string, TimePoint> windows_;           // per group key: open window's end
};

}  // namespace liqwatch::notify
