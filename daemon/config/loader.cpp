// LoadConfig: YAML -> validated Config. Structure: one function per section, each reading with
// the strict YamlReader, then a cross-reference pass.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "config/config.h"
#include "config/notify_config.h"
#include "config/release_config.h"
#include "config/rules_config.h"
#include "config/yaml_reader.h"
#include "core/defaults.h"
#include "core/file.h"
#include "sources/driver.h"

namespace liqwatch::config {

std::string_view ComparisonText(Comparison c) {
  switch (c) {
    case Comparison::kGreater:
      return ">";
    case Comparison::kGreaterEqual:
      return ">=";
    case Comparison::kLess:
      return "<";
    case Comparison::kLessEqual:
      return "<=";
  }
  return "?";
}

const SourceConfig* Config::FindSource(std::string_view name) const {
  for (const auto& s : sources)
    if (s.name == name) return &s;
  return nullptr;
}

const SeriesConfig* Config::FindSeries(std::string_view id) const {
  if (series_index_.size() == series.size()) {
    auto it = series_index_.find(id);
    if (it == series_index_.end()) return nullptr;
    if (it->second < series.size() && series[it->second].id == id) return &series[it->second];
  }
  for (const auto& s : series)
    if (s.id == id) return &s;
  return nullptr;
}

const SeriesConfig* Config::FindFeed(std::string_view id) const {
  if (const SeriesConfig* s = FindSeries(id)) return s;
  for (const auto& f : fallback_feeds)
    if (f.id == id) return &f;
  return nullptr;
}

std::vector<SeriesConfig> Config::PolledFeeds() const {
  std::vector<SeriesConfig> out = series;
  out.insert(out.end(), fallback_feeds.begin(), fallback_feeds.end());
  return out;
}

void Config::IndexSeries() {
  series_index_.clear();
  for (std::size_t i = 0; i < series.size(); ++i) series_index_.emplace(series[i].id, i);
  // Duplicate ids (refused by the loader) leave the index short: FindSeries then scans.
}

std::string Config::Summary() const {
  return fmt::format("{} sources, {} series, {} rules, {} notifiers", sources.size(), series.size(),
                     rules.size(), notifiers.size());
}

std::string ConfigError::ToString() const {
  if (pos.line == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, pos.line, pos.column, message);
}

namespace {

struct HttpDefaults {
  Duration timeout = defaults::kHttpTimeout;
  std::size_t max_body = defaults::kMaxBodyBytes;
  Duration max_retry_after = defaults::kMaxRetryAfter;
};

void ReadLogSection(YamlReader& r, const YAML::Node& root, Config& c) {
  if (auto n = root["log"]; n && r.CheckMap(n, "log", {"level"})) {
    if (auto v = r.String(n, "level", "log", false)) {
      static const std::set<std::string> kLevels = {"trace", "debug",    "info", "warn",
                                                    "error", "critical", "off"};
      if (kLevels.count(*v))
        c.log_level = *v;
      else
        r.Error(n["level"], fmt::format("log.level: unknown level '{}', expected trace, debug, "
                                        "info, warn, error, critical or off",
                                        *v));
    }
  }
}

void ReadApiSection(YamlReader& r, const YAML::Node& root, Config& c) {
  if (auto n = root["api"];
      n && r.CheckMap(n, "api", {"listen", "token", "web_dir", "dashboard_url"})) {
    if (auto v = r.String(n, "listen", "api", false)) {
      if (auto problem = ListenAddressProblem(*v))
        r.Error(n["listen"], fmt::format("api.listen: '{}': {}", *v, *problem));
      else
        c.listen = *v;
    }
    c.api_token = r.Secret(n, "token", "api", false);
    if (auto v = r.String(n, "web_dir", "api", false)) c.web_dir = *v;
    if (auto v = r.Url(n, "dashboard_url", "api", false, false)) {
      c.dashboard_url = *v;
      while (!c.dashboard_url.empty() && c.dashboard_url.back() == '/') c.dashboard_url.pop_back();
    }
  }
}

void ReadHttpSection(YamlReader& r, const YAML::Node& root, Config& c, HttpDefaults& http) {
  if (auto n = root["http"];
      n && r.CheckMap(n, "http", {"user_agent", "timeout", "max_body", "max_retry_after"})) {
    if (auto v = r.String(n, "user_agent", "http", false)) c.user_agent = *v;
    if (auto v = r.DurationValue(n, "timeout", "http", false)) http.timeout = *v;
    if (auto v = r.ByteSize(n, "max_body", "http", false)) http.max_body = *v;
    if (auto v = r.DurationValue(n, "max_retry_after", "http", false)) {
      if (v->count() > 0 && *v <= defaults::kMaxRetryAfterLimit) {
        http.max_retry_after = *v;
        c.delivery.max_retry_after = *v;
      } else {
        r.Error(n["max_retry_after"],
                "http.max_retry_after: must be greater than 0 and at most 24h");
      }
    }
  }
}

void ReadTopLevel(YamlReader& r, const YAML::Node& root, Config& c, HttpDefaults& http) {
  c.storage_path = std::string(defaults::kStoragePath);
  c.listen = std::string(defaults::kListen);
  c.log_level = std::string(defaults::kLogLevel);
  c.user_agent = std::string(defaults::kUserAgent);
  c.delivery = {defaults::kDeliveryBackoffInitial, defaults::kDeliveryBackoffMax,
                defaults::kDeliveryMaxAge, defaults::kMaxRetryAfter};
  c.age_interval = defaults::kAgeInterval;

  if (auto n = root["storage"]; n && r.CheckMap(n, "storage", {"path"})) {
    if (auto v = r.String(n, "path", "storage", false)) c.storage_path = *v;
  }
  ReadLogSection(r, root, c);
  ReadApiSection(r, root, c);
  ReadHttpSection(r, root, c, http);
  if (auto n = root["delivery"];
      n && r.CheckMap(n, "delivery", {"backoff_initial", "backoff_max", "max_age"})) {
    if (auto v = r.DurationValue(n, "backoff_initial", "delivery", false))
      c.delivery.backoff_initial = *v;
    if (auto v = r.DurationValue(n, "backoff_max", "delivery", false)) c.delivery.backoff_max = *v;
    if (auto v = r.DurationValue(n, "max_age", "delivery", false)) c.delivery.max_age = *v;
  }
  if (auto n = root["evaluation"]; n && r.CheckMap(n, "evaluation", {"age_interval"})) {
    if (auto v = r.DurationValue(n, "age_interval", "evaluation", false)) {
      if (v->count() > 0)
        c.age_interval = *v;
      else
        r.Error(n["age_interval"], "evaluation.age_interval: must be greater than 0");
    }
  }
}

// `headers:` of a source: a map of header name to value. Names are HTTP tokens; headers the
// client owns (Host, Content-Length, conditional GET, encoding) are refused. A value that is a
// secret reference is resolved (and so registered with the log scrubber); errors name the
// header, never a resolved value.
void ReadHeaders(YamlReader& r, const YAML::Node& n, const std::string& path, SourceConfig& s) {
  const YAML::Node h = n["headers"];
  if (!h) return;
  if (!h.IsMap()) {
    r.Error(h, fmt::format("{}.headers: expected a mapping of header name to value, e.g. "
                           "{{User-Agent: \"Mozilla/5.0 ...\", Accept: text/html}}",
                           path));
    return;
  }
  static constexpr std::string_view kOwned[] = {"host",
                                                "content-length",
                                                "if-none-match",
                                                "if-modified-since",
                                                "accept-encoding",
                                                "transfer-encoding"};
  for (const auto& kv : h) {
    const std::string name = kv.first.as<std::string>("");
    const std::string where = fmt::format("{}.headers.{}", path, name);
    const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char ch) {
      return std::isalnum(ch) ||
             std::string_view("!#$%&'*+-.^_`|~").find(char(ch)) != std::string_view::npos;
    });
    std::string lower = name;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!token) {
      r.Error(kv.first, fmt::format("{}: '{}' is not an HTTP header name", where, name));
      continue;
    }
    if (std::find(std::begin(kOwned), std::end(kOwned), lower) != std::end(kOwned)) {
      r.Error(kv.first, fmt::format("{}: set by liqwatch itself, it cannot be configured", where));
      continue;
    }
    // Only a reference is a secret: a literal User-Agent registered with the scrubber would
    // blank that text in every log line.
    auto value = kv.second.IsScalar() && kv.second.Scalar().find("${") != std::string::npos
                     ? r.Secret(h, name.c_str(), path + ".headers", true)
                     : r.String(h, name.c_str(), path + ".headers", true);
    if (!value) continue;
    if (value->find_first_of("\r\n") != std::string::npos) {
      r.Error(kv.second, fmt::format("{}: the value contains a line break", where));
      continue;
    }
    s.headers.emplace_back(name, std::move(*value));
  }
}

// A source's driver reads its own keys through this view of the YAML node, so its errors
// carry FILE:LINE:COL like every other key's.
class YamlOptionReader final : public sources::OptionReader {
 public:
  YamlOptionReader(YamlReader& r, const YAML::Node& node, std::string path)
      : r_(r), node_(node), path_(std::move(path)) {}
  bool Has(const char* key) const override { return static_cast<bool>(node_[key]); }
  std::optional<std::string> String(const char* key) override {
    return r_.String(node_, key, path_, false);
  }
  std::optional<double> Number(const char* key) override {
    return r_.Number(node_, key, path_, false);
  }
  std::optional<bool> Bool(const char* key) override { return r_.Bool(node_, key, path_, false); }
  std::optional<std::string> Url(const char* key) override {
    return r_.Url(node_, key, path_, false, false);
  }
  std::optional<std::string> Secret(const char* key) override {
    return r_.Secret(node_, key, path_, false);
  }
  void Error(const char* key, const std::string& message) override {
    r_.Error(key ? node_[key] : node_, message);
  }
  const std::string& path() const override { return path_; }

 private:
  YamlReader& r_;
  const YAML::Node& node_;
  std::string path_;
};

// The keys a source may have: those every source shares, then each driver's own.
const std::vector<std::string_view>& SourceKeys() {
  static const std::vector<std::string_view> kKeys = [] {
    std::vector<std::string_view> keys = {
        "type",           "base_url", "timeout", "max_body", "requests_per_second",
        "redirect_hosts", "headers"};
    for (const auto* d : sources::AllDrivers())
      for (auto k : d->keys())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    return keys;
  }();
  return kKeys;
}

// A key of another source type is an error that names the types it belongs to.
void CheckForeignKeys(YamlReader& r, const YAML::Node& n, const std::string& path,
                      const sources::SourceDriver& driver) {
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>("");
    auto own = driver.keys();
    if (std::find(own.begin(), own.end(), key) != own.end()) continue;
    std::string types;
    for (const auto* d : sources::AllDrivers()) {
      auto keys = d->keys();
      if (std::find(keys.begin(), keys.end(), key) != keys.end())
        types += (types.empty() ? "" : ", ") + std::string(d->type());
    }
    if (!types.empty())
      r.Error(kv.first, fmt::format("{}.{}: not a key of type {} (only for {})", path, key,
                                    driver.type(), types));
  }
}

// "08:15" -> minutes after midnight.
// series[i].windows: [{start: "08:15", end: "08:45", interval: 30s}, ...]
void ReadWindows(YamlReader& r, const YAML::Node& node, const std::string& path, SeriesConfig& s) {
  if (!node) return;
  if (!node.IsSequence()) {
    r.Error(node, fmt::format("{}.windows: expected a list of {{start, end, interval}}", path));
    return;
  }
  int i = 0;
  for (const auto& w : node) {
    std::string wpath = fmt::format("{}.windows[{}]", path, i++);
    if (!r.CheckMap(w, wpath, {"start", "end", "interval"})) continue;
    auto start = r.String(w, "start", wpath, true);
    auto end = r.String(w, "end", wpath, true);
    auto interval = r.DurationValue(w, "interval", wpath, true);
    ReleaseWindow rw;
    bool ok = start && end && interval;
    for (auto [text, key, out] :
         {std::tuple{&start, "start", &rw.start_minute}, std::tuple{&end, "end", &rw.end_minute}}) {
      if (!*text) continue;
      auto m = ParseClock(**text);
      if (!m) {
        r.Error(w[key], fmt::format("{}.{}: expected HH:MM (America/New_York), got '{}'", wpath,
                                    key, **text));
        ok = false;
      } else {
        *out = *m;
      }
    }
    if (ok && rw.end_minute <= rw.start_minute) {
      r.Error(w["end"], fmt::format("{}.end: must be after start", wpath));
      ok = false;
    }
    if (!ok) continue;
    rw.interval = *interval;
    s.windows.push_back(rw);
  }
}

void ReadSources(YamlReader& r, const YAML::Node& node, const HttpDefaults& http, Config& c) {
  if (!node) return;
  if (!node.IsMap()) {
    r.Error(node, "sources: expected a mapping of source name to settings");
    return;
  }
  for (const auto& kv : node) {
    SourceConfig s;
    s.name = kv.first.as<std::string>("");
    const auto& n = kv.second;
    std::string path = "sources." + s.name;
    s.pos = YamlReader::PositionOf(kv.first);
    if (!r.CheckMap(n, path, SourceKeys())) continue;
    auto type = r.String(n, "type", path, true);
    if (!type) continue;
    s.type = *type;
    s.driver = sources::FindDriver(s.type);
    if (s.driver == nullptr) {
      r.Error(n["type"], fmt::format("{}.type: unknown source type '{}', expected one of {}", path,
                                     s.type, sources::KnownSourceTypes()));
      continue;
    }
    CheckForeignKeys(r, n, path, *s.driver);
    s.base_url = std::string(s.driver->default_base_url());
    YamlOptionReader options(r, n, path);
    s.options = s.driver->ReadOptions(options, s);
    const std::string default_base = s.base_url;
    ReadHeaders(r, n, path, s);
    if (default_base.empty() && !n["base_url"]) {
      r.Error(n, fmt::format("{}: missing required key 'base_url' (type {} has no default URL)",
                             path, s.type));
      continue;
    }
    s.base_url = r.Url(n, "base_url", path, false, false).value_or(default_base);
    s.timeout = r.DurationValue(n, "timeout", path, false).value_or(http.timeout);
    s.max_body_bytes = r.ByteSize(n, "max_body", path, false).value_or(http.max_body);
    s.max_retry_after = http.max_retry_after;
    if (auto hosts = r.StringList(n, "redirect_hosts", path, false)) {
      for (const auto& h : *hosts) {
        if (h.empty() || h.find_first_of("/:@ ") != std::string::npos)
          r.Error(n["redirect_hosts"],
                  fmt::format("{}.redirect_hosts: '{}' is not a host name (give the bare host, "
                              "e.g. cdn.example.com, or \"*\" for any host)",
                              path, h));
      }
      s.redirect_hosts = std::move(*hosts);
    }
    s.requests_per_second_written = static_cast<bool>(n["requests_per_second"]);
    s.requests_per_second = r.Number(n, "requests_per_second", path, false)
                                .value_or(s.driver->default_requests_per_second());
    if (s.requests_per_second <= 0) {
      r.Error(n["requests_per_second"],
              fmt::format("{}.requests_per_second: must be greater than 0", path));
    }
    c.sources.push_back(std::move(s));
  }
}

template <typename Fn>
void ForEachListItem(YamlReader& r, const YAML::Node& node, const char* section, Fn fn) {
  if (!node) return;
  if (!node.IsSequence()) {
    r.Error(node, fmt::format("{}: expected a list", section));
    return;
  }
  int i = 0;
  for (const auto& item : node) fn(item, fmt::format("{}[{}]", section, i++));
}

// series[i].fallback: {source, remote_id, unit, field, release}: a second source of the series.
void ReadFallback(YamlReader& r, const YAML::Node& node, const std::string& path, SeriesConfig& s) {
  if (!node) return;
  const std::string fpath = path + ".fallback";
  if (!r.CheckMap(node, fpath, {"source", "remote_id", "unit", "field", "release"})) return;
  SeriesConfig::Fallback f;
  f.pos = YamlReader::PositionOf(node);
  auto source = r.String(node, "source", fpath, true);
  auto remote = r.String(node, "remote_id", fpath, true);
  auto unit = r.String(node, "unit", fpath, true);
  f.field = r.String(node, "field", fpath, false).value_or("");
  SeriesConfig release_holder;  // ReadRelease fills a SeriesConfig
  ReadRelease(r, node["release"], fpath, release_holder);
  f.release = std::move(release_holder.release);
  f.release_written = release_holder.release_written;
  if (unit) {
    auto u = ParseUnit(*unit);
    if (u.ok())
      f.unit = *u;
    else
      r.Error(node["unit"], fmt::format("{}.unit: {}", fpath, u.status().message()));
  }
  if (!source || !remote) return;
  f.source = *source;
  f.remote_id = *remote;
  s.fallback = std::move(f);
}

void ReadSeries(YamlReader& r, const YAML::Node& node, Config& c) {
  ForEachListItem(r, node, "series", [&](const YAML::Node& n, const std::string& path) {
    if (!r.CheckMap(n, path,
                    {"id", "source", "remote_id", "unit", "interval", "description", "max_age",
                     "field", "windows", "jitter", "alert_on_provisional", "release", "fallback"}))
      return;
    SeriesConfig s;
    s.pos = YamlReader::PositionOf(n);
    auto id = r.String(n, "id", path, true);
    auto source = r.String(n, "source", path, true);
    auto remote = r.String(n, "remote_id", path, true);
    auto unit = r.String(n, "unit", path, true);
    s.interval_written = static_cast<bool>(n["interval"]);
    s.interval = r.DurationValue(n, "interval", path, false).value_or(defaults::kPollInterval);
    s.description = r.String(n, "description", path, false).value_or("");
    s.max_age = r.DurationValue(n, "max_age", path, false);
    s.field = r.String(n, "field", path, false).value_or("");
    ReadWindows(r, n["windows"], path, s);
    ReadRelease(r, n["release"], path, s);
    ReadFallback(r, n["fallback"], path, s);
    s.jitter = r.Number(n, "jitter", path, false).value_or(defaults::kPollJitter);
    s.alert_on_provisional = r.Bool(n, "alert_on_provisional", path, false).value_or(false);
    if (s.jitter < 0 || s.jitter >= 1)
      r.Error(n["jitter"], fmt::format("{}.jitter: expected a fraction in [0, 1)", path));
    if (unit) {
      auto u = ParseUnit(*unit);
      if (u.ok())
        s.unit = *u;
      else
        r.Error(n["unit"], fmt::format("{}.unit: {}", path, u.status().message()));
    }
    if (!id || !source || !remote) return;
    s.id = *id;
    s.source = *source;
    s.remote_id = *remote;
    c.series.push_back(std::move(s));
  });
}

// The keys both rule forms share: name (returned), description, notify, severity.
std::optional<std::string> ReadRuleCommon(YamlReader& r, const YAML::Node& n,
                                          const std::string& path, RuleConfig& rule) {
  rule.pos = YamlReader::PositionOf(n);
  auto name = r.String(n, "name", path, true);
  rule.description = r.String(n, "description", path, false).value_or("");
  rule.notify = r.StringList(n, "notify", path, false).value_or(std::vector<std::string>{});
  // `off`: each alert alone, even for a rule whose default groups (durations are positive).
  if (const YAML::Node g = n["group_wait"]; g && g.IsScalar() && g.Scalar() == "off")
    rule.group_wait = Duration{};
  else
    rule.group_wait = r.DurationValue(n, "group_wait", path, false);
  if (auto sev = r.String(n, "severity", path, false)) {
    if (auto s = ParseSeverity(*sev))
      rule.severity = *s;
    else
      r.Error(n["severity"], fmt::format("{}.severity: unknown severity '{}', expected info, "
                                         "warning or critical",
                                         path, *sev));
  }
  return name;
}

void ReadRules(YamlReader& r, const YAML::Node& node, const RuleSet& rs, Config& c) {
  ForEachListItem(r, node, "rules", [&](const YAML::Node& n, const std::string& path) {
    if (IsExprRule(n)) {
      if (!r.CheckMap(n, path,
                      {"name", "expr", "warn", "crit", "clear", "seasonal", "for", "min_time",
                       "repeat", "for_each", "severity", "description", "notify", "group_wait",
                       "series", "op", "threshold"}))
        return;
      RuleConfig rule;
      auto name = ReadRuleCommon(r, n, path, rule);
      ReadExprRule(r, n, path, rs, rule);
      if (!name || !rule.expr) return;
      rule.name = *name;
      rule.severity = rule.expr->has_crit() ? Severity::kCritical : rule.expr->warn_severity;
      c.rules.push_back(std::move(rule));
      return;
    }
    if (!r.CheckMap(n, path,
                    {"name", "series", "op", "threshold", "severity", "description", "notify",
                     "group_wait"}))
      return;
    RuleConfig rule;
    auto name = ReadRuleCommon(r, n, path, rule);
    auto series = r.String(n, "series", path, true);
    auto op = r.String(n, "op", path, true);
    auto threshold = ReadThreshold(r, n, path, series ? c.FindSeries(*series) : nullptr);
    bool op_ok = false;
    if (op) {
      for (auto cmp : {Comparison::kGreater, Comparison::kGreaterEqual, Comparison::kLess,
                       Comparison::kLessEqual}) {
        if (*op == ComparisonText(cmp)) {
          rule.op = cmp;
          op_ok = true;
        }
      }
      if (!op_ok)
        r.Error(n["op"],
                fmt::format("{}.op: unknown comparison '{}', expected >, >=, < or <=", path, *op));
    }
    if (!name || !series || !threshold || !op_ok) return;
    rule.name = *name;
    rule.series = *series;
    rule.threshold = *threshold;
    c.rules.push_back(std::move(rule));
  });
}

// A series' fallback: its source exists and is not the series' own, its driver accepts it,
// and it publishes in a unit of the series' dimension. Adds its feed to c.fallback_feeds: the
// series' polling keys (interval, windows, jitter, max_age) with the fallback's source,
// remote id, unit, field and release calendar (its own, or the built-in one of its source).
void CheckFallback(YamlReader& r, Config& c, const SeriesConfig& s) {
  const SeriesConfig::Fallback& f = *s.fallback;
  const SourceConfig* src = c.FindSource(f.source);
  if (src == nullptr) {
    r.ErrorAt(f.pos, fmt::format("series '{}': fallback: unknown source '{}'", s.id, f.source));
    return;
  }
  if (f.source == s.source) {
    r.ErrorAt(f.pos, fmt::format("series '{}': fallback: source '{}' is the series' own source",
                                 s.id, f.source));
    return;
  }
  if (DimensionOf(f.unit) != DimensionOf(s.unit)) {
    r.ErrorAt(f.pos, fmt::format("series '{}': fallback: unit {} is {} but the series is {} ({})",
                                 s.id, UnitName(f.unit), DimensionName(DimensionOf(f.unit)),
                                 DimensionName(DimensionOf(s.unit)), UnitName(s.unit)));
    return;
  }
  SeriesConfig feed = s;
  feed.id = s.id + "@" + f.source;
  feed.fallback_of = s.id;
  feed.fallback.reset();
  feed.source = f.source;
  feed.remote_id = f.remote_id;
  feed.unit = f.unit;
  feed.field = f.field;
  feed.release = f.release_written ? f.release : src->driver->release_calendar(f.remote_id);
  feed.release_written = f.release_written;
  feed.description = "fallback source of " + s.id;
  feed.pos = f.pos;
  if (auto problem = src->driver->CheckSeries(*src, feed)) {
    r.ErrorAt(f.pos, fmt::format("series '{}': fallback: {}", s.id, *problem));
    return;
  }
  c.fallback_feeds.push_back(std::move(feed));
}

// References between sections, and duplicate names.
void CrossCheck(YamlReader& r, Config& c) {
  std::set<std::string> seen;
  for (const auto& s : c.series) {
    if (!seen.insert(s.id).second) r.ErrorAt(s.pos, fmt::format("series '{}': duplicate id", s.id));
    const SourceConfig* src = c.FindSource(s.source);
    if (src == nullptr) {
      r.ErrorAt(s.pos, fmt::format("series '{}': unknown source '{}'", s.id, s.source));
      continue;
    }
    if (auto problem = src->driver->CheckSeries(*src, s))
      r.ErrorAt(s.pos, fmt::format("series '{}': {}", s.id, *problem));
    if (s.fallback) CheckFallback(r, c, s);
  }
  seen.clear();
  for (const auto& rule : c.rules) {
    if (!seen.insert(rule.name).second)
      r.ErrorAt(rule.pos, fmt::format("rule '{}': duplicate name", rule.name));
    if (!rule.expr && c.FindSeries(rule.series) == nullptr)
      r.ErrorAt(rule.pos, fmt::format("rule '{}': unknown series '{}'", rule.name, rule.series));
    for (const auto& target : rule.notify) {
      bool found = false;
      for (const auto& n : c.notifiers) found = found || n.name == target;
      if (!found)
        r.ErrorAt(rule.pos, fmt::format("rule '{}': unknown notifier '{}'", rule.name, target));
    }
  }
}

}  // namespace

LoadResult LoadConfigFromString(const std::string& text, const std::string& file,
                                SecretRefs secrets) {
  LoadResult result;
  // Every way out reports the errors in file order (duplicate keys are found before the
  // top-level keys are checked, cross-checks after everything is read).
  auto in_file_order = [&result]() -> LoadResult {
    std::stable_sort(
        result.errors.begin(), result.errors.end(), [](const ConfigError& a, const ConfigError& b) {
          return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
        });
    return std::move(result);
  };
  YamlReader r(file, &result.errors, secrets == SecretRefs::kResolve);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    r.ErrorAt({e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
    return result;
  }
  r.CheckDuplicateKeys(text);
  Config c;
  c.file = file;
  if (!r.CheckMap(root, "top level",
                  {"storage", "log", "api", "http", "delivery", "evaluation", "sources", "series",
                   "derived", "rules", "notifiers", "routes"})) {
    return in_file_order();
  }
  HttpDefaults http;
  try {
    ReadTopLevel(r, root, c, http);
    ReadSources(r, root["sources"], http, c);
    ReadSeries(r, root["series"], c);
    ApplyReleaseDefaults(c);
    auto rule_set = std::make_shared<RuleSet>();
    ReadDerived(r, root["derived"], c, *rule_set);
    ReadRules(r, root["rules"], *rule_set, c);
    c.rule_set = std::move(rule_set);
    ReadNotifiers(r, root["notifiers"], c);
    ReadRoutes(r, root["routes"], c);
  } catch (const YAML::Exception& e) {  // defensive: yaml-cpp conversions can throw
    r.ErrorAt({e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  if (result.errors.empty()) CrossCheck(r, c);
  if (result.errors.empty()) CompileThresholdRules(r, c);
  if (result.errors.empty()) {
    c.IndexSeries();
    result.config = std::move(c);
  }
  return in_file_order();
}

LoadResult LoadConfig(const std::string& path, SecretRefs secrets) {
  auto text = ReadSmallFile(path, defaults::kMaxConfigBytes);
  if (!text.ok()) {
    LoadResult result;
    result.errors.push_back({path, {}, "config file " + text.status().message()});
    return result;
  }
  return LoadConfigFromString(*text, path, secrets);
}

}  // namespace liqwatch::config
