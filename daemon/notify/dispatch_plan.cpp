#include "notify/dispatch_plan.h"

namespace liqwatch::notify {

std::size_t DispatchPlan::started() const {
  std::size_t n = send.size();
  for (const auto& [name, jobs] : groups) n += jobs.size();
  return n;
}

DispatchPlan DispatchPlanner::Plan(std::vector<store::DeliveryJob> due, TimePoint now,
                                   const std::map<std::string, ChannelPolicy>& policies,
                                   const std::map<std::string, Duration>& rule_group_waits) {
  static const ChannelPolicy kDefault;
  DispatchPlan plan;
  for (auto& job : due) {
    if (in_flight_ids_.count(job.delivery_id)) continue;
    auto it = policies.find(job.notifier);
    const ChannelPolicy& policy = it == policies.end() ? kDefault : it->second;
    std::string alert_key;
    const auto group = GroupOf(job, policy, rule_group_waits);
    if (!GroupStage(job, group, now, plan) || !OrderStage(job, policy, alert_key) ||
        !RateLimitStage(job, policy, now, plan))
      continue;
    if (!alert_key.empty()) in_flight_alerts_[job.delivery_id] = alert_key;
    in_flight_ids_.insert(job.delivery_id);
    if (group) {
      plan.groups[group->key].push_back(std::move(job));
    } else {
      plan.send.push_back(std::move(job));
    }
  }
  // A group goes out now; the next firing event opens a new window.
  for (const auto& [key, jobs] : plan.groups) windows_.erase(key);
  return plan;
}

std::optional<DispatchPlanner::Group> DispatchPlanner::GroupOf(
    const store::DeliveryJob& job, const ChannelPolicy& p,
    const std::map<std::string, Duration>& rule_group_waits) {
  if (job.kind != "firing") return std::nullopt;
  if (p.group_wait.count() > 0) return Group{job.notifier, p.group_wait};
  if (!p.sends_groups) return std::nullopt;
  auto it = rule_group_waits.find(job.rule);
  if (it == rule_group_waits.end() || it->second.count() <= 0) return std::nullopt;
  return Group{job.notifier + "\n" + job.rule, it->second};
}

bool DispatchPlanner::GroupStage(const store::DeliveryJob& job, const std::optional<Group>& group,
                                 TimePoint now, DispatchPlan& plan) {
  // Only new firing events wait for a window; a retry goes out on its own schedule.
  if (!group || job.attempts != 0) return true;
  // Anchored on the row's creation (stored), not on when this planner first saw it: the
  // window survives a restart.
  auto [window, opened] = windows_.try_emplace(group->key, job.created_at + group->wait);
  if (now >= window->second) return true;
  plan.deferred.push_back({job, window->second, false});
  return false;
}

bool DispatchPlanner::OrderStage(const store::DeliveryJob& job, const ChannelPolicy& p,
                                 std::string& alert_key) {
  if (p.resend_interval.count() <= 0) return true;
  alert_key = job.notifier + "\n" + job.rule + "\n" + job.labels;
  for (const auto& [id, key] : in_flight_alerts_)
    if (key == alert_key) return false;
  return true;
}

bool DispatchPlanner::RateLimitStage(const store::DeliveryJob& job, const ChannelPolicy& p,
                                     TimePoint now, DispatchPlan& plan) {
  if (p.rate_count <= 0) return true;
  auto& sent = sent_[job.notifier];
  while (!sent.empty() && sent.front() <= now - p.rate_period) sent.pop_front();
  if (static_cast<int>(sent.size()) >= p.rate_count) {
    plan.deferred.push_back({job, sent.front() + p.rate_period, true});
    return false;
  }
  sent.push_back(now);
  return true;
}

void DispatchPlanner::Finished(int64_t delivery_id) {
  in_flight_alerts_.erase(delivery_id);
  in_flight_ids_.erase(delivery_id);
}

}  // namespace liqwatch::notify
