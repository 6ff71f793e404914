#include "notify/dispatcher.h"

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/defaults.h"
#include "core/log.h"
#include "notify/silences.h"

namespace liqwatch::notify {

namespace asio = boost::asio;

Duration RetryDelay(const config::DeliveryConfig& cfg, int attempt, double unit_random) {
  int64_t base = cfg.backoff_initial.count() << std::min(std::max(attempt - 1, 0), 30);
  base = std::min(base, cfg.backoff_max.count());
  double jitter = 0.8 + 0.4 * unit_random;
  return Duration(static_cast<int64_t>(base * jitter));
}

Dispatcher::Dispatcher(asio::io_context& io, store::StoreWorker& store, const WallClock& clock)
    : io_(io), store_(store), clock_(clock), wake_(io), idle_(io) {}

void Dispatcher::Configure(std::map<std::string, std::unique_ptr<Notifier>> notifiers,
                           config::DeliveryConfig delivery,
                           std::map<std::string, Duration> rule_group_waits) {
  notifiers_.clear();
  for (auto& [name, n] : notifiers) notifiers_[name] = std::move(n);
  delivery_ = delivery;
  rule_group_waits_ = std::move(rule_group_waits);
}

void Dispatcher::Start() {
  stopping_ = false;
  running_ = true;
  asio::co_spawn(io_, Loop(), [this](std::exception_ptr e) {
    running_ = false;
    if (e) Logger("notify")->error("event=dispatcher_crashed");
  });
}

// A wake-up that arrives while the loop is busy (between its store calls, not yet waiting on
// the timer) must not be lost: the flag makes the loop skip its next sleep.
void Dispatcher::Wake() {
  woken_ = true;
  wake_.cancel();
}

asio::awaitable<void> Dispatcher::Stop(Duration timeout) {
  stopping_ = true;
  wake_.cancel();
  if (planner_.in_flight() > 0) {
    Logger("notify")->info("event=drain_start in_flight={} timeout_ms={}", planner_.in_flight(),
                           timeout.count());
    idle_.expires_after(timeout);
    boost::system::error_code ec;
    co_await idle_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    Logger("notify")->info("event=drain_done left_pending={}", planner_.in_flight());
  }
}

asio::awaitable<void> Dispatcher::Loop() {
  while (!stopping_) {
    woken_ = false;
    const TimePoint now = clock_.Now();
    auto release = ReleaseSilenced(now);
    co_await std::move(release);
    auto rearm = RearmFiring(now);
    const Duration resend = co_await std::move(rearm);
    auto send_due = SendDue(now);
    const std::size_t started = co_await std::move(send_due);
    if (started > 0 && started == config::defaults::kDeliveryBatch) {
      // A full batch: wait for it to finish, then look again straight away.
      while (planner_.in_flight() > 0 && !stopping_) {
        idle_.expires_after(std::chrono::seconds(30));
        boost::system::error_code ec;
        co_await idle_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      continue;
    }
    auto next_wake = SleepTime(resend, started);
    const Duration sleep = co_await std::move(next_wake);
    if (woken_) continue;  // new work arrived during this pass
    wake_.expires_after(sleep);
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Dispatcher::ReleaseSilenced(TimePoint now) {
  // Deliveries held by a silence that has ended go back to pending while their alert still
  // fires (notifiers with deliver_after_silence).
  std::vector<std::string> release_for;
  for (const auto& [name, n] : notifiers_)
    if (n->deliver_after_silence()) release_for.push_back(name);
  auto release = [now, release_for](store::Store& s) {
    return notify::ReleaseSilenced(s, now, release_for);
  };
  auto released = co_await store_.Run(release);
  auto log = Logger("notify");
  if (!released.ok()) {
    log->error("event=silence_release_failed error=\"{}\"", released.status().message());
  } else if (*released > 0) {
    log->info("event=silence_released deliveries={}", *released);
  }
}

asio::awaitable<std::size_t> Dispatcher::SendDue(TimePoint now) {
  auto log = Logger("notify");
  auto read_due = [now](store::Store& s) {
    return s.DueDeliveries(now, config::defaults::kDeliveryBatch);
  };
  auto jobs = co_await store_.Run(read_due);
  if (!jobs.ok()) {
    log->error("event=outbox_read_failed error=\"{}\"", jobs.status().message());
    co_return 0;
  }
  std::map<std::string, ChannelPolicy> policies;
  for (const auto& [name, n] : notifiers_) {
    auto [count, period] = n->rate_limit();
    policies[name] = {n->group_wait(), n->resend_interval(), count, period, n->sends_groups()};
  }
  DispatchPlan plan = planner_.Plan(std::move(*jobs), now, policies, rule_group_waits_);
  for (const auto& d : plan.deferred) {
    if (d.rate_limited)
      log->info("event=rate_limited notifier={} delivery={} rule={} deferred_ms={}", d.job.notifier,
                d.job.delivery_id, d.job.rule,
                std::chrono::duration_cast<Duration>(d.until - now).count());
    auto defer = [id = d.job.delivery_id, when = d.until](store::Store& s) {
      return DeferDelivery(s, id, when);
    };
    auto st = co_await store_.Run(defer);
    if (!st.ok()) log->error("event=outbox_write_failed error=\"{}\"", st.message());
  }
  const std::size_t started = plan.started();
  for (auto& job : plan.send) asio::co_spawn(io_, Deliver(std::move(job)), asio::detached);
  for (auto& [name, group] : plan.groups)
    asio::co_spawn(io_, DeliverGroup(std::move(group)), asio::detached);
  co_return started;
}

asio::awaitable<Duration> Dispatcher::SleepTime(Duration resend, std::size_t started) {
  // Until the next retry is due, a silence ends, or a minute passes.
  auto read_next = [](store::Store& s) { return s.NextDeliveryTime(); };
  auto next = co_await store_.Run(read_next);
  auto read_silence_end = [](store::Store& s) { return NextSilenceEnd(s); };
  auto silence_end = co_await store_.Run(read_silence_end);
  Duration sleep = std::chrono::minutes(1);
  // Wake a little after a silence ends: waking at (or a hair before) its end would find it
  // still active, and the next query, which only sees silences still to end, would then
  // leave the held deliveries until the one-minute tick.
  if (silence_end.ok() && *silence_end) **silence_end += std::chrono::milliseconds(100);
  for (const auto* t : {&next, &silence_end}) {
    if (t->ok() && **t) {
      sleep = std::min(
          sleep, std::max(Duration(50), std::chrono::duration_cast<Duration>(***t - clock_.Now())));
    }
  }
  // Re-send stage: look again a few times per interval (a cheap indexed query).
  if (resend.count() > 0) sleep = std::min(sleep, std::max(Duration(1000), resend / 4));
  if (started > 0) sleep = std::min(sleep, Duration(200));  // re-check soon after a batch
  co_return sleep;
}

asio::awaitable<bool> Dispatcher::Admit(const store::DeliveryJob& job, bool send_resolved) {
  auto log = Logger("notify");
  // Gate stage: send_resolved and silences, decided (and recorded) on the store thread.
  auto gate = [job, send_resolved, now = clock_.Now()](store::Store& s) {
    std::string why;
    auto g = GateDelivery(s, job, send_resolved, now, &why);
    return std::pair<Result<Gate>, std::string>(std::move(g), std::move(why));
  };
  auto gated = co_await store_.Run(gate);
  if (!gated.first.ok()) {
    // Fail open: at least once matters more than a silence.
    log->error("event=outbox_gate_failed delivery={} error=\"{}\"", job.delivery_id,
               gated.first.status().message());
    co_return true;
  }
  if (*gated.first == Gate::kSend) co_return true;
  log->info("event={} notifier={} delivery={} event_id={} rule={} kind={} reason=\"{}\"",
            *gated.first == Gate::kSilenced ? "silenced" : "skipped", job.notifier, job.delivery_id,
            job.event_id, job.rule, job.kind, gated.second);
  Done(job.delivery_id);
  co_return false;
}

asio::awaitable<Duration> Dispatcher::RearmFiring(TimePoint now) {
  auto log = Logger("notify");
  Duration shortest{};
  for (const auto& [name, n] : notifiers_) {
    const Duration interval = n->resend_interval();
    if (interval.count() <= 0) continue;
    if (shortest.count() == 0 || interval < shortest) shortest = interval;
    auto rearm = [name = name, now, interval](store::Store& s) {
      return s.RearmFiringDeliveries(name, now, interval);
    };
    auto rearmed = co_await store_.Run(rearm);
    if (!rearmed.ok()) {
      log->error("event=resend_rearm_failed notifier={} error=\"{}\"", name,
                 rearmed.status().message());
    } else if (*rearmed > 0) {
      log->info("event=resend_rearmed notifier={} alerts={}", name, *rearmed);
    }
  }
  co_return shortest;
}

void Dispatcher::Done(int64_t delivery_id) {
  planner_.Finished(delivery_id);
  if (planner_.in_flight() == 0) idle_.cancel();
}

asio::awaitable<void> Dispatcher::Deliver(store::DeliveryJob job) {
  SendResult result;
  auto it = notifiers_.find(job.notifier);
  if (it == notifiers_.end()) {
    result = {SendResult::Outcome::kPermanent, "notifier '" + job.notifier + "' is not configured",
              std::nullopt};
  } else {
    auto notifier = it->second;  // keeps it alive across a reload
    auto admit = Admit(job, notifier->send_resolved());
    if (!co_await std::move(admit)) co_return;
    try {
      auto send = notifier->Send(job);
      result = co_await std::move(send);
    } catch (const std::exception& e) {
      result = {SendResult::Outcome::kRetryable, std::string("internal error: ") + e.what(),
                std::nullopt};
    }
  }
  auto record = Record(job, result);
  co_await std::move(record);
}

asio::awaitable<void> Dispatcher::DeliverGroup(std::vector<store::DeliveryJob> jobs) {
  auto log = Logger("notify");
  auto it = notifiers_.find(jobs.front().notifier);
  if (it == notifiers_.end()) {
    for (auto& j : jobs) {
      SendResult r{SendResult::Outcome::kPermanent,
                   "notifier '" + j.notifier + "' is not configured", std::nullopt};
      auto record = Record(j, r);
      co_await std::move(record);
    }
    co_return;
  }
  auto notifier = it->second;
  std::vector<store::DeliveryJob> send;
  for (auto& j : jobs) {
    auto admit = Admit(j, notifier->send_resolved());
    if (co_await std::move(admit)) send.push_back(j);
  }
  if (send.empty()) co_return;
  SendResult result;
  try {
    if (send.size() == 1) {
      auto one = notifier->Send(send.front());
      result = co_await std::move(one);
    } else {
      log->info("event=group_send notifier={} alerts={} first_delivery={}", send.front().notifier,
                send.size(), send.front().delivery_id);
      auto group = notifier->SendGroup(send);
      result = co_await std::move(group);
    }
  } catch (const std::exception& e) {
    result = {SendResult::Outcome::kRetryable, std::string("internal error: ") + e.what(),
              std::nullopt};
  }
  for (auto& j : send) {
    auto record = Record(j, result);
    co_await std::move(record);
  }
}

asio::awaitable<void> Dispatcher::Record(store::DeliveryJob job, SendResult result) {
  auto log = Logger("notify");
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const TimePoint now = clock_.Now();
  const int attempt = job.attempts + 1;
  // Whatever a notifier reported, no registered secret reaches the log or the outbox row.
  result.error = ScrubSecrets(std::move(result.error));
  Status s;
  if (result.outcome == SendResult::Outcome::kDelivered) {
    log->info("event=delivered notifier={} delivery={} event_id={} rule={} kind={} attempt={}",
              job.notifier, job.delivery_id, job.event_id, job.rule, job.kind, attempt);
    auto mark = [id = job.delivery_id, now](store::Store& st) { return st.MarkDelivered(id, now); };
    s = co_await store_.Run(mark);
  } else {
    bool too_old = now - job.created_at >= delivery_.max_age;
    if (result.outcome == SendResult::Outcome::kPermanent || too_old) {
      std::string why =
          result.outcome == SendResult::Outcome::kPermanent
              ? result.error
              : "gave up after " + std::to_string(attempt) + " attempts: " + result.error;
      log->error("event=dead_lettered notifier={} delivery={} rule={} error=\"{}\"", job.notifier,
                 job.delivery_id, job.rule, why);
      auto mark = [id = job.delivery_id, now, why](store::Store& st) {
        return st.MarkDead(id, now, why);
      };
      s = co_await store_.Run(mark);
    } else {
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      // A receiver's Retry-After, but never longer than http.max_retry_after.
      Duration delay = result.retry_after ? std::min(*result.retry_after, delivery_.max_retry_after)
                                          : RetryDelay(delivery_, attempt, unit(rng));
      log->warn(
          "event=delivery_retry notifier={} delivery={} rule={} attempt={} retry_in_ms={} "
          "error=\"{}\"",
          job.notifier, job.delivery_id, job.rule, attempt, delay.count(), result.error);
      auto mark = [id = job.delivery_id, next = now + delay, err = result.error](store::Store& st) {
        return st.MarkRetry(id, next, err);
      };
      s = co_await store_.Run(mark);
    }
  }
  if (!s.ok())
    log->error("event=outbox_write_failed delivery={} error=\"{}\"", job.delivery_id, s.message());
  Done(job.delivery_id);
}

}  // namespace liqwatch::notify
