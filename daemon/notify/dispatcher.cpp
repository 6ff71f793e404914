#include "notify/dispatcher.h"

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "config/defaults.h"
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
                           config::DeliveryConfig delivery) {
  notifiers_.clear();
  for (auto& [name, n] : notifiers) notifiers_[name] = std::move(n);
  delivery_ = delivery;
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
  if (in_flight_ > 0) {
    Logger("notify")->info("event=drain_start in_flight={} timeout_ms={}", in_flight_,
                           timeout.count());
    idle_.expires_after(timeout);
    boost::system::error_code ec;
    co_await idle_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    Logger("notify")->info("event=drain_done left_pending={}", in_flight_);
  }
}

asio::awaitable<void> Dispatcher::Loop() {
  auto log = Logger("notify");
  while (!stopping_) {
    woken_ = false;
    auto now = clock_.Now();
    // Silence stage: deliveries held by a silence that has ended go back to pending while
    // their alert still fires (notifiers with deliver_after_silence).
    std::vector<std::string> release_for;
    for (const auto& [name, n] : notifiers_)
      if (n->deliver_after_silence()) release_for.push_back(name);
    auto release = [now, release_for](store::Store& s) {
      return ReleaseSilenced(s, now, release_for);
    };
    auto released = co_await store_.Run(release);
    if (!released.ok()) {
      log->error("event=silence_release_failed error=\"{}\"", released.status().message());
    } else if (*released > 0) {
      log->info("event=silence_released deliveries={}", *released);
    }
    auto read_due = [now](store::Store& s) {
      return s.DueDeliveries(now, config::defaults::kDeliveryBatch);
    };
    auto jobs = co_await store_.Run(read_due);
    if (!jobs.ok()) log->error("event=outbox_read_failed error=\"{}\"", jobs.status().message());
    std::size_t started = 0;
    if (jobs.ok()) {
      for (auto& job : *jobs) {
        if (!in_flight_ids_.insert(job.delivery_id).second) continue;
        ++in_flight_;
        ++started;
        asio::co_spawn(io_, Deliver(std::move(job)), asio::detached);
      }
    }
    if (started > 0 && started == config::defaults::kDeliveryBatch) {
      // A full batch: wait for it to finish, then look again straight away.
      while (in_flight_ > 0 && !stopping_) {
        idle_.expires_after(std::chrono::seconds(30));
        boost::system::error_code ec;
        co_await idle_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      continue;
    }
    // Sleep until the next retry is due, a new event wakes us, or a minute passes.
    auto read_next = [](store::Store& s) { return s.NextDeliveryTime(); };
    auto next = co_await store_.Run(read_next);
    auto read_silence_end = [](store::Store& s) { return NextSilenceEnd(s); };
    auto silence_end = co_await store_.Run(read_silence_end);
    Duration sleep = std::chrono::minutes(1);
    for (const auto* t : {&next, &silence_end}) {
      if (t->ok() && **t) {
        sleep = std::min(sleep, std::max(Duration(50), std::chrono::duration_cast<Duration>(
                                                           ***t - clock_.Now())));
      }
    }
    if (started > 0) sleep = std::min(sleep, Duration(200));  // re-check soon after a batch
    if (woken_) continue;  // new work arrived during this pass
    wake_.expires_after(sleep);
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Dispatcher::Deliver(store::DeliveryJob job) {
  auto log = Logger("notify");
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  SendResult result;
  auto it = notifiers_.find(job.notifier);
  if (it == notifiers_.end()) {
    result = {SendResult::Outcome::kPermanent,
              "notifier '" + job.notifier + "' is not configured", std::nullopt};
  } else {
    auto notifier = it->second;  // keeps it alive across a reload
    // Gate stage: send_resolved and silences, decided (and recorded) on the store thread.
    auto gate = [job, send_resolved = notifier->send_resolved(), now = clock_.Now()](
                    store::Store& s) {
      std::string why;
      auto g = GateDelivery(s, job, send_resolved, now, &why);
      return std::pair<Result<Gate>, std::string>(std::move(g), std::move(why));
    };
    auto gated = co_await store_.Run(gate);
    if (!gated.first.ok()) {
      log->error("event=outbox_gate_failed delivery={} error=\"{}\"", job.delivery_id,
                 gated.first.status().message());
    } else if (*gated.first != Gate::kSend) {
      log->info("event={} notifier={} delivery={} event_id={} rule={} kind={} reason=\"{}\"",
                *gated.first == Gate::kSilenced ? "silenced" : "skipped", job.notifier,
                job.delivery_id, job.event_id, job.rule, job.kind, gated.second);
      in_flight_ids_.erase(job.delivery_id);
      if (--in_flight_ == 0) idle_.cancel();
      co_return;
    }
    try {
      auto send = notifier->Send(job);
      result = co_await std::move(send);
    } catch (const std::exception& e) {
      result = {SendResult::Outcome::kRetryable, std::string("internal error: ") + e.what(),
                std::nullopt};
    }
  }
  const TimePoint now = clock_.Now();
  const int attempt = job.attempts + 1;
  Status s;
  if (result.outcome == SendResult::Outcome::kDelivered) {
    log->info("event=delivered notifier={} delivery={} event_id={} rule={} kind={} attempt={}",
              job.notifier, job.delivery_id, job.event_id, job.rule, job.kind, attempt);
    auto mark = [id = job.delivery_id, now](store::Store& st) { return st.MarkDelivered(id, now); };
    s = co_await store_.Run(mark);
  } else {
    bool too_old = now - job.created_at >= delivery_.max_age;
    if (result.outcome == SendResult::Outcome::kPermanent || too_old) {
      std::string why = result.outcome == SendResult::Outcome::kPermanent
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
      Duration delay = result.retry_after ? *result.retry_after
                                          : RetryDelay(delivery_, attempt, unit(rng));
      log->warn("event=delivery_retry notifier={} delivery={} rule={} attempt={} retry_in_ms={} "
                "error=\"{}\"",
                job.notifier, job.delivery_id, job.rule, attempt, delay.count(), result.error);
      auto mark = [id = job.delivery_id, next = now + delay, err = result.error](store::Store& st) {
        return st.MarkRetry(id, next, err);
      };
      s = co_await store_.Run(mark);
    }
  }
  if (!s.ok()) log->error("event=outbox_write_failed delivery={} error=\"{}\"", job.delivery_id, s.message());
  in_flight_ids_.erase(job.delivery_id);
  if (--in_flight_ == 0) idle_.cancel();
}

}  // namespace liqwatch::notify
