// Generic JSON webhook notifier.
//
// Contract: POSTs WebhookBody(view) as application/json with an Idempotency-Key header (the
// delivery's key, stable across retries and restarts). With a signing secret it adds
// X-Liqwatch-Timestamp (unix seconds at the attempt) and X-Liqwatch-Signature
// ("v1=" + hex HMAC-SHA256 over "<timestamp>.<body>"). 2xx = delivered; 408, 429, 5xx and
// transport errors retryable; other statuses permanent (notifier.h). Errors name the
// notifier, never its URL or secret. See docs/webhook.md for the versioned body schema.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "http/client.h"
#include "notify/context.h"
#include "notify/notifier.h"

namespace liqwatch::notify {

// The versioned JSON body (schema version 1) from the outbox row alone.
std::string WebhookBody(const store::DeliveryJob& job);
// The same plus display context from the catalog; `text` (the rendered template) is added
// when non-empty.
std::string WebhookBody(const store::DeliveryJob& job, const AlertView& v, const std::string& text);

class WebhookNotifier final : public ConfiguredNotifier {
 public:
  using ConfiguredNotifier::ConfiguredNotifier;
  boost::asio::awaitable<SendResult> Send(const store::DeliveryJob& job) override;
  // One POST for a rule's instances opening together: the first alert's body (a receiver
  // that reads one alert still reads a whole one) with "group": every alert's body, in order.
  bool sends_groups() const override { return true; }
  boost::asio::awaitable<SendResult> SendGroup(
      const std::vector<store::DeliveryJob>& jobs) override;

 private:
  // POSTs `body` with job's Idempotency-Key and event id, signed when a secret is set.
  boost::asio::awaitable<SendResult> Post(const store::DeliveryJob& job, std::string body);
};

// `text` with every form of `url` (raw, RedactUrl'ed) replaced by "[redacted URL]", then
// ScrubSecrets'ed: for errors about a notifier whose URL is its secret.
std::string WithoutSecretUrl(std::string text, const std::string& url);

// POSTs `body` to `url` and classifies the answer (shared by webhook and Slack). Redirects
// are not followed (a 3xx is a permanent error naming the status only); errors never contain
// the URL; a Retry-After goes to SendResult::retry_after (the dispatcher caps it).
boost::asio::awaitable<SendResult> PostJson(
    http::HttpClient& http, const WallClock& clock, const std::string& url, Duration timeout,
    std::string body, std::vector<std::pair<std::string, std::string>> headers,
    const std::string& what);

}  // namespace liqwatch::notify
