#include "notify/factory.h"

#include "notify/alertmanager.h"
#include "notify/email.h"
#include "notify/slack.h"
#include "notify/webhook.h"

namespace liqwatch::notify {

std::unique_ptr<Notifier> MakeNotifier(const config::NotifierConfig& n, NotifierDeps deps) {
  if (n.type == "webhook") return std::make_unique<WebhookNotifier>(n, std::move(deps));
  if (n.type == "slack") return std::make_unique<SlackNotifier>(n, std::move(deps));
  if (n.type == "alertmanager") return std::make_unique<AlertmanagerNotifier>(n, std::move(deps));
  if (n.type == "email") return std::make_unique<EmailNotifier>(n, std::move(deps));
  return nullptr;
}

std::map<std::string, std::unique_ptr<Notifier>> MakeNotifiers(const config::Config& c,
                                                               http::HttpClient& http,
                                                               const WallClock& clock) {
  auto catalog = AlertCatalog::Build(c);
  std::map<std::string, std::unique_ptr<Notifier>> out;
  for (const auto& n : c.notifiers) {
    if (auto notifier = MakeNotifier(n, {http, clock, catalog})) out[n.name] = std::move(notifier);
  }
  return out;
}

}  // namespace liqwatch::notify
