#include "api/api.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "config/rules_config.h"
#include "core/log.h"
#include "core/release.h"
#include "core/utf8.h"
#include "store/alert_filter.h"
#include "store/alert_json.h"

namespace liqwatch::api {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;

namespace {

constexpr double kFetchBounds[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
constexpr int kMaxLimit = 1000;

// A request's outcome computed on the store thread: status and body (JSON or text).
struct Reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

Reply Error(unsigned status, const std::string& message) {
  // A message may quote the request's raw bytes (a bad query value): keep the answer JSON.
  boost::json::object err{{"status", status}, {"message", ValidUtf8(message)}};
  return {status, boost::json::serialize(boost::json::object{{"error", std::move(err)}}) + "\n"};
}

Reply Json(const boost::json::value& v) { return {200, boost::json::serialize(v) + "\n"}; }

Response ToResponse(Reply r, unsigned version) {
  Response res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::content_type, r.content_type);
  res.set(bhttp::field::cache_control, "no-store");
  res.set(bhttp::field::server, "liqwatch");
  res.body() = std::move(r.body);
  res.keep_alive(true);
  res.prepare_payload();
  return res;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding ('+' is a space in query strings). Fails on a broken %XX or a NUL.
std::optional<std::string> Decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

struct Target {
  std::string path;
  std::map<std::string, std::string> query;
};

// Splits and decodes the request target; an error message on malformed or repeated params.
std::variant<Target, std::string> ParseTarget(std::string_view target) {
  Target t;
  auto q = target.find('?');
  auto path = Decode(target.substr(0, q), false);
  if (!path || path->empty() || (*path)[0] != '/') return std::string("malformed request target");
  t.path = *path;
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = Decode(pair.substr(0, eq), true);
    auto value =
        Decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value) return std::string("malformed query string");
    if (!t.query.emplace(*key, *value).second)
      return fmt::format("query parameter '{}' given more than once", *key);
  }
  return t;
}

std::optional<std::string> CheckParams(const Target& t,
                                       const std::vector<std::string_view>& allowed) {
  for (const auto& [k, v] : t.query) {
    bool ok = false;
    for (auto a : allowed) ok = ok || k == a;
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return fmt::format("unknown query parameter '{}'; expected {}", k,
                         list.empty() ? std::string("none") : list);
    }
  }
  return std::nullopt;
}

std::optional<int64_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string ContentTypeFor(const std::string& name) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

// Prometheus label value escaping: backslash, double quote and newline.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string Num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

double Seconds(TimePoint t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

boost::json::object SeriesInfoJson(const config::SeriesConfig& s) {
  boost::json::value release = nullptr;
  if (s.release)
    release =
        boost::json::object{{"schedule", s.release->ToString()}, {"source", s.release->source}};
  return {{"id", s.id},
          {"source", s.source},
          {"remote_id", s.remote_id},
          {"unit", std::string(UnitName(CanonicalUnit(DimensionOf(s.unit))))},
          {"interval", FormatDuration(s.interval)},
          {"description", s.description},
          {"release", std::move(release)}};
}

// The newest stored observation date of `id`, from LatestObservations() rows.
std::optional<Date> LatestDate(const std::vector<store::LatestObservation>& latest,
                               std::string_view id) {
  for (const auto& l : latest) {
    if (l.series != id) continue;
    if (auto d = ParseDate(l.obs_date); d.ok()) return *d;
  }
  return std::nullopt;
}

// {"state": "late", "late": true, "missing": "2026-03-02", "deadline": "...Z", "message": "..."}
// from the series' release calendar at `now`; null without a calendar.
boost::json::value FreshnessJson(const config::SeriesConfig& s, std::optional<Date> latest,
                                 TimePoint now) {
  if (!s.release) return nullptr;
  Freshness f = AssessFreshness(*s.release, s.id, latest, now);
  boost::json::object o{{"state", std::string(FreshnessName(f.state))},
                        {"late", f.state == Freshness::State::kLate},
                        {"missing", nullptr},
                        {"deadline", nullptr},
                        {"message", f.message}};
  if (f.missing) {
    o["missing"] = FormatDate(*f.missing);
    o["deadline"] = FormatTime(f.deadline);
  }
  return o;
}

// The alert instances of a rule: (labels, series). One with empty labels unless the rule has
// for_each; `series` is the instance's clock series (a threshold rule's own series).
std::vector<std::pair<std::string, std::string>> RuleInstances(const config::Config& c,
                                                               const config::RuleConfig& r) {
  if (!r.expr || !c.rule_set) return {{"", r.series}};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& inst : r.expr->instances)
    out.emplace_back(inst.labels, c.rule_set->ClockId(inst));
  return out;
}

// A threshold rule reports series/op/threshold; an expression rule has no single comparison:
// op and threshold are null, series is its (first instance's) clock series, expr/crit/clear
// carry its conditions as written (with $labels for a for_each rule; null for a threshold
// rule), and for_each lists its instances' labels (null without for_each).
boost::json::object RuleInfoJson(const config::Config& c, const config::RuleConfig& r) {
  boost::json::array notify;
  for (const auto& n : r.notify) notify.push_back(boost::json::value(n));
  auto text = [](const auto& cond) -> boost::json::value {
    if (cond) return boost::json::value(cond->written);
    return nullptr;
  };
  if (r.series.empty()) {  // written as an expression
    const auto& e = *r.expr;
    const auto& first = e.instances.front();
    boost::json::value for_each = nullptr;
    if (e.fans_out()) {
      boost::json::array labels;
      for (const auto& inst : e.instances) labels.push_back(boost::json::value(inst.labels));
      for_each = std::move(labels);
    }
    return {{"name", r.name},
            {"series", RuleInstances(c, r).front().second},
            {"op", nullptr},
            {"threshold", nullptr},
            {"expr", first.warn ? text(first.warn) : text(first.crit)},
            {"crit", first.warn ? text(first.crit) : boost::json::value(nullptr)},
            {"clear", text(first.clear)},
            {"for_each", std::move(for_each)},
            {"severity", std::string(SeverityName(r.severity))},
            {"description", r.description},
            {"notify", std::move(notify)}};
  }
  return {{"name", r.name},
          {"series", r.series},
          {"op", std::string(config::ComparisonText(r.op))},
          {"threshold", r.threshold},
          {"expr", nullptr},
          {"crit", nullptr},
          {"clear", nullptr},
          {"for_each", nullptr},
          {"severity", std::string(SeverityName(r.severity))},
          {"description", r.description},
          {"notify", std::move(notify)}};
}

// ---- Handlers run on the store thread ----

Reply AlertsReply(store::Store& s, const store::AlertQuery& q) {
  auto rows = s.QueryAlerts(q);
  if (!rows.ok()) return Error(500, rows.status().message());
  boost::json::array arr;
  for (const auto& a : *rows) arr.push_back(store::AlertJson(a));
  return Json(boost::json::object{{"alerts", std::move(arr)}});
}

Reply AlertReply(store::Store& s, int64_t id) {
  auto a = s.GetAlert(id);
  if (!a.ok()) return Error(500, a.status().message());
  if (!*a) return Error(404, fmt::format("no alert with id {}", id));
  auto ev = s.AlertEvents(id);
  if (!ev.ok()) return Error(500, ev.status().message());
  auto dl = s.AlertDeliveries(id);
  if (!dl.ok()) return Error(500, dl.status().message());
  return Json(store::AlertDetailJson(**a, *ev, *dl));
}

Reply SeriesReply(store::Store& s, const config::Config& c, const std::string& id,
                  std::optional<Date> since, TimePoint now) {
  const auto* sc = c.FindSeries(id);
  auto history = s.History(id, since);
  if (!history.ok()) return Error(500, history.status().message());
  if (!sc && history->empty()) return Error(404, fmt::format("no series '{}'", id));
  boost::json::object o = sc ? SeriesInfoJson(*sc) : boost::json::object{{"id", id}};
  if (sc) {
    auto latest = s.LatestObservations();
    if (!latest.ok()) return Error(500, latest.status().message());
    o["freshness"] = FreshnessJson(*sc, LatestDate(*latest, id), now);
  }
  boost::json::array obs;
  for (const auto& ob : *history)
    obs.push_back(
        boost::json::object{{"date", FormatDate(ob.date)}, {"value", store::OptJson(ob.value)}});
  o["observations"] = std::move(obs);
  boost::json::array rules;
  for (const auto& r : c.rules) {
    auto instances = RuleInstances(c, r);
    if (std::any_of(instances.begin(), instances.end(),
                    [&](const auto& inst) { return inst.second == id; }))
      rules.push_back(RuleInfoJson(c, r));
  }
  o["rules"] = std::move(rules);
  auto events = s.SeriesEvents(id, since);
  if (!events.ok()) return Error(500, events.status().message());
  boost::json::array ev;
  for (const auto& e : *events) ev.push_back(store::AlertEventJson(e));
  o["events"] = std::move(ev);
  return Json(o);
}

Reply SourcesReply(store::Store& s, const config::Config& c, TimePoint now) {
  auto health = s.SourceHealth();
  if (!health.ok()) return Error(500, health.status().message());
  auto latest = s.LatestObservations();
  if (!latest.ok()) return Error(500, latest.status().message());
  boost::json::array sources;
  for (const auto& src : c.sources) {
    boost::json::array series;
    for (const auto& se : c.series) {
      if (se.source != src.name) continue;
      boost::json::object o = SeriesInfoJson(se);
      o["health"] = nullptr;
      for (const auto& h : *health)
        if (h.series == se.id) o["health"] = store::SourceHealthJson(h);
      o["freshness"] = FreshnessJson(se, LatestDate(*latest, se.id), now);
      series.push_back(std::move(o));
    }
    sources.push_back(
        boost::json::object{{"name", src.name}, {"type", src.type}, {"series", std::move(series)}});
  }
  return Json(boost::json::object{{"sources", std::move(sources)}});
}

Reply RulesReply(store::Store& s, const config::Config& c) {
  auto states = s.RuleStates();
  if (!states.ok()) return Error(500, states.status().message());
  boost::json::array rules;
  // How much a state needs a reader's attention: a rule shows its most urgent instance.
  auto urgency = [](AlertState s) {
    switch (s) {
      case AlertState::kFiring:
        return 4;
      case AlertState::kPending:
        return 3;
      case AlertState::kNoData:
        return 2;
      case AlertState::kResolved:
        return 1;
      case AlertState::kInactive:
        return 0;
    }
    return 0;
  };
  for (const auto& r : c.rules) {
    boost::json::object o = RuleInfoJson(c, r);
    boost::json::array instances;
    size_t shown = 0;
    int shown_urgency = -1;
    for (const auto& [labels, series] : RuleInstances(c, r)) {
      boost::json::object inst{{"labels", labels},     {"series", series},
                               {"state", "inactive"},  {"since", nullptr},
                               {"alert_id", nullptr},  {"last_observation_date", nullptr},
                               {"last_value", nullptr}};
      int u = 0;
      for (const auto& st : *states) {
        if (st.rule != r.name || st.labels != labels) continue;
        inst["state"] = std::string(AlertStateName(st.state));
        inst["since"] = FormatTime(st.since);
        inst["alert_id"] = st.alert_id ? boost::json::value(*st.alert_id) : nullptr;
        inst["last_observation_date"] = store::OptJson(st.last_obs_date);
        inst["last_value"] = store::OptJson(st.last_value);
        u = urgency(st.state);
      }
      if (u > shown_urgency) {
        shown_urgency = u;
        shown = instances.size();
      }
      instances.push_back(std::move(inst));
    }
    for (const char* key : {"state", "since", "alert_id", "last_observation_date", "last_value"})
      o[key] = instances[shown].as_object().at(key);
    o["instances"] = std::move(instances);
    rules.push_back(std::move(o));
  }
  return Json(boost::json::object{{"rules", std::move(rules)}});
}

struct MetricsSnapshot {
  std::string version;
  std::map<std::string, Api::Histogram> fetch;
  std::map<unsigned, uint64_t> requests;
};

Reply MetricsReply(store::Store& s, const config::Config& c, const MetricsSnapshot& m,
                   TimePoint now) {
  auto health = s.SourceHealth();
  auto latest = s.LatestObservations();
  auto deliveries = s.DeliveryCounts();
  auto states = s.RuleStates();
  if (!health.ok()) return Error(500, health.status().message());
  if (!latest.ok()) return Error(500, latest.status().message());
  if (!deliveries.ok()) return Error(500, deliveries.status().message());
  if (!states.ok()) return Error(500, states.status().message());
  std::string out;
  auto head = [&](const char* name, const char* type, const char* help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  head("liqwatch_build_info", "gauge", "Build information; always 1.");
  out += fmt::format("liqwatch_build_info{{version=\"{}\"}} 1\n", Label(m.version));

  head("liqwatch_polls_total", "counter", "Polls of a series (stored in the database).");
  for (const auto& h : *health)
    out += fmt::format("liqwatch_polls_total{{source=\"{}\",series=\"{}\"}} {}\n", Label(h.source),
                       Label(h.series), h.polls);
  head("liqwatch_poll_errors_total", "counter",
       "Failed polls of a series: HTTP errors, timeouts, unparseable bodies.");
  for (const auto& h : *health)
    out += fmt::format("liqwatch_poll_errors_total{{source=\"{}\",series=\"{}\"}} {}\n",
                       Label(h.source), Label(h.series), h.errors);
  head("liqwatch_poll_consecutive_failures", "gauge", "Failed polls in a row of a series.");
  for (const auto& h : *health)
    out += fmt::format("liqwatch_poll_consecutive_failures{{series=\"{}\"}} {}\n", Label(h.series),
                       h.consecutive_failures);

  head("liqwatch_fetch_duration_seconds", "histogram",
       "Time from a poll's start to its parsed response, per source, since the daemon started.");
  for (const auto& [src, h] : m.fetch) {
    for (std::size_t i = 0; i < std::size(kFetchBounds); ++i)
      out += fmt::format("liqwatch_fetch_duration_seconds_bucket{{source=\"{}\",le=\"{}\"}} {}\n",
                         Label(src), Num(kFetchBounds[i]), h.buckets[i]);
    out += fmt::format("liqwatch_fetch_duration_seconds_bucket{{source=\"{}\",le=\"+Inf\"}} {}\n",
                       Label(src), h.count);
    out += fmt::format("liqwatch_fetch_duration_seconds_sum{{source=\"{}\"}} {}\n", Label(src),
                       Num(h.sum));
    out += fmt::format("liqwatch_fetch_duration_seconds_count{{source=\"{}\"}} {}\n", Label(src),
                       h.count);
  }

  int64_t pending = 0;
  std::map<std::string, int64_t> by_status{{"pending", 0}, {"delivered", 0}, {"dead", 0}};
  for (const auto& [st, n] : *deliveries) by_status[st] = n;
  pending = by_status["pending"];
  head("liqwatch_outbox_depth", "gauge", "Deliveries waiting to be sent (pending outbox rows).");
  out += fmt::format("liqwatch_outbox_depth {}\n", pending);
  head("liqwatch_deliveries", "gauge", "Outbox rows by status (pending, delivered, dead).");
  for (const auto& [st, n] : by_status)
    out += fmt::format("liqwatch_deliveries{{status=\"{}\"}} {}\n", Label(st), n);

  head("liqwatch_rule_firing", "gauge",
       "1 if the rule instance is firing, else 0 (labels: its for_each labels, or empty).");
  for (const auto& r : c.rules) {
    for (const auto& [labels, series] : RuleInstances(c, r)) {
      int firing = 0;
      for (const auto& st : *states)
        if (st.rule == r.name && st.labels == labels && st.state == AlertState::kFiring) firing = 1;
      out += fmt::format(
          "liqwatch_rule_firing{{rule=\"{}\",labels=\"{}\",series=\"{}\",severity=\"{}\"}} {}\n",
          Label(r.name), Label(labels), Label(series), SeverityName(r.severity), firing);
    }
  }

  // Configured series only: the NY Fed's per-operation series (srf_nyfed:op:<id>, one per
  // operation, kept for history) would grow the metric set by three series every day.
  std::erase_if(*latest, [&c](const store::LatestObservation& l) {
    return c.FindSeries(l.series) == nullptr;
  });
  head("liqwatch_series_value", "gauge", "Latest stored value of a series, in its canonical unit.");
  for (const auto& l : *latest)
    if (l.value)
      out += fmt::format("liqwatch_series_value{{series=\"{}\",unit=\"{}\"}} {}\n", Label(l.series),
                         Label(l.unit), Num(*l.value));
  head("liqwatch_series_observation_timestamp_seconds", "gauge",
       "Observation date of the latest value (UTC midnight), as a Unix time.");
  std::string ages;
  for (const auto& l : *latest) {
    auto d = ParseDate(l.obs_date);
    if (!d.ok()) continue;
    double t = Seconds(TimePoint(*d));
    out += fmt::format("liqwatch_series_observation_timestamp_seconds{{series=\"{}\"}} {}\n",
                       Label(l.series), Num(t));
    ages += fmt::format("liqwatch_series_age_seconds{{series=\"{}\"}} {}\n", Label(l.series),
                        Num(Seconds(now) - t));
  }
  head("liqwatch_series_age_seconds", "gauge",
       "Seconds since the observation date (UTC midnight) of the latest value.");
  out += ages;
  head("liqwatch_series_late", "gauge",
       "1 if a print due by the series' release calendar is past due + grace and not stored.");
  for (const auto& se : c.series)
    if (se.release)
      out += fmt::format("liqwatch_series_late{{series=\"{}\"}} {}\n", Label(se.id),
                         IsLate(*se.release, LatestDate(*latest, se.id), now) ? 1 : 0);

  head("liqwatch_http_requests_total", "counter", "HTTP API requests answered, by status code.");
  for (const auto& [code, n] : m.requests)
    out += fmt::format("liqwatch_http_requests_total{{code=\"{}\"}} {}\n", code, n);
  return {200, out, "text/plain; version=0.0.4; charset=utf-8"};
}

}  // namespace

std::string FindWebDir(const std::string& configured) {
  std::error_code ec;
  auto has_index = [&](const fs::path& p) { return fs::is_regular_file(p / "index.html", ec); };
  if (!configured.empty()) return has_index(configured) ? configured : "";
  if (const char* d = std::getenv("LIQWATCH_DATADIR"); d && *d) {
    if (has_index(fs::path(d) / "web")) return (fs::path(d) / "web").string();
  }
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto dir = exe.parent_path();
    for (auto p : {dir / ".." / "share" / "liqwatch" / "web", dir / ".." / "web"})
      if (has_index(p)) return fs::weakly_canonical(p, ec).string();
  }
  return "";
}

Api::Api(store::StoreWorker& reader, ConfigFn config, const WallClock& clock, std::string web_dir,
         std::string version)
    : reader_(reader),
      config_(std::move(config)),
      clock_(clock),
      web_dir_(std::move(web_dir)),
      version_(std::move(version)) {
  if (web_dir_.empty()) return;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(web_dir_, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    assets_[entry.path().filename().string()] = ss.str();
  }
}

void Api::ObserveFetch(const std::string& source, double seconds) {
  auto& h = fetch_[source];
  if (h.buckets.empty()) h.buckets.assign(std::size(kFetchBounds), 0);
  for (std::size_t i = 0; i < std::size(kFetchBounds); ++i)
    if (seconds <= kFetchBounds[i]) ++h.buckets[i];
  h.sum += seconds;
  ++h.count;
}

asio::awaitable<Response> Api::Handle(const Request& req) {
  Response res = co_await Route(req);
  ++requests_[res.result_int()];
  co_return res;
}

Response Api::Asset(const Request& req, const std::string& name) {
  auto it = assets_.find(name);
  if (it == assets_.end()) {
    if (assets_.empty() && name == "index.html")
      return ToResponse({503, "dashboard assets not found; set api.web_dir or LIQWATCH_DATADIR\n",
                         "text/plain; charset=utf-8"},
                        req.version());
    return ToResponse(Error(404, "not found"), req.version());
  }
  Response res = ToResponse({200, it->second, ContentTypeFor(name)}, req.version());
  res.set(bhttp::field::cache_control, "no-cache");
  return res;
}

asio::awaitable<Response> Api::Route(const Request& req) {
  const unsigned v = req.version();
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    Response res = ToResponse(
        Error(405, fmt::format("method {} not allowed; use GET", std::string(req.method_string()))),
        v);
    res.set(bhttp::field::allow, "GET, HEAD");
    co_return res;
  }
  auto parsed = ParseTarget(req.target());
  if (auto* err = std::get_if<std::string>(&parsed)) co_return ToResponse(Error(400, *err), v);
  const Target& t = std::get<Target>(parsed);
  const std::string& path = t.path;
  auto config = config_();

  if (path == "/healthz") co_return ToResponse({200, "{\"status\":\"ok\"}\n"}, v);
  if (path == "/readyz") {
    if (!ready_) co_return ToResponse(Error(503, "not ready"), v);
    auto job = [](store::Store& s) { return s.Ping().ok(); };
    bool ok = co_await reader_.Run(job);
    co_return ToResponse(
        ok ? Reply{200, "{\"status\":\"ready\"}\n"} : Error(503, "database not readable"), v);
  }
  if (path == "/" || path == "/index.html") co_return Asset(req, "index.html");

  const bool api = path.rfind("/api/", 0) == 0 || path == "/metrics";
  if (!api) {
    std::string name = path.substr(1);
    bool safe = !name.empty() && name.find('/') == std::string::npos && name[0] != '.';
    if (safe) co_return Asset(req, name);
    co_return ToResponse(Error(404, "not found"), v);
  }
  if (config->api_token) {
    auto auth = req[bhttp::field::authorization];
    const std::string expected = "Bearer " + *config->api_token;
    if (!ConstantTimeEqual(auth, expected)) {
      Response res = ToResponse(Error(401, "missing or wrong bearer token"), v);
      res.set(bhttp::field::www_authenticate, "Bearer realm=\"liqwatch\"");
      co_return res;
    }
  }

  if (path == "/metrics") {
    if (auto e = CheckParams(t, {})) co_return ToResponse(Error(400, *e), v);
    MetricsSnapshot m{version_, fetch_, requests_};
    auto now = clock_.Now();
    auto job = [config, m, now](store::Store& s) { return MetricsReply(s, *config, m, now); };
    Reply r = co_await reader_.Run(job);
    co_return ToResponse(std::move(r), v);
  }
  if (path == "/api/v1/alerts") {
    if (auto e = CheckParams(t, {store::kAlertFilters.begin(), store::kAlertFilters.end()}))
      co_return ToResponse(Error(400, *e), v);
    auto parsed = store::ParseAlertFilter(t.query, clock_.Now(), "", kMaxLimit);
    if (!parsed.ok()) co_return ToResponse(Error(400, parsed.status().message()), v);
    auto job = [q = *parsed](store::Store& s) { return AlertsReply(s, q); };
    Reply r = co_await reader_.Run(job);
    co_return ToResponse(std::move(r), v);
  }
  if (path.rfind("/api/v1/alerts/", 0) == 0) {
    if (auto e = CheckParams(t, {})) co_return ToResponse(Error(400, *e), v);
    const std::string rest = path.substr(std::string("/api/v1/alerts/").size());
    auto id = ParseId(rest);
    if (!id)
      co_return ToResponse(Error(400, fmt::format("bad alert id '{}': expected a positive "
                                                  "integer",
                                                  rest)),
                           v);
    auto job = [id = *id](store::Store& s) { return AlertReply(s, id); };
    Reply r = co_await reader_.Run(job);
    co_return ToResponse(std::move(r), v);
  }
  if (path.rfind("/api/v1/series/", 0) == 0) {
    if (auto e = CheckParams(t, {"since"})) co_return ToResponse(Error(400, *e), v);
    const std::string id = path.substr(std::string("/api/v1/series/").size());
    if (id.empty() || id.find('/') != std::string::npos)
      co_return ToResponse(Error(404, "not found"), v);
    std::optional<Date> since;
    if (auto it = t.query.find("since"); it != t.query.end()) {
      auto tp = ParseSince(it->second, clock_.Now());
      if (!tp.ok()) co_return ToResponse(Error(400, "since: " + tp.status().message()), v);
      since = std::chrono::floor<std::chrono::days>(*tp);
    }
    auto job = [config, id, since, now = clock_.Now()](store::Store& s) {
      return SeriesReply(s, *config, id, since, now);
    };
    Reply r = co_await reader_.Run(job);
    co_return ToResponse(std::move(r), v);
  }
  if (path == "/api/v1/sources" || path == "/api/v1/rules") {
    if (auto e = CheckParams(t, {})) co_return ToResponse(Error(400, *e), v);
    bool sources = path == "/api/v1/sources";
    auto job = [config, sources, now = clock_.Now()](store::Store& s) {
      return sources ? SourcesReply(s, *config, now) : RulesReply(s, *config);
    };
    Reply r = co_await reader_.Run(job);
    co_return ToResponse(std::move(r), v);
  }
  co_return ToResponse(Error(404, fmt::format("no such endpoint: {}", path)), v);
}

}  // namespace liqwatch::api
