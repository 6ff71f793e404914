#include "notify/webhook.h"

#include <chrono>

#include <fmt/format.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "core/defaults.h"
#include "core/json.h"
#include "core/log.h"
#include "http/retry_after.h"
#include "notify/signature.h"
#include "notify/template.h"

namespace liqwatch::notify {

SendResult::Outcome ClassifyHttpStatus(long status) {
  if (status >= 200 && status < 300) return SendResult::Outcome::kDelivered;
  if (status == 408 || status == 429 || status >= 500) return SendResult::Outcome::kRetryable;
  return SendResult::Outcome::kPermanent;
}

namespace {

boost::json::object BaseBody(const store::DeliveryJob& job) {
  boost::json::object o;
  o["version"] = 1;
  o["event_id"] = job.event_id;
  if (job.alert_id)
    o["alert_id"] = *job.alert_id;
  else
    o["alert_id"] = nullptr;
  o["rule"] = job.rule;
  // The rule instance's for_each labels as an object ({} for a rule without for_each).
  boost::json::object labels;
  for (const auto& [k, v] : SplitLabels(job.labels)) labels[k] = v;
  o["labels"] = std::move(labels);
  o["severity"] = job.severity;
  o["state"] = job.kind == "resolved" ? "resolved" : "firing";
  o["kind"] = job.kind;
  o["series"] = job.series;
  if (job.value)
    o["value"] = *job.value;
  else
    o["value"] = nullptr;
  if (job.threshold)
    o["threshold"] = *job.threshold;
  else
    o["threshold"] = nullptr;
  o["observation_date"] = job.obs_date;
  o["message"] = job.message;
  o["event_time"] = job.eval_time;
  return o;
}

}  // namespace

std::string WithoutSecretUrl(std::string text, const std::string& url) {
  // The URL is the secret (its token is in the path): no form of it may survive, registered
  // with the scrubber or not (a notifier built outside a config load).
  for (const std::string& form : {url, RedactUrl(url), RedactUrl(ScrubSecrets(url))}) {
    if (form.size() < 4) continue;
    for (size_t pos = text.find(form); pos != std::string::npos; pos = text.find(form, pos)) {
      text.replace(pos, form.size(), "[redacted URL]");
      pos += 14;
    }
  }
  return ScrubSecrets(std::move(text));
}

std::string WebhookBody(const store::DeliveryJob& job) { return WriteJson(BaseBody(job)); }

std::string WebhookBody(const store::DeliveryJob& job, const AlertView& v,
                        const std::string& text) {
  // The outbox fields, plus display context. Additions within version 1 are optional for
  // receivers: they must ignore keys they do not know (docs/webhook.md).
  boost::json::object o = BaseBody(job);
  o["description"] = v.description;
  o["unit"] = v.unit;
  o["value_text"] = v.value_text;
  o["threshold_text"] = v.threshold_text;
  o["link"] = v.link.empty() ? boost::json::value(nullptr) : boost::json::value(v.link);
  auto or_null = [](const std::string& s) {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
  };
  o["dashboard_link"] = or_null(v.dashboard_link);
  o["chart_link"] = or_null(v.chart_link);
  o["idempotency_key"] = job.idempotency_key;
  if (!text.empty()) o["text"] = text;
  return WriteJson(o);
}

boost::asio::awaitable<SendResult> PostJson(
    http::HttpClient& http, const WallClock& clock, const std::string& url, Duration timeout,
    std::string body, std::vector<std::pair<std::string, std::string>> headers,
    const std::string& what) {
  http::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.timeout = timeout;
  req.max_body_bytes = 64 * 1024;  // receivers' replies are small; ignore anything bigger
  req.headers = std::move(headers);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  // A signed POST is never replayed elsewhere: a 3xx is the answer (a delivery error).
  req.follow_redirects = false;
  auto r = co_await http.AsyncFetch(req, boost::asio::use_awaitable);
  if (!r.ok()) {
    // Say which notifier it was; the URL (the secret) is taken out of the transport error.
    co_return SendResult{SendResult::Outcome::kRetryable,
                         WithoutSecretUrl(fmt::format("{}: {}", what, r.status().message()), url),
                         {}};
  }
  SendResult result;
  result.outcome = ClassifyHttpStatus(r->status);
  if (result.outcome != SendResult::Outcome::kDelivered) {
    // Only the status: a Location header would repeat the URL's secret path, or a new one.
    result.error = fmt::format("HTTP {} from {}", r->status, what);
    if (r->status >= 300 && r->status < 400)
      result.error +=
          " (a redirect: webhook and Slack POSTs do not follow redirects; configure "
          "the final URL)";
    // The dispatcher applies http.max_retry_after; this only bounds the parse.
    result.retry_after = http::ParseRetryAfter(r->Header("Retry-After"), clock.Now(),
                                               config::defaults::kMaxRetryAfterLimit);
    result.error = WithoutSecretUrl(std::move(result.error), url);
  }
  co_return result;
}

boost::asio::awaitable<SendResult> WebhookNotifier::Send(const store::DeliveryJob& job) {
  AlertView view = MakeView(job, *catalog_);
  std::string text;
  if (!config_.message_template.empty())
    text = RenderTemplate(config_.message_template, Placeholders(view));
  auto post = Post(job, WebhookBody(job, view, text));
  SendResult r = co_await std::move(post);
  co_return r;
}

boost::asio::awaitable<SendResult> WebhookNotifier::SendGroup(
    const std::vector<store::DeliveryJob>& jobs) {
  boost::json::array group;
  for (const auto& job : jobs) {
    AlertView view = MakeView(job, *catalog_);
    std::string text;
    if (!config_.message_template.empty())
      text = RenderTemplate(config_.message_template, Placeholders(view));
    group.push_back(boost::json::parse(WebhookBody(job, view, text)));
  }
  boost::json::object body = group.front().as_object();
  body["group"] = std::move(group);
  // The first alert's key and event id: a retry of the same group carries the same ones.
  auto post = Post(jobs.front(), WriteJson(body));
  SendResult r = co_await std::move(post);
  co_return r;
}

boost::asio::awaitable<SendResult> WebhookNotifier::Post(const store::DeliveryJob& job,
                                                         std::string body) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Idempotency-Key", job.idempotency_key},
      {"X-Liqwatch-Event-Id", std::to_string(job.event_id)}};
  if (config_.signing_secret) {
    int64_t ts =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    headers.emplace_back("X-Liqwatch-Timestamp", std::to_string(ts));
    headers.emplace_back("X-Liqwatch-Signature",
                         WebhookSignature(*config_.signing_secret, ts, body));
  }
  auto what = "webhook " + config_.name;
  auto post = PostJson(http_, clock_, config_.url, config_.timeout, std::move(body),
                       std::move(headers), what);
  SendResult r = co_await std::move(post);
  co_return r;
}

}  // namespace liqwatch::notify
