#include "config/notify_config.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/defaults.h"

namespace liqwatch::config {

bool IsSmtpUrl(std::string_view url) {
  std::string_view rest;
  if (url.rfind("smtp://", 0) == 0)
    rest = url.substr(7);
  else if (url.rfind("smtps://", 0) == 0)
    rest = url.substr(8);
  else
    return false;
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.front() == ':') return false;
  if (rest.find_first_of("/?#@ \t") != std::string_view::npos) return false;
  return true;
}

namespace {

// An address as written in From/To: "Name <a@b>" or "a@b". True if it has an '@' inside.
bool LooksLikeAddress(std::string_view s) {
  auto lt = s.find('<');
  if (lt != std::string_view::npos) {
    auto gt = s.find('>', lt);
    if (gt == std::string_view::npos) return false;
    s = s.substr(lt + 1, gt - lt - 1);
  }
  auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find_first_of(" \t\r\n,;") == std::string_view::npos;
}

// from (one address, optionally with a display name) and to (one or more addresses).
void ReadEmailAddresses(YamlReader& r, const YAML::Node& n, const std::string& path,
                        NotifierConfig& nc, bool& ok) {
  auto from = r.String(n, "from", path, true);
  if (from && !LooksLikeAddress(*from)) {
    r.Error(n["from"], fmt::format("{}.from: malformed address '{}', expected name@domain or "
                                   "\"Name <name@domain>\"",
                                   path, *from));
    ok = false;
  } else if (from) {
    nc.email.from = *from;
  } else {
    ok = false;
  }
  auto to = r.StringList(n, "to", path, true);
  if (to && to->empty()) {
    r.Error(n["to"], fmt::format("{}.to: expected at least one recipient", path));
    ok = false;
  } else if (to) {
    for (std::size_t i = 0; i < to->size(); ++i) {
      if (!LooksLikeAddress((*to)[i])) {
        r.Error(n["to"][i], fmt::format("{}.to[{}]: malformed address '{}', expected "
                                        "name@domain",
                                        path, i, (*to)[i]));
        ok = false;
      }
    }
    nc.email.to = *to;
  } else {
    ok = false;
  }
}

void ReadEmail(YamlReader& r, const YAML::Node& n, const std::string& path, NotifierConfig& nc,
               bool& ok) {
  auto url = r.String(n, "url", path, true);
  if (url) {
    if (!IsSmtpUrl(*url)) {
      r.Error(n["url"], fmt::format("{}.url: malformed SMTP URL '{}', expected smtp://host[:port] "
                                    "or smtps://host[:port]",
                                    path, *url));
      ok = false;
    } else {
      nc.url = *url;
      while (nc.url.back() == '/') nc.url.pop_back();
    }
  } else {
    ok = false;
  }
  ReadEmailAddresses(r, n, path, nc, ok);
  nc.email.username = r.Secret(n, "username", path, false);
  nc.email.password = r.Secret(n, "password", path, false);
  if (nc.email.password && !nc.email.username) {
    r.Error(n["password"], fmt::format("{}.password: needs {}.username", path, path));
    ok = false;
  }
  if (auto v = r.String(n, "starttls", path, false)) {
    if (*v == "required" || *v == "optional" || *v == "off") {
      nc.email.starttls = *v;
    } else {
      r.Error(n["starttls"], fmt::format("{}.starttls: unknown value '{}', expected required, "
                                         "optional or off",
                                         path, *v));
      ok = false;
    }
  }
  if (auto v = r.String(n, "ca_file", path, false)) nc.email.ca_file = *v;
}

void ReadAlertmanager(YamlReader& r, const YAML::Node& n, const std::string& path,
                      NotifierConfig& nc, bool& ok) {
  AlertmanagerConfig& am = nc.alertmanager;
  const YAML::Node urls = n["urls"];
  if (!urls || urls.IsNull()) {
    r.Error(n, fmt::format("{}: missing required key 'urls'", path));
    ok = false;
  } else if (!urls.IsSequence() || urls.size() == 0) {
    r.Error(urls, fmt::format("{}.urls: expected a list of one or more Alertmanager URLs", path));
    ok = false;
  } else {
    for (std::size_t i = 0; i < urls.size(); ++i) {
      // Each item through the same URL check (and secret resolution) as a notifier's url.
      // ("urls[i]" as the key keeps the item's position and names it in messages).
      const std::string key = fmt::format("urls[{}]", i);
      YAML::Node one;
      one[key] = urls[i];
      auto url = r.Url(one, key.c_str(), path, true, true);
      if (!url) {
        ok = false;
        continue;
      }
      std::string u = *url;
      while (!u.empty() && u.back() == '/') u.pop_back();
      am.urls.push_back(std::move(u));
    }
  }
  am.resend_interval = r.DurationValue(n, "resend_interval", path, false)
                           .value_or(defaults::kAlertmanagerResendInterval);
  if (am.resend_interval < std::chrono::seconds(1)) {
    r.Error(n["resend_interval"],
            fmt::format("{}.resend_interval: must be at least 1s (and shorter than "
                        "Alertmanager's resolve_timeout)",
                        path));
    ok = false;
  }
  if (n["dashboard_url"]) {
    if (auto d = r.Url(n, "dashboard_url", path, false, false)) {
      am.dashboard_url = *d;
      while (!am.dashboard_url.empty() && am.dashboard_url.back() == '/')
        am.dashboard_url.pop_back();
    } else {
      ok = false;
    }
  }
  am.username = r.Secret(n, "username", path, false);
  am.password = r.Secret(n, "password", path, false);
  am.bearer_token = r.Secret(n, "bearer_token", path, false);
  if (am.password && !am.username) {
    r.Error(n["password"], fmt::format("{}.password: needs {}.username", path, path));
    ok = false;
  }
  if (am.username && am.bearer_token) {
    r.Error(n["bearer_token"],
            fmt::format("{}.bearer_token: use either username/password or bearer_token", path));
    ok = false;
  }
  if (auto v = r.String(n, "ca_file", path, false)) am.ca_file = *v;
}

// Problems with the {{names}} of a template: unknown names and an unterminated "{{".
std::vector<std::string> UnknownPlaceholders(const std::string& t) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while ((pos = t.find("{{", pos)) != std::string::npos) {
    auto close = t.find("}}", pos + 2);
    if (close == std::string::npos) {
      out.push_back("unterminated '{{'");
      break;
    }
    std::string name = t.substr(pos + 2, close - pos - 2);
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (std::find(std::begin(kTemplatePlaceholders), std::end(kTemplatePlaceholders), name) ==
        std::end(kTemplatePlaceholders))
      out.push_back(
          fmt::format("unknown placeholder '{{{{{}}}}}', expected one of rule, "
                      "severity, kind, state, series, series_name, unit, value, "
                      "threshold, observation_date, event_time, description, "
                      "message, link, event_id, alert_id, summary",
                      name));
    pos = close + 2;
  }
  return out;
}

bool Bool(YamlReader& r, const YAML::Node& n, const char* key, const std::string& path,
          bool fallback) {
  return r.Bool(n, key, path, false).value_or(fallback);
}

}  // namespace

namespace {

// The keys each notifier type accepts; an unknown type is checked against all of them, so only
// the type itself is reported.
std::span<const std::string_view> NotifierKeys(const std::string& type) {
  static constexpr std::string_view kWebhook[] = {
      "type",       "url",      "timeout", "send_resolved", "deliver_after_silence",
      "rate_limit", "template", "secret"};
  static constexpr std::string_view kSlack[] = {
      "type",       "url",      "timeout",   "send_resolved", "deliver_after_silence",
      "rate_limit", "template", "group_wait"};
  static constexpr std::string_view kEmail[] = {
      "type",       "url",      "timeout",    "send_resolved", "deliver_after_silence",
      "rate_limit", "template", "group_wait", "from",          "to",
      "username",   "password", "starttls",   "ca_file"};
  static constexpr std::string_view kAlertmanager[] = {"type",
                                                       "urls",
                                                       "timeout",
                                                       "send_resolved",
                                                       "deliver_after_silence",
                                                       "rate_limit",
                                                       "resend_interval",
                                                       "dashboard_url",
                                                       "username",
                                                       "password",
                                                       "bearer_token",
                                                       "ca_file"};
  static constexpr std::string_view kAny[] = {"type",
                                              "url",
                                              "timeout",
                                              "send_resolved",
                                              "deliver_after_silence",
                                              "rate_limit",
                                              "template",
                                              "group_wait",
                                              "secret",
                                              "from",
                                              "to",
                                              "username",
                                              "password",
                                              "starttls",
                                              "ca_file",
                                              "urls",
                                              "resend_interval",
                                              "dashboard_url",
                                              "bearer_token"};
  if (type == "webhook") return kWebhook;
  if (type == "slack") return kSlack;
  if (type == "email") return kEmail;
  if (type == "alertmanager") return kAlertmanager;
  return kAny;
}

// rate_limit: "N/PERIOD", at most N sends per PERIOD; more are deferred, never dropped.
bool ReadRateLimit(YamlReader& r, const YAML::Node& n, const std::string& path,
                   NotifierConfig& nc) {
  auto v = r.String(n, "rate_limit", path, false);
  if (!v) return true;
  auto slash = v->find('/');
  int count = 0;
  Result<Duration> period = Status::InvalidArgument("");
  if (slash != std::string::npos) {
    try {
      std::size_t used = 0;
      count = std::stoi(v->substr(0, slash), &used);
      if (used != slash) count = 0;
    } catch (const std::exception&) {
      count = 0;
    }
    period = ParseDuration(v->substr(slash + 1));
  }
  if (count <= 0 || !period.ok()) {
    r.Error(n["rate_limit"], fmt::format("{}.rate_limit: invalid rate '{}', expected COUNT/PERIOD "
                                         "such as 10/1h",
                                         path, *v));
    return false;
  }
  nc.rate_limit_count = count;
  nc.rate_limit_period = *period;
  return true;
}

}  // namespace

void ReadNotifiers(YamlReader& r, const YAML::Node& node, Config& c) {
  if (!node) return;
  if (!node.IsMap()) {
    r.Error(node, "notifiers: expected a mapping of notifier name to settings");
    return;
  }
  for (const auto& kv : node) {
    NotifierConfig nc;
    nc.name = kv.first.as<std::string>("");
    nc.pos = YamlReader::PositionOf(kv.first);
    const auto& n = kv.second;
    std::string path = "notifiers." + nc.name;
    // The type decides which keys are allowed, so read it first.
    std::string type;
    if (n.IsMap() && n["type"] && n["type"].IsScalar()) type = n["type"].as<std::string>("");
    if (!r.CheckMap(n, path, NotifierKeys(type))) continue;
    if (type != "webhook" && type != "slack" && type != "email" && type != "alertmanager") {
      if (auto t = r.String(n, "type", path, true)) {
        r.Error(n["type"], fmt::format("{}.type: unknown notifier type '{}', expected webhook, "
                                       "slack, email or alertmanager",
                                       path, *t));
      }
      continue;
    }
    nc.type = type;
    bool ok = true;
    nc.timeout = r.DurationValue(n, "timeout", path, false).value_or(defaults::kDeliveryTimeout);
    nc.send_resolved = Bool(r, n, "send_resolved", path, true);
    nc.deliver_after_silence = Bool(r, n, "deliver_after_silence", path, true);
    nc.message_template = r.String(n, "template", path, false).value_or("");
    for (const auto& bad : UnknownPlaceholders(nc.message_template)) {
      r.Error(n["template"], fmt::format("{}.template: {}", path, bad));
      ok = false;
    }
    ok = ReadRateLimit(r, n, path, nc) && ok;
    if (type != "webhook" && type != "alertmanager") {
      nc.group_wait = r.DurationValue(n, "group_wait", path, false).value_or(Duration{});
    }
    if (type == "email") {
      ReadEmail(r, n, path, nc, ok);
    } else if (type == "alertmanager") {
      ReadAlertmanager(r, n, path, nc, ok);
    } else {
      auto url = r.Url(n, "url", path, true, true);
      if (url)
        nc.url = *url;
      else
        ok = false;
      if (type == "webhook") nc.signing_secret = r.Secret(n, "secret", path, false);
    }
    if (ok) c.notifiers.push_back(std::move(nc));
  }
}

namespace {

std::optional<std::vector<std::string>> OneOrMany(YamlReader& r, const YAML::Node& n,
                                                  const char* key, const std::string& path) {
  if (!n[key]) return std::nullopt;
  if (n[key].IsScalar()) return std::vector<std::string>{n[key].as<std::string>("")};
  return r.StringList(n, key, path, false);
}

}  // namespace

void ReadRoutes(YamlReader& r, const YAML::Node& node, Config& c) {
  if (!node) return;
  if (!node.IsSequence()) {
    r.Error(node, "routes: expected a list");
    return;
  }
  int i = 0;
  for (const auto& n : node) {
    std::string path = fmt::format("routes[{}]", i++);
    if (!r.CheckMap(n, path, {"severity", "rule", "labels", "notify", "continue"})) continue;
    RouteConfig route;
    route.pos = YamlReader::PositionOf(n);
    bool ok = true;
    if (auto sev = OneOrMany(r, n, "severity", path)) {
      for (const auto& s : *sev) {
        if (!ParseSeverity(s)) {
          r.Error(n["severity"], fmt::format("{}.severity: unknown severity '{}', expected info, "
                                             "warning or critical",
                                             path, s));
          ok = false;
        }
      }
      route.severities = *sev;
    }
    if (auto rules = OneOrMany(r, n, "rule", path)) route.rules = *rules;
    if (auto labels = n["labels"]) {
      if (!labels.IsMap()) {
        r.Error(labels, fmt::format("{}.labels: expected a mapping of label to value", path));
        ok = false;
      } else {
        for (const auto& kv : labels)
          route.labels.emplace_back(kv.first.as<std::string>(""), kv.second.as<std::string>(""));
      }
    }
    auto notify = r.StringList(n, "notify", path, true);
    if (!notify) continue;
    for (std::size_t j = 0; j < notify->size(); ++j) {
      bool found = false;
      for (const auto& nc : c.notifiers) found = found || nc.name == (*notify)[j];
      if (!found) {
        r.Error(n["notify"][j],
                fmt::format("{}.notify: unknown notifier '{}'", path, (*notify)[j]));
        ok = false;
      }
    }
    route.notify = *notify;
    route.continue_matching = Bool(r, n, "continue", path, false);
    if (ok) c.routes.push_back(std::move(route));
  }
}

}  // namespace liqwatch::config
