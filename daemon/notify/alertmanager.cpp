#include "notify/alertmanager.h"

#include <algorithm>

#include <fmt/format.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "core/defaults.h"
#include "core/json.h"
#include "core/log.h"
#include "http/retry_after.h"

namespace liqwatch::notify {

namespace {

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// A transport error names the URL and curl names the host: the URL list may be a secret, and
// the replica is already named by its index, so both go.
std::string WithoutAddress(std::string message, const std::string& url) {
  auto erase_all = [&message](const std::string& what, const std::string& with) {
    if (what.empty()) return;
    for (auto pos = message.find(what); pos != std::string::npos;
         pos = message.find(what, pos + with.size()))
      message.replace(pos, what.size(), with);
  };
  erase_all(RedactUrl(url) + " ", "");
  erase_all(RedactUrl(url), "");
  auto start = url.find("://");
  if (start != std::string::npos) {
    start += 3;
    if (auto at = url.find('@', start); at != std::string::npos && at < url.find('/', start))
      start = at + 1;
    std::string host = url.substr(start, url.find_first_of(":/?", start) - start);
    erase_all(host, "[host]");
  }
  return message;
}

// One request to one replica; `what` names it in errors ("alertmanager am urls[1]").
boost::asio::awaitable<Result<http::HttpResponse>> Call(http::HttpClient& http,
                                                        const config::NotifierConfig& n,
                                                        std::string method, std::string url,
                                                        std::string body, const std::string& what) {
  http::HttpRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.timeout = n.timeout;
  req.max_body_bytes = 1u << 20;  // a silence list can be long; alerts answers are empty
  req.ca_file = n.alertmanager.ca_file;
  req.follow_redirects = false;  // as webhook and Slack: a redirect could carry credentials away
  if (auto auth = AlertmanagerAuthorization(n.alertmanager); !auth.empty())
    req.headers.emplace_back("Authorization", std::move(auth));
  if (!body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = std::move(body);
  }
  auto r = co_await http.AsyncFetch(req, boost::asio::use_awaitable);
  if (!r.ok())
    co_return Status::Unavailable(
        fmt::format("{}: {}", what, WithoutAddress(r.status().message(), req.url)));
  co_return std::move(r).value();
}

std::string What(const config::NotifierConfig& n, std::size_t i) {
  return fmt::format("alertmanager {} urls[{}]", n.name, i);
}

}  // namespace

std::string AlertmanagerAuthorization(const config::AlertmanagerConfig& am) {
  if (am.bearer_token) return "Bearer " + *am.bearer_token;
  if (am.username) return "Basic " + Base64(*am.username + ":" + am.password.value_or(""));
  return {};
}

std::string AlertmanagerAlerts(const store::DeliveryJob& job, const AlertView& v,
                               const std::string& dashboard_url) {
  boost::json::object labels;
  for (const auto& [k, val] : SplitLabels(job.labels)) labels[k] = val;
  // Ours last, so an instance label cannot take over the alert's identity.
  labels["alertname"] = job.rule;
  labels["severity"] = job.severity;
  labels["series"] = job.series;
  labels["instance"] = InstanceName(job.rule, job.labels);
  boost::json::object ann;
  ann["summary"] = v.Summary();
  ann["description"] = v.description.empty() ? v.message : v.description;
  ann["message"] = v.message;
  ann["value"] = v.value_text;
  if (!v.threshold_text.empty()) ann["threshold"] = v.threshold_text;
  ann["observation_date"] = v.obs_date;
  ann["event_key"] = job.idempotency_key;
  if (!v.link.empty()) ann["source"] = v.link;
  std::string dashboard;
  if (!dashboard_url.empty()) {
    dashboard = dashboard_url + "/#series=" + job.series;
    ann["dashboard"] = dashboard;
  }
  boost::json::object a;
  a["labels"] = std::move(labels);
  a["annotations"] = std::move(ann);
  a["startsAt"] = job.alert_opened_at.value_or(job.eval_time);
  if (job.alert_resolved_at) {
    a["endsAt"] = *job.alert_resolved_at;
  } else if (job.kind == "resolved") {
    a["endsAt"] = job.eval_time;
  } else if (job.kind == "test") {
    // notify-test: a real alert, so it must clear by itself.
    auto t = ParseTime(job.eval_time);
    if (t.ok()) a["endsAt"] = FormatTime(*t + std::chrono::minutes(5));
  }
  if (!dashboard.empty()) a["generatorURL"] = dashboard;
  boost::json::array out;
  out.push_back(std::move(a));
  return WriteJson(out);
}

boost::asio::awaitable<SendResult> AlertmanagerNotifier::Send(const store::DeliveryJob& job) {
  if (job.attempts == 0) accepted_.erase(job.delivery_id);  // a new delivery, or a re-send
  AlertView view = MakeView(job, *catalog_);
  const std::string body = AlertmanagerAlerts(job, view, config_.alertmanager.dashboard_url);
  auto& accepted = accepted_[job.delivery_id];
  SendResult result;
  bool retryable = false;
  std::vector<std::string> errors;
  const auto& urls = config_.alertmanager.urls;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (accepted.count(i)) continue;
    const std::string what = What(config_, i);
    auto call = Call(http_, config_, "POST", urls[i] + "/api/v2/alerts", body, what);
    auto r = co_await std::move(call);
    if (!r.ok()) {
      retryable = true;
      errors.push_back(r.status().message());
      continue;
    }
    auto outcome = ClassifyHttpStatus(r->status);
    if (outcome == SendResult::Outcome::kDelivered) {
      accepted.insert(i);
      continue;
    }
    if (outcome == SendResult::Outcome::kRetryable) {
      retryable = true;
      // The dispatcher applies http.max_retry_after; this only bounds the parse.
      if (auto ra = http::ParseRetryAfter(r->Header("Retry-After"), clock_.Now(),
                                          config::defaults::kMaxRetryAfterLimit))
        result.retry_after = ra;
    }
    errors.push_back(fmt::format("HTTP {} from {}", r->status, what));
  }
  if (errors.empty()) {
    accepted_.erase(job.delivery_id);
    co_return SendResult{};
  }
  result.outcome = retryable ? SendResult::Outcome::kRetryable : SendResult::Outcome::kPermanent;
  if (!retryable) accepted_.erase(job.delivery_id);
  result.error = fmt::format("{} of {} replicas failed: ", errors.size(), urls.size());
  for (std::size_t i = 0; i < errors.size(); ++i) result.error += (i ? "; " : "") + errors[i];
  co_return result;
}

boost::asio::awaitable<Result<std::vector<std::string>>> PushSilence(
    http::HttpClient& http, const config::NotifierConfig& n, const std::string& rule,
    const std::string& matchers, const std::string& starts_at, const std::string& ends_at,
    const std::string& created_by, const std::string& comment) {
  boost::json::array ms;
  auto add = [&ms](const std::string& name, const std::string& value) {
    ms.push_back({{"name", name}, {"value", value}, {"isRegex", false}, {"isEqual", true}});
  };
  if (rule != "*") add("alertname", rule);
  for (const auto& [k, v] : SplitLabels(matchers)) add(k, v);
  if (ms.empty()) add("alertname", "");  // unreachable via the CLI: "*" needs a matcher
  boost::json::object s;
  s["matchers"] = std::move(ms);
  s["startsAt"] = starts_at;
  s["endsAt"] = ends_at;
  s["createdBy"] = created_by.empty() ? std::string("liqwatch") : created_by;
  s["comment"] = comment.empty() ? std::string("liqwatch silence") : comment;
  const std::string body = WriteJson(s);
  std::vector<std::string> ids;
  std::vector<std::string> errors;
  const auto& urls = n.alertmanager.urls;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const std::string what = What(n, i);
    auto call = Call(http, n, "POST", urls[i] + "/api/v2/silences", body, what);
    auto r = co_await std::move(call);
    if (!r.ok()) {
      errors.push_back(r.status().message());
      continue;
    }
    if (r->status != 200) {
      errors.push_back(fmt::format("HTTP {} from {}", r->status, what));
      continue;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(r->body, ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto* id = o ? o->if_contains("silenceID") : nullptr;
    if (!id || !id->is_string()) {
      errors.push_back(what + ": answer without a silenceID");
      continue;
    }
    ids.push_back(n.name + "=" + std::string(id->as_string()));
    break;  // the cluster gossips it to the other replicas; posting again would duplicate it
  }
  if (ids.empty()) {
    std::string msg = "no Alertmanager replica took the silence";
    for (const auto& e : errors) msg += "; " + e;
    co_return Status::Unavailable(msg);
  }
  co_return ids;
}

boost::asio::awaitable<Status> ExpireRemoteSilence(http::HttpClient& http,
                                                   const config::NotifierConfig& n,
                                                   const std::string& id) {
  std::vector<std::string> errors;
  bool any = false;
  const auto& urls = n.alertmanager.urls;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const std::string what = What(n, i);
    auto call = Call(http, n, "DELETE", urls[i] + "/api/v2/silence/" + id, "", what);
    auto r = co_await std::move(call);
    if (!r.ok()) {
      errors.push_back(r.status().message());
    } else if (r->status == 200) {
      any = true;
      break;  // gossiped to the other replicas
    } else {
      errors.push_back(fmt::format("HTTP {} from {}", r->status, what));
    }
  }
  if (any) co_return Status::Ok();
  std::string msg = "no Alertmanager replica expired silence " + id;
  for (const auto& e : errors) msg += "; " + e;
  co_return Status::Unavailable(msg);
}

boost::asio::awaitable<Result<std::vector<RemoteSilence>>> ListRemoteSilences(
    http::HttpClient& http, const config::NotifierConfig& n) {
  std::string errors;
  const auto& urls = n.alertmanager.urls;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const std::string what = What(n, i);
    auto call = Call(http, n, "GET", urls[i] + "/api/v2/silences", "", what);
    auto r = co_await std::move(call);
    if (!r.ok() || r->status != 200) {
      errors +=
          "; " + (r.ok() ? fmt::format("HTTP {} from {}", r->status, what) : r.status().message());
      continue;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(r->body, ec);
    if (ec || !v.is_array()) {
      errors += "; " + what + ": answer is not a JSON list";
      continue;
    }
    auto text = [](const boost::json::object& o, const char* k) {
      const auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    std::vector<RemoteSilence> out;
    for (const auto& item : v.as_array()) {
      const auto* o = item.if_object();
      if (!o) continue;
      RemoteSilence s;
      s.id = text(*o, "id");
      s.starts_at = text(*o, "startsAt");
      s.ends_at = text(*o, "endsAt");
      s.created_by = text(*o, "createdBy");
      s.comment = text(*o, "comment");
      if (const auto* st = o->if_contains("status"); st && st->is_object())
        s.state = text(st->as_object(), "state");
      if (const auto* ms = o->if_contains("matchers"); ms && ms->is_array()) {
        for (const auto& m : ms->as_array()) {
          const auto* mo = m.if_object();
          if (!mo) continue;
          const auto* re = mo->if_contains("isRegex");
          const auto* eq = mo->if_contains("isEqual");
          bool regex = re && re->is_bool() && re->as_bool();
          bool equal = !eq || !eq->is_bool() || eq->as_bool();
          std::string op = std::string(equal ? "" : "!") + (regex ? "=~" : "=");
          if (!s.matchers.empty()) s.matchers += ",";
          s.matchers += text(*mo, "name") + op + text(*mo, "value");
        }
      }
      out.push_back(std::move(s));
    }
    co_return out;
  }
  co_return Status::Unavailable("no Alertmanager replica answered" + errors);
}

}  // namespace liqwatch::notify
