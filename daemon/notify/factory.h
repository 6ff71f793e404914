// Builds the notifiers of a config.
//
// Contract: one Notifier per config::NotifierConfig, by type (webhook, slack, email,
// alertmanager), sharing one AlertCatalog built from the same config. Call on the io_context's
// thread (notifiers keep references to `http` and `clock`, which must outlive them). The config has
// been validated by the loader, so an unknown type cannot occur; it is skipped if it does.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "http/client.h"
#include "notify/context.h"
#include "notify/notifier.h"

namespace liqwatch::notify {

std::unique_ptr<Notifier> MakeNotifier(const config::NotifierConfig& n, NotifierDeps deps);
std::map<std::string, std::unique_ptr<Notifier>> MakeNotifiers(const config::Config& c,
                                                               http::HttpClient& http,
                                                               const WallClock& clock);

}  // namespace liqwatch::notify
