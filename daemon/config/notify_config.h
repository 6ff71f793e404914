// The notification parts of the config: the `notifiers:` and `routes:` sections.
//
// Contract: ReadNotifiers reads the `notifiers:` mapping (name -> settings) into c.notifiers,
// reporting every problem through the YamlReader (FILE:LINE:COL, unknown keys are errors).
// Secrets (webhook/Slack URLs, HMAC keys, SMTP passwords) are resolved through
// ${env:}/${file:}/${cred:} and registered with the log scrubber; an error names the key,
// never the value. Defaults come from core/defaults.h. Not thread-safe (one load at a time).
//
// Notifier types and their keys (docs/notifications.md):
//   common   type, url, timeout, send_resolved (true), deliver_after_silence (true), template,
//            rate_limit (COUNT/PERIOD, e.g. 10/1h; excess sends are deferred, never dropped)
//   slack, email: group_wait (duration; firing alerts opening within it go out as one
//            message per notifier; 0 = off)
//   webhook  secret                       HMAC-SHA256 signing key (docs/webhook.md)
//   slack    (url is the incoming-webhook URL, a secret)
//   email    url smtp://host[:port] or smtps://host[:port], from, to (list), username,
//            password, starttls (required|optional|off, smtp:// only), ca_file
#pragma once

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace liqwatch::config {

void ReadNotifiers(YamlReader& r, const YAML::Node& node, Config& c);

// The names a `template:` may use as {{name}} (notify/context.h Placeholders() fills them; a
// unit test keeps the two lists equal). An unknown name is a config error.
inline constexpr std::string_view kTemplatePlaceholders[] = {
    "rule",        "severity",    "kind",           "state",     "series",
    "series_name", "unit",        "value",          "threshold", "observation_date",
    "event_time",  "description", "message",        "link",      "event_id",
    "alert_id",    "summary",     "dashboard_link", "chart_link"};
// Reads `routes:` (a list; each item severity, rule, labels, notify, continue) into c.routes.
// Call after ReadNotifiers: an unknown notifier name is an error at its position.
void ReadRoutes(YamlReader& r, const YAML::Node& node, Config& c);

// True for "smtp://host[:port]" / "smtps://host[:port]" with a non-empty host and no path
// other than "/".
bool IsSmtpUrl(std::string_view url);

}  // namespace liqwatch::config
