// /metrics: Prometheus text exposition of what the store holds (polls, outbox, rule and series
// state) and what the loop measured (fetch durations, requests), one section per family.
#include <cmath>

#include <fmt/format.h>

#include "api/config_json.h"
#include "api/handlers.h"
#include "core/release.h"

namespace liqwatch::api {

void LoopMetrics::ObserveFetch(const std::string& source, double seconds) {
  auto& h = fetch[source];
  if (h.buckets.empty()) h.buckets.assign(std::size(kFetchBounds), 0);
  for (std::size_t i = 0; i < std::size(kFetchBounds); ++i)
    if (seconds <= kFetchBounds[i]) ++h.buckets[i];
  h.sum += seconds;
  ++h.count;
}

namespace {

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

// The exposition being written: one family at a time, each with its HELP and TYPE.
struct Exposition {
  std::string out;
  void Head(const char* name, const char* type, const char* help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
};

// What the metrics read from the store, read first so a failure answers 500 before any output.
struct StoreView {
  std::vector<store::SourceHealthRow> health;
  std::vector<store::LatestObservation> latest;
  std::vector<std::pair<std::string, int64_t>> deliveries;
  std::vector<store::RuleState> states;
};

Result<StoreView> ReadStore(store::Store& s) {
  StoreView v;
  auto health = s.SourceHealth();
  if (!health.ok()) return health.status();
  auto latest = s.LatestObservations();
  if (!latest.ok()) return latest.status();
  auto deliveries = s.DeliveryCounts();
  if (!deliveries.ok()) return deliveries.status();
  auto states = s.RuleStates();
  if (!states.ok()) return states.status();
  return StoreView{std::move(*health), std::move(*latest), std::move(*deliveries),
                   std::move(*states)};
}

void PollMetrics(Exposition& e, const std::vector<store::SourceHealthRow>& health) {
  e.Head("liqwatch_polls_total", "counter", "Polls of a series (stored in the database).");
  for (const auto& h : health)
    e.out += fmt::format("liqwatch_polls_total{{source=\"{}\",series=\"{}\"}} {}\n",
                         Label(h.source), Label(h.series), h.polls);
  e.Head("liqwatch_poll_errors_total", "counter",
         "Failed polls of a series: HTTP errors, timeouts, unparseable bodies.");
  for (const auto& h : health)
    e.out += fmt::format("liqwatch_poll_errors_total{{source=\"{}\",series=\"{}\"}} {}\n",
                         Label(h.source), Label(h.series), h.errors);
  e.Head("liqwatch_poll_consecutive_failures", "gauge", "Failed polls in a row of a series.");
  for (const auto& h : health)
    e.out += fmt::format("liqwatch_poll_consecutive_failures{{series=\"{}\"}} {}\n",
                         Label(h.series), h.consecutive_failures);
}

void FetchMetrics(Exposition& e, const std::map<std::string, Histogram>& fetch) {
  e.Head("liqwatch_fetch_duration_seconds", "histogram",
         "Time from a poll's start to its parsed response, per source, since the daemon started.");
  for (const auto& [src, h] : fetch) {
    for (std::size_t i = 0; i < std::size(kFetchBounds); ++i)
      e.out += fmt::format("liqwatch_fetch_duration_seconds_bucket{{source=\"{}\",le=\"{}\"}} {}\n",
                           Label(src), Num(kFetchBounds[i]), h.buckets[i]);
    e.out += fmt::format("liqwatch_fetch_duration_seconds_bucket{{source=\"{}\",le=\"+Inf\"}} {}\n",
                         Label(src), h.count);
    e.out += fmt::format("liqwatch_fetch_duration_seconds_sum{{source=\"{}\"}} {}\n", Label(src),
                         Num(h.sum));
    e.out += fmt::format("liqwatch_fetch_duration_seconds_count{{source=\"{}\"}} {}\n", Label(src),
                         h.count);
  }
}

void OutboxMetrics(Exposition& e, const std::vector<std::pair<std::string, int64_t>>& counts) {
  std::map<std::string, int64_t> by_status{{"pending", 0}, {"delivered", 0}, {"dead", 0}};
  for (const auto& [st, n] : counts) by_status[st] = n;
  e.Head("liqwatch_outbox_depth", "gauge", "Deliveries waiting to be sent (pending outbox rows).");
  e.out += fmt::format("liqwatch_outbox_depth {}\n", by_status["pending"]);
  e.Head("liqwatch_deliveries", "gauge", "Outbox rows by status (pending, delivered, dead).");
  for (const auto& [st, n] : by_status)
    e.out += fmt::format("liqwatch_deliveries{{status=\"{}\"}} {}\n", Label(st), n);
}

void RuleMetrics(Exposition& e, const config::Config& c,
                 const std::vector<store::RuleState>& states) {
  e.Head("liqwatch_rule_firing", "gauge",
         "1 if the rule instance is firing, else 0 (labels: its for_each labels, or empty).");
  for (const auto& r : c.rules) {
    for (const auto& [labels, series] : RuleInstances(c, r)) {
      int firing = 0;
      for (const auto& st : states)
        if (st.rule == r.name && st.labels == labels && st.state == AlertState::kFiring) firing = 1;
      e.out += fmt::format(
          "liqwatch_rule_firing{{rule=\"{}\",labels=\"{}\",series=\"{}\",severity=\"{}\"}} {}\n",
          Label(r.name), Label(labels), Label(series), SeverityName(r.severity), firing);
    }
  }
}

// Configured series only: the NY Fed's per-operation series (srf:op:<id>, one per
// operation, kept for history) would grow the metric set by three series every day.
void SeriesMetrics(Exposition& e, const config::Config& c,
                   std::vector<store::LatestObservation> latest, TimePoint now) {
  std::erase_if(latest, [&c](const store::LatestObservation& l) {
    return c.FindSeries(l.series) == nullptr;
  });
  e.Head("liqwatch_series_value", "gauge",
         "Latest stored value of a series, in its canonical unit.");
  for (const auto& l : latest)
    if (l.value)
      e.out += fmt::format("liqwatch_series_value{{series=\"{}\",unit=\"{}\"}} {}\n",
                           Label(l.series), Label(l.unit), Num(*l.value));
  e.Head("liqwatch_series_observation_timestamp_seconds", "gauge",
         "Observation date of the latest value (UTC midnight), as a Unix time.");
  std::string ages;
  for (const auto& l : latest) {
    auto d = ParseDate(l.obs_date);
    if (!d.ok()) continue;
    double t = Seconds(TimePoint(*d));
    e.out += fmt::format("liqwatch_series_observation_timestamp_seconds{{series=\"{}\"}} {}\n",
                         Label(l.series), Num(t));
    ages += fmt::format("liqwatch_series_age_seconds{{series=\"{}\"}} {}\n", Label(l.series),
                        Num(Seconds(now) - t));
  }
  e.Head("liqwatch_series_age_seconds", "gauge",
         "Seconds since the observation date (UTC midnight) of the latest value.");
  e.out += ages;
  e.Head("liqwatch_series_late", "gauge",
         "1 if a print due by the series' release calendar is past due + grace and not stored.");
  for (const auto& se : c.series)
    if (se.release)
      e.out += fmt::format("liqwatch_series_late{{series=\"{}\"}} {}\n", Label(se.id),
                           IsLate(*se.release, LatestDate(latest, se.id), now) ? 1 : 0);
}

Reply MetricsReply(store::Store& s, const config::Config& c, const LoopMetrics& m, TimePoint now) {
  auto view = ReadStore(s);
  if (!view.ok()) return FromStatus(view.status());
  Exposition e;
  e.Head("liqwatch_build_info", "gauge", "Build information; always 1.");
  e.out += fmt::format("liqwatch_build_info{{version=\"{}\"}} 1\n", Label(m.version));
  PollMetrics(e, view->health);
  FetchMetrics(e, m.fetch);
  OutboxMetrics(e, view->deliveries);
  RuleMetrics(e, c, view->states);
  SeriesMetrics(e, c, std::move(view->latest), now);
  e.Head("liqwatch_http_requests_total", "counter", "HTTP API requests answered, by status code.");
  for (const auto& [code, n] : m.requests)
    e.out += fmt::format("liqwatch_http_requests_total{{code=\"{}\"}} {}\n", code, n);
  return {200, std::move(e.out), "text/plain; version=0.0.4; charset=utf-8"};
}

}  // namespace

boost::asio::awaitable<Reply> Metrics(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {})) co_return *bad;
  auto job = [config = call.config, m = svc.metrics, now = call.now](store::Store& s) {
    return MetricsReply(s, *config, m, now);
  };
  co_return co_await svc.reader.Run(job);
}

}  // namespace liqwatch::api
