#include "notify/webhook.h"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

namespace liqwatch::notify {

SendResult::Outcome ClassifyHttpStatus(long status) {
  if (status >= 200 && status < 300) return SendResult::Outcome::kDelivered;
  if (status == 408 || status == 429 || status >= 500) return SendResult::Outcome::kRetryable;
  return SendResult::Outcome::kPermanent;
}

std::string WebhookBody(const store::DeliveryJob& job) {
  boost::json::object o;
  o["version"] = 1;
  o["event_id"] = job.event_id;
  if (job.alert_id) o["alert_id"] = *job.alert_id;
  else o["alert_id"] = nullptr;
  o["rule"] = job.rule;
  o["severity"] = job.severity;
  o["state"] = job.kind == "resolved" ? "resolved" : "firing";
  o["kind"] = job.kind;
  o["series"] = job.series;
  if (job.value) o["value"] = *job.value;
  else o["value"] = nullptr;
  if (job.threshold) o["threshold"] = *job.threshold;
  else o["threshold"] = nullptr;
  o["observation_date"] = job.obs_date;
  o["message"] = job.message;
  o["event_time"] = job.eval_time;
  return boost::json::serialize(o);
}

WebhookNotifier::WebhookNotifier(config::NotifierConfig config, http::HttpClient& http)
    : config_(std::move(config)), http_(http) {}

boost::asio::awaitable<SendResult> WebhookNotifier::Send(const store::DeliveryJob& job) {
  http::HttpRequest req;
  req.method = "POST";
  req.url = config_.url;
  req.timeout = config_.timeout;
  req.max_body_bytes = 64 * 1024;  // receivers' replies are small; ignore anything bigger
  req.headers = {{"Content-Type", "application/json"},
                 {"Idempotency-Key", job.idempotency_key}};
  req.body = WebhookBody(job);
  auto r = co_await http_.AsyncFetch(req, boost::asio::use_awaitable);
  if (!r.ok()) co_return SendResult{SendResult::Outcome::kRetryable, r.status().message(), {}};
  SendResult result;
  result.outcome = ClassifyHttpStatus(r->status);
  if (result.outcome != SendResult::Outcome::kDelivered) {
    result.error = fmt::format("HTTP {} from webhook {}", r->status, config_.name);
    if (auto ra = r->Header("Retry-After"); !ra.empty()) {
      int seconds = std::atoi(ra.c_str());
      if (seconds > 0) result.retry_after = std::chrono::seconds(seconds);
    }
  }
  co_return result;
}

}  // namespace liqwatch::notify
