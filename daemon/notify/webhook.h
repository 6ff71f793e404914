// Generic JSON webhook notifier.
//
// Contract: POSTs WebhookBody(job) as application/json with an Idempotency-Key header (the
// delivery's key). 2xx = delivered. See docs/webhook.md for the versioned body schema.
#pragma once

#include <string>

#include "config/config.h"
#include "http/client.h"
#include "notify/notifier.h"

namespace liqwatch::notify {

// The versioned JSON body (schema version 1).
std::string WebhookBody(const store::DeliveryJob& job);

class WebhookNotifier final : public Notifier {
 public:
  WebhookNotifier(config::NotifierConfig config, http::HttpClient& http);
  const std::string& name() const override { return config_.name; }
  boost::asio::awaitable<SendResult> Send(const store::DeliveryJob& job) override;

 private:
  config::NotifierConfig config_;
  http::HttpClient& http_;
};

}  // namespace liqwatch::notify
