#include "sources/poller.h"

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "config/defaults.h"
#include "core/log.h"
#include "core/units.h"
#include "sources/formats/fred.h"

namespace liqwatch::sources {

namespace asio = boost::asio;

http::HttpRequest BuildRequest(const config::SourceConfig& source,
                               const config::SeriesConfig& series, std::optional<Date> since) {
  http::HttpRequest req;
  req.timeout = source.timeout;
  req.max_body_bytes = source.max_body_bytes;
  std::optional<Date> start;
  if (since) start = *since - std::chrono::days(config::defaults::kIncrementalOverlapDays);
  if (source.type == "fred") {
    req.url = source.api_key ? FredJsonUrl(source.base_url, series.remote_id, *source.api_key, start)
                             : FredGraphCsvUrl(source.graph_url, series.remote_id, start);
  }
  return req;
}

Result<std::vector<Observation>> ParseResponse(const config::SourceConfig& source,
                                               const config::SeriesConfig& series,
                                               const http::HttpResponse& response) {
  Result<std::vector<RawPoint>> points = Status::Internal("unknown source type " + source.type);
  if (source.type == "fred") {
    points = source.api_key ? ParseFredJson(response.body)
                            : ParseFredGraphCsv(response.body, series.remote_id);
  }
  if (response.status < 200 || response.status >= 300) {
    // FRED's error bodies carry the reason ("Bad Request.  The series does not exist.").
    std::string reason = points.ok() ? "" : ": " + points.status().message();
    return Status::HttpError(fmt::format("HTTP {}{}", response.status, reason));
  }
  if (!points.ok()) return points.status();
  std::vector<Observation> out;
  out.reserve(points->size());
  for (const auto& p : *points) {
    std::optional<double> v;
    if (p.value) v = ToCanonical(*p.value, series.unit);
    out.push_back({series.id, p.date, v, p.provisional});
  }
  return out;
}

struct Poller::State {
  asio::io_context& io;
  http::HttpClient& http;
  ObservationSink& sink;
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  std::size_t running = 0;
  bool stopping = false;
  std::mt19937_64 rng{std::random_device{}()};
};

namespace {

// Delay before the next poll: the interval after success, exponential backoff after failures.
// Jitter (±10%) keeps many series from hitting one host in lockstep.
Duration NextDelay(const config::SeriesConfig& s, int failures, std::mt19937_64& rng) {
  using config::defaults::kRetryInitial;
  using config::defaults::kRetryMax;
  Duration base = s.interval;
  if (failures > 0) {
    int64_t backoff = kRetryInitial.count() << std::min(failures - 1, 20);
    base = Duration(std::min<int64_t>({backoff, kRetryMax.count(), s.interval.count()}));
  }
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  return Duration(static_cast<int64_t>(base.count() * jitter(rng)));
}

asio::awaitable<void> PollSeries(std::shared_ptr<Poller::State> st,
                                 const config::SourceConfig& source,
                                 const config::SeriesConfig& series, asio::steady_timer& timer) {
  auto log = Logger("poller");
  int failures = 0;
  while (!st->stopping) {
    Status error;
    try {
      auto since = co_await st->sink.LastStoredDate(series);
      auto request = BuildRequest(source, series, since);
      auto response = co_await st->http.AsyncFetch(request, asio::use_awaitable);
      if (st->stopping) break;
      if (!response.ok()) {
        error = response.status();
      } else {
        auto observations = ParseResponse(source, series, *response);
        if (!observations.ok()) {
          error = observations.status();
        } else {
          log->debug("event=poll_ok source={} series={} observations={} elapsed_ms={}",
                     source.name, series.id, observations->size(), response->elapsed.count());
          co_await st->sink.OnObservations(series, std::move(*observations));
        }
      }
    } catch (const std::exception& e) {
      error = Status::Internal(e.what());
    }
    if (!error.ok()) {
      ++failures;
      log->warn("event=poll_failed source={} series={} failures={} error=\"{}\"", source.name,
                series.id, failures, error.message());
      co_await st->sink.OnPollError(series, error);
    } else {
      failures = 0;
    }
    if (st->stopping) break;
    timer.expires_after(NextDelay(series, failures, st->rng));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

Poller::Poller(asio::io_context& io, http::HttpClient& http, ObservationSink& sink)
    : state_(std::make_shared<State>(State{io, http, sink})) {}

Poller::~Poller() { Stop(); }

void Poller::Start(const config::Config& config) {
  state_->stopping = false;
  for (const auto& series : config.series) {
    const auto* source = config.FindSource(series.source);
    if (source == nullptr) continue;  // the config loader guarantees this does not happen
    state_->timers.push_back(std::make_unique<asio::steady_timer>(state_->io));
    auto& timer = *state_->timers.back();
    ++state_->running;
    asio::co_spawn(state_->io, PollSeries(state_, *source, series, timer),
                   [st = state_, id = series.id](std::exception_ptr e) {
                     --st->running;
                     if (e) Logger("poller")->error("event=poller_crashed series={}", id);
                   });
  }
}

void Poller::Stop() {
  state_->stopping = true;
  for (auto& t : state_->timers) t->cancel();
}

std::size_t Poller::running() const { return state_->running; }

}  // namespace liqwatch::sources
