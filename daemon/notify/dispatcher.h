// Dispatcher: delivers the outbox.
//
// Contract: runs on the event loop. It reads due deliveries through the StoreWorker, sends each
// through its Notifier, and records the outcome: delivered; retried with exponential backoff
// and jitter (or the receiver's Retry-After) while younger than delivery.max_age; otherwise
// dead-lettered with the last error. Permanent failures are dead-lettered at once. Rows are
// only ever changed after the send completes, so a crash at any point leaves the delivery
// pending and it is sent again after restart (receivers dedupe on the Idempotency-Key).
// Wake() makes it look at the outbox now (called after new events are recorded).
// For a notifier with a resend_interval (Alertmanager) it also re-arms, every pass, the
// delivery of each alert still firing that was last delivered longer than that interval ago,
// and never has two deliveries of one alert to that notifier in flight at once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.h"
#include "core/time.h"
#include "notify/dispatch_plan.h"
#include "notify/notifier.h"
#include "store/worker.h"

namespace liqwatch::notify {

// Delay before retry number `attempt` (1-based): initial * 2^(attempt-1), capped at max, with
// ±20% jitter drawn from `unit_random` in [0, 1).
Duration RetryDelay(const config::DeliveryConfig& cfg, int attempt, double unit_random);

class Dispatcher {
 public:
  Dispatcher(boost::asio::io_context& io, store::StoreWorker& store, const WallClock& clock);
  // Replaces the notifiers and settings (on start and on reload). `rule_group_waits`: each
  // rule's group wait (config::RuleGroupWait), for notifiers that can send groups.
  void Configure(std::map<std::string, std::unique_ptr<Notifier>> notifiers,
                 config::DeliveryConfig delivery,
                 std::map<std::string, Duration> rule_group_waits = {});
  void Start();
  void Wake();
  // Stops taking new work; in-flight sends finish (up to `timeout`); the rest stay pending.
  boost::asio::awaitable<void> Stop(Duration timeout);
  std::size_t in_flight() const { return planner_.in_flight(); }

 private:
  // One pass: release ended silences, re-arm still-firing alerts, send what is due (planned
  // by planner_), then sleep until the next thing is due.
  boost::asio::awaitable<void> Loop();
  boost::asio::awaitable<void> ReleaseSilenced(TimePoint now);
  // Sends (or defers) what is due now; returns how many sends started.
  boost::asio::awaitable<std::size_t> SendDue(TimePoint now);
  boost::asio::awaitable<Duration> SleepTime(Duration resend, std::size_t started);
  boost::asio::awaitable<void> Deliver(store::DeliveryJob job);
  boost::asio::awaitable<void> DeliverGroup(std::vector<store::DeliveryJob> jobs);
  // Gate stage; false (and the job done) when it is skipped or silenced.
  boost::asio::awaitable<bool> Admit(const store::DeliveryJob& job, bool send_resolved);
  boost::asio::awaitable<void> Record(store::DeliveryJob job, SendResult result);
  void Done(int64_t delivery_id);
  // Re-send stage: re-arms the deliveries of still-firing alerts for notifiers with a
  // resend_interval (notifier.h); returns the shortest such interval (zero if none).
  boost::asio::awaitable<Duration> RearmFiring(TimePoint now);

  boost::asio::io_context& io_;
  store::StoreWorker& store_;
  const WallClock& clock_;
  std::map<std::string, std::shared_ptr<Notifier>> notifiers_;
  config::DeliveryConfig delivery_;
  std::map<std::string, Duration> rule_group_waits_;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer idle_;  // signalled when nothing is in flight
  DispatchPlanner planner_;         // group, order and rate-limit stages; what is in flight
  bool stopping_ = false;
  bool woken_ = false;  // Wake() called since the loop last looked at the outbox
  bool running_ = false;
};

}  // namespace liqwatch::notify
