// Prometheus Alertmanager notifier (`type: alertmanager`, API v2) and silence push.
//
// Contract: Send() POSTs one alert, AlertmanagerAlerts(job, view, dashboard_url), to
// URL/api/v2/alerts of every replica in the config's `urls` (Alertmanager HA expects every
// client to reach every replica; the cluster deduplicates notifications). The delivery is
// kDelivered when every replica has accepted it; replicas that accepted are not posted again
// when the outbox retries the same delivery in this process (an extra post after a restart
// is harmless: Alertmanager merges identical alerts). Otherwise kRetryable when any failure is
// retryable (notifier.h), else kPermanent. Errors name the notifier and the replica's index
// ("alertmanager am urls[1]"), never a URL or credential. Runs on the io_context's thread.
//
// The alert's labels are its identity in Alertmanager and are the same on every liqwatch node
// fed the same prints: alertname (the rule), severity, series, instance (the rule instance,
// "rule{k=v}") and the instance's for_each labels. Nothing node-specific is a label. The post
// carries the alert episode's current state (store::DeliveryJob alert_*): startsAt when it
// opened, endsAt once it resolved, so a late retry of a firing event cannot re-open it.
// resend_interval() makes the dispatcher re-send still-firing alerts (dispatcher.h).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "http/client.h"
#include "notify/context.h"
#include "notify/notifier.h"

namespace liqwatch::notify {

// The JSON array of postableAlerts (one alert) for the delivery.
std::string AlertmanagerAlerts(const store::DeliveryJob& job, const AlertView& v,
                               const std::string& dashboard_url);
// The Authorization header value for the config (basic or bearer); empty for none.
std::string AlertmanagerAuthorization(const config::AlertmanagerConfig& am);

class AlertmanagerNotifier final : public ConfiguredNotifier {
 public:
  using ConfiguredNotifier::ConfiguredNotifier;
  boost::asio::awaitable<SendResult> Send(const store::DeliveryJob& job) override;
  Duration resend_interval() const override { return config_.alertmanager.resend_interval; }

 private:
  // Replicas (indexes into urls) that accepted a delivery still being retried.
  std::map<int64_t, std::set<std::size_t>> accepted_;
};

// A silence as Alertmanager stores it (gettableSilence), for `liqwatch silence list`.
struct RemoteSilence {
  std::string id;
  std::string matchers;  // "alertname=r,k=v" (regex matchers shown as k=~v)
  std::string starts_at;
  std::string ends_at;
  std::string state;  // active, pending, expired
  std::string created_by;
  std::string comment;
};

// Silence push (`liqwatch silence add --push NOTIFIER`): the same matchers as a liqwatch
// silence (alertname = rule unless "*", then each k=v as an equality matcher).
// PushSilence POSTs it to the replicas in order until one takes it (the cluster gossips it to
// the others; posting to each would create one silence per replica) and returns
// {"NOTIFIER=ID"}. Errors (no replica took it) name the replicas by index, never a URL.
boost::asio::awaitable<Result<std::vector<std::string>>> PushSilence(
    http::HttpClient& http, const config::NotifierConfig& n, const std::string& rule,
    const std::string& matchers, const std::string& starts_at, const std::string& ends_at,
    const std::string& created_by, const std::string& comment);
// DELETE /api/v2/silence/ID on the replicas in order until one accepts (gossiped to the rest).
boost::asio::awaitable<Status> ExpireRemoteSilence(http::HttpClient& http,
                                                   const config::NotifierConfig& n,
                                                   const std::string& id);
// GET /api/v2/silences from the first replica that answers.
boost::asio::awaitable<Result<std::vector<RemoteSilence>>> ListRemoteSilences(
    http::HttpClient& http, const config::NotifierConfig& n);

}  // namespace liqwatch::notify
