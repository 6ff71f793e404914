#include "notify/factory.h"

#include "notify/alertmanager.h"
#include "notify/email.h"
#include "notify/slack.h"
#include "notify/webhook.h"

namespace liqwatch::notify {

std::unique_ptr<Notifier> MakeNotifier(const config::NotifierConfig& n, http::HttpClient& http,
                                       std::shared_ptr<const AlertCatalog> catalog) {
  if (n.type == "webhook") return std::make_unique<WebhookNotifier>(n, http, std::move(catalog));
  if (n.type == "slack") return std::make_unique<SlackNotifier>(n, http, std::move(catalog));
  if (n.type == "alertmanager")
    return std::make_unique<AlertmanagerNotifier>(n, http, std::move(catalog));
  if (n.type == "email") return std::make_unique<EmailNotifier>(n, http, std::move(catalog));
  return nullptr;
}

std::map<std::string, std::unique_ptr<Notifier>> MakeNotifiers(const config::Config& c,
                                                               http::HttpClient& http) {
  auto catalog = AlertCatalog::Build(c);
  std::map<std::string, std::unique_ptr<Notifier>> out;
  for (const auto& n : c.notifiers) {
    if (auto notifier = MakeNotifier(n, http, catalog)) out[n.name] = std::move(notifier);
  }
  return out;
}

}  // namespace liqwatch::notify
