// Notifier: one delivery channel (webhook, Slack, email, ...).
//
// Contract: Send() delivers one alert event and completes on the io_context's thread with a
// SendResult: kDelivered, kRetryable (timeouts, 5xx, 408, 429, connection errors; the outbox
// retries with backoff) or kPermanent (other 4xx, bad payload; the outbox dead-letters it).
// The idempotency key is stable across retries of the same delivery so receivers can drop
// duplicates. Errors must not contain secrets (URLs are redacted).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "config/config.h"
#include "core/time.h"
#include "http/client.h"
#include "notify/context.h"
#include "store/store.h"

namespace liqwatch::notify {

struct SendResult {
  enum class Outcome { kDelivered, kRetryable, kPermanent };
  Outcome outcome = Outcome::kDelivered;
  std::string error;                    // empty when delivered
  std::optional<Duration> retry_after;  // from a Retry-After header
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual const std::string& name() const = 0;
  virtual boost::asio::awaitable<SendResult> Send(const store::DeliveryJob& job) = 0;
  // Outbox policy (config keys send_resolved, deliver_after_silence; both default to true).
  virtual bool send_resolved() const { return true; }
  virtual bool deliver_after_silence() const { return true; }
  // Grouping: firing events due within group_wait() go out as one SendGroup() message (the
  // result applies to every job). Notifiers that send groups also take a rule's group wait
  // (its instances opening together, config::RuleGroupWait) as one message.
  virtual Duration group_wait() const { return Duration{}; }
  virtual bool sends_groups() const { return group_wait().count() > 0; }
  virtual boost::asio::awaitable<SendResult> SendGroup(
      const std::vector<store::DeliveryJob>& jobs) {
    (void)jobs;
    co_return SendResult{SendResult::Outcome::kPermanent, "grouping not supported", {}};
  }
  // At most count sends per period (count 0 = unlimited).
  virtual std::pair<int, Duration> rate_limit() const { return {0, Duration{}}; }
  // Non-zero: the receiver forgets an alert that is not repeated (Alertmanager), so the
  // dispatcher re-arms the delivery of every still-firing alert this often
  // (store::Store::RearmFiringDeliveries), and sends one alert's deliveries in order, one at a
  // time, so a re-send cannot overtake its resolve.
  virtual Duration resend_interval() const { return Duration{}; }
};

// What every channel built from a config is given at wiring: the HTTP client (SMTP goes
// through it too), the clock (email Date headers, webhook signature timestamps, HTTP-date
// Retry-After) and the catalog its messages are explained from. All outlive the notifier.
struct NotifierDeps {
  http::HttpClient& http;
  const WallClock& clock;
  std::shared_ptr<const AlertCatalog> catalog;
};

// Base of the channels built from a NotifierConfig: the name and the outbox policy
// (send_resolved, deliver_after_silence, rate_limit) come straight from the config.
class ConfiguredNotifier : public Notifier {
 public:
  ConfiguredNotifier(config::NotifierConfig config, NotifierDeps deps)
      : config_(std::move(config)),
        http_(deps.http),
        clock_(deps.clock),
        catalog_(std::move(deps.catalog)) {}
  const std::string& name() const override { return config_.name; }
  bool send_resolved() const override { return config_.send_resolved; }
  bool deliver_after_silence() const override { return config_.deliver_after_silence; }
  std::pair<int, Duration> rate_limit() const override {
    return {config_.rate_limit_count, config_.rate_limit_period};
  }

 protected:
  config::NotifierConfig config_;
  http::HttpClient& http_;
  const WallClock& clock_;
  std::shared_ptr<const AlertCatalog> catalog_;
};

// Base of the channels that write one message for one alert or for a whole group (Slack,
// email): group_wait comes from the config, and Send and SendGroup both end in Deliver.
class GroupingNotifier : public ConfiguredNotifier {
 public:
  using ConfiguredNotifier::ConfiguredNotifier;
  Duration group_wait() const override { return config_.group_wait; }
  bool sends_groups() const override { return true; }  // also a rule's group wait
  // One alert: its view, the config's template rendered for it, its idempotency key.
  boost::asio::awaitable<SendResult> Send(const store::DeliveryJob& job) final;
  // Several (the dispatcher groups two or more): their views, no template, the first key.
  boost::asio::awaitable<SendResult> SendGroup(const std::vector<store::DeliveryJob>& jobs) final;

 protected:
  // Sends one message for `views`; `text` is the rendered template ("" for none or a group).
  virtual boost::asio::awaitable<SendResult> Deliver(std::vector<AlertView> views, std::string text,
                                                     std::string idempotency_key) = 0;
};

// Classifies an HTTP status for retrying: 2xx delivered; 408, 429 and 5xx retryable; other
// statuses permanent.
SendResult::Outcome ClassifyHttpStatus(long status);

}  // namespace liqwatch::notify
