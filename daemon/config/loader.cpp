// LoadConfig: YAML -> validated Config. Structure: one function per section, each reading with
// the strict YamlReader, then a cross-reference pass.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "config/config.h"
#include "config/defaults.h"
#include "config/notify_config.h"
#include "config/release_config.h"
#include "config/rules_config.h"
#include "config/yaml_reader.h"
#include "core/file.h"

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

// Column and line indexes (header_row, skip_lines, html_table date_column): small
// non-negative integers, checked before any cast (casting 1e300 or NaN to int is undefined
// behaviour; the poller's stoul threw on a 20-digit date_column that check-config accepted).
constexpr double kMaxIndex = 9999;
constexpr size_t kMaxIndexDigits = 4;
bool IsSmallIndex(double v) { return v >= 0 && v <= kMaxIndex && v == std::floor(v); }

const defaults::SourceTypeDefaults* SourceTypeDefaultsFor(std::string_view type) {
  for (const auto& d : defaults::kSourceTypes)
    if (d.type == type) return &d;
  return nullptr;
}

std::string KnownSourceTypes() {
  std::string out;
  for (const auto& d : defaults::kSourceTypes) {
    if (!out.empty()) out += ", ";
    out += d.type;
  }
  return out;
}

struct HttpDefaults {
  Duration timeout = defaults::kHttpTimeout;
  std::size_t max_body = defaults::kMaxBodyBytes;
  Duration max_retry_after = defaults::kMaxRetryAfter;
};

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
  if (auto n = root["api"]; n && r.CheckMap(n, "api", {"listen", "token", "web_dir"})) {
    if (auto v = r.String(n, "listen", "api", false)) {
      if (auto problem = ListenAddressProblem(*v))
        r.Error(n["listen"], fmt::format("api.listen: '{}': {}", *v, *problem));
      else
        c.listen = *v;
    }
    c.api_token = r.Secret(n, "token", "api", false);
    if (auto v = r.String(n, "web_dir", "api", false)) c.web_dir = *v;
  }
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

// Type-specific keys of a source; a key that does not apply to the type is an error.
void ReadSourceOptions(YamlReader& r, const YAML::Node& n, const std::string& path,
                       SourceConfig& s) {
  struct Key {
    const char* name;
    std::vector<std::string_view> types;
  };
  static const Key kKeys[] = {
      {"graph_url", {"fred"}},
      {"api_key", {"fred"}},
      {"path", {"html_table", "csv", "json"}},
      {"preset", {"html_table"}},
      {"table_xpath", {"html_table"}},
      {"header_rows_xpath", {"html_table"}},
      {"header_row", {"html_table"}},
      {"rows_xpath", {"html_table"}},
      {"dates_in_header", {"html_table"}},
      {"date_column", {"html_table", "csv"}},
      {"date_format", {"html_table", "csv", "json"}},
      {"rows_pointer", {"json"}},
      {"date_pointer", {"json"}},
      {"delimiter", {"csv"}},
      {"skip_lines", {"csv"}},
  };
  for (const auto& k : kKeys) {
    if (!n[k.name]) continue;
    if (std::find(k.types.begin(), k.types.end(), s.type) == k.types.end()) {
      std::string types;
      for (auto t : k.types) types += (types.empty() ? "" : ", ") + std::string(t);
      r.Error(n[k.name], fmt::format("{}.{}: not a key of type {} (only for {})", path, k.name,
                                     s.type, types));
    }
  }
  if (auto v = r.String(n, "path", path, false)) {
    if (v->empty() || (*v)[0] != '/')
      r.Error(n["path"],
              fmt::format("{}.path: expected a path starting with '/', got '{}'", path, *v));
    else
      s.path = *v;
  }
  s.table_xpath = r.String(n, "table_xpath", path, false);
  s.header_rows_xpath = r.String(n, "header_rows_xpath", path, false);
  s.rows_xpath = r.String(n, "rows_xpath", path, false);
  if (auto v = r.Number(n, "header_row", path, false)) {
    if (!IsSmallIndex(*v))
      r.Error(n["header_row"],
              fmt::format("{}.header_row: expected an integer from 0 to 9999", path));
    else
      s.header_row = static_cast<int>(*v);
  }
  s.dates_in_header = r.Bool(n, "dates_in_header", path, false);
  s.date_column = r.String(n, "date_column", path, false);
  if (s.date_column && s.type == "html_table" &&
      (s.date_column->empty() || s.date_column->size() > kMaxIndexDigits ||
       s.date_column->find_first_not_of("0123456789") != std::string::npos))
    r.Error(n["date_column"], fmt::format("{}.date_column: expected a 0-based column index "
                                          "(0 to 9999) for html_table, got '{}'",
                                          path, *s.date_column));
  s.date_format = r.String(n, "date_format", path, false);
  s.rows_pointer = r.String(n, "rows_pointer", path, false);
  s.date_pointer = r.String(n, "date_pointer", path, false);
  for (const auto* p : {&s.rows_pointer, &s.date_pointer}) {
    if (*p && !(*p)->empty() && (**p)[0] != '/')
      r.Error(
          n[p == &s.rows_pointer ? "rows_pointer" : "date_pointer"],
          fmt::format("{}: a JSON Pointer must be empty or start with '/', got '{}'", path, **p));
  }
  s.delimiter = r.String(n, "delimiter", path, false);
  if (s.delimiter && s.delimiter->size() != 1)
    r.Error(n["delimiter"], fmt::format("{}.delimiter: expected one character", path));
  if (auto v = r.Number(n, "skip_lines", path, false)) {
    if (!IsSmallIndex(*v))
      r.Error(n["skip_lines"],
              fmt::format("{}.skip_lines: expected an integer from 0 to 9999", path));
    else
      s.skip_lines = static_cast<int>(*v);
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
    if (!r.CheckMap(n, path,
                    {"type",         "base_url",       "graph_url",           "api_key",
                     "timeout",      "max_body",       "requests_per_second", "path",
                     "preset",       "table_xpath",    "header_rows_xpath",   "header_row",
                     "rows_xpath",   "date_column",    "date_format",         "rows_pointer",
                     "date_pointer", "delimiter",      "skip_lines",          "redirect_hosts",
                     "headers",      "dates_in_header"}))
      continue;
    auto type = r.String(n, "type", path, true);
    if (!type) continue;
    s.type = *type;
    const auto* d = SourceTypeDefaultsFor(s.type);
    if (d == nullptr) {
      r.Error(n["type"], fmt::format("{}.type: unknown source type '{}', expected one of {}", path,
                                     s.type, KnownSourceTypes()));
      continue;
    }
    s.preset = r.String(n, "preset", path, false).value_or("");
    std::string default_base(d->base_url);
    if (!s.preset.empty()) {
      const defaults::HtmlPreset* preset = defaults::FindHtmlPreset(s.preset);
      if (s.type != "html_table" || preset == nullptr) {
        r.Error(n["preset"], fmt::format("{}.preset: unknown preset '{}' for type {}, expected "
                                         "farside_btc, farside_eth, ici_etf_flows, "
                                         "ishares_ibit or ishares_etha (type html_table)",
                                         path, s.preset, s.type));
      } else {
        // A product page has no table: the table keys would be silently ignored.
        for (const char* key : {"table_xpath", "header_rows_xpath", "header_row", "rows_xpath",
                                "dates_in_header", "date_column", "date_format"}) {
          if (preset->data_points && n[key])
            r.Error(n[key], fmt::format("{}.{}: not a key of preset {} (it reads single data "
                                        "points, not a table)",
                                        path, key, s.preset));
        }
        default_base = std::string(preset->base_url);
        s.path = std::string(preset->path);
      }
    }
    ReadHeaders(r, n, path, s);
    ReadSourceOptions(r, n, path, s);
    if (default_base.empty() && !n["base_url"]) {
      r.Error(n, fmt::format("{}: missing required key 'base_url' (type {} has no default URL)",
                             path, s.type));
      continue;
    }
    s.base_url = r.Url(n, "base_url", path, false, false).value_or(default_base);
    s.graph_url = r.Url(n, "graph_url", path, false, false).value_or(std::string(d->graph_url));
    s.api_key = r.Secret(n, "api_key", path, false);
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
    s.requests_per_second =
        r.Number(n, "requests_per_second", path, false).value_or(d->requests_per_second);
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

void ReadSeries(YamlReader& r, const YAML::Node& node, Config& c) {
  ForEachListItem(r, node, "series", [&](const YAML::Node& n, const std::string& path) {
    if (!r.CheckMap(n, path,
                    {"id", "source", "remote_id", "unit", "interval", "description", "max_age",
                     "field", "windows", "jitter", "alert_on_provisional", "release"}))
      return;
    SeriesConfig s;
    s.pos = YamlReader::PositionOf(n);
    auto id = r.String(n, "id", path, true);
    auto source = r.String(n, "source", path, true);
    auto remote = r.String(n, "remote_id", path, true);
    auto unit = r.String(n, "unit", path, true);
    s.interval = r.DurationValue(n, "interval", path, false).value_or(defaults::kPollInterval);
    s.description = r.String(n, "description", path, false).value_or("");
    s.max_age = r.DurationValue(n, "max_age", path, false);
    s.field = r.String(n, "field", path, false).value_or("");
    ReadWindows(r, n["windows"], path, s);
    ReadRelease(r, n["release"], path, s);
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
      if (!r.CheckMap(
              n, path,
              {"name", "expr", "warn", "crit", "clear", "for", "min_time", "repeat", "for_each",
               "severity", "description", "notify", "series", "op", "threshold"}))
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
                    {"name", "series", "op", "threshold", "severity", "description", "notify"}))
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

// What remote_id and field may be for each source type; nullopt when fine.
std::optional<std::string> CheckSeriesForSource(const SourceConfig& src, const SeriesConfig& s) {
  auto one_of = [](const std::string& v, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), v) != set.end();
  };
  if (src.type == "nyfed") {
    if (one_of(s.remote_id, {"sofr", "tgcr", "bgcr", "effr", "obfr"})) {
      if (!s.field.empty() &&
          !one_of(s.field, {"percentRate", "percentPercentile1", "percentPercentile25",
                            "percentPercentile75", "percentPercentile99", "volumeInBillions",
                            "targetRateFrom", "targetRateTo"}))
        return fmt::format(
            "field '{}' is not a NY Fed rate field, expected percentRate, "
            "percentPercentile1, percentPercentile25, percentPercentile75, "
            "percentPercentile99, volumeInBillions, targetRateFrom or "
            "targetRateTo",
            s.field);
      return std::nullopt;
    }
    if (one_of(s.remote_id, {"repo", "reverserepo"})) {
      if (!s.field.empty() && s.field != "total")
        return fmt::format("field '{}' is not valid for NY Fed operations, expected total",
                           s.field);
      return std::nullopt;
    }
    return fmt::format(
        "remote_id '{}' is not a NY Fed feed, expected sofr, tgcr, bgcr, effr, "
        "obfr (reference rates), repo (Standing Repo Facility) or reverserepo "
        "(ON RRP)",
        s.remote_id);
  }
  if (!s.field.empty() && src.type != "nyfed")
    return fmt::format("field is only for nyfed series (source '{}' has type {})", src.name,
                       src.type);
  if (const auto* preset = defaults::FindHtmlPreset(src.preset);
      src.type == "html_table" && preset && preset->data_points &&
      !one_of(s.remote_id, {"shares_outstanding", "nav", "total_net_assets"}))
    return fmt::format("remote_id '{}' is not a data point of preset {}, expected {}", s.remote_id,
                       src.preset, defaults::kISharesPoints);
  if (src.type == "treasury_dts" && s.remote_id != "tga")
    return fmt::format("remote_id '{}' is not a Treasury DTS feed, expected tga", s.remote_id);
  if (src.type == "fear_greed" && s.remote_id != "fng")
    return fmt::format("remote_id '{}' is not a Fear & Greed feed, expected fng", s.remote_id);
  return std::nullopt;
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
    if (auto problem = CheckSeriesForSource(*src, s))
      r.ErrorAt(s.pos, fmt::format("series '{}': {}", s.id, *problem));
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
