#include "sources/poller.h"

#include <algorithm>
#include <functional>
#include <map>
#include <random>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/defaults.h"
#include "core/log.h"
#include "http/retry_after.h"
#include "sources/driver.h"

namespace liqwatch::sources {

namespace asio = boost::asio;
using SteadyTime = std::chrono::steady_clock::time_point;

struct Poller::State {
  asio::io_context& io;
  http::HttpClient& http;
  ObservationSink& sink;
  const WallClock& clock;
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  std::size_t running = 0;
  bool stopping = false;
  std::mt19937_64 rng{std::random_device{}()};
  // Per-host politeness: the earliest time the next request to the host may start.
  std::map<std::string, SteadyTime> host_next;
  std::map<std::string, SteadyTime> host_blocked;  // by a 429's Retry-After, until then
};

namespace {

// Error messages quote feed bytes; the store and logs need valid UTF-8 (invalid bytes -> '?').
std::string ValidUtf8(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= in.size() && !(n == 2 && c < 0xC2);
    for (size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (ok) {
      out.append(in, i, n);
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

// The same error with its message made valid UTF-8.
Status Sanitized(const Status& s) {
  std::string m = ValidUtf8(s.message());
  using C = Status::Code;
  switch (s.code()) {
    case C::kOk:
      return s;
    case C::kInvalidArgument:
      return Status::InvalidArgument(m);
    case C::kNotFound:
      return Status::NotFound(m);
    case C::kParseError:
      return Status::ParseError(m);
    case C::kLayoutChanged:
      return Status::LayoutChanged(m);
    case C::kIoError:
      return Status::IoError(m);
    case C::kTimeout:
      return Status::Timeout(m);
    case C::kHttpError:
      return Status::HttpError(m);
    case C::kTooLarge:
      return Status::TooLarge(m);
    case C::kUnavailable:
      return Status::Unavailable(m);
    case C::kFailedPrecondition:
      return Status::FailedPrecondition(m);
    case C::kInternal:
      return Status::Internal(m);
  }
  return Status::Internal(m);
}

template <typename D>
std::chrono::steady_clock::duration Steady(D d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

// What the pages of one poll brought.
struct Fetched {
  Status error;
  std::optional<Duration> retry_after;  // a 429's
  std::vector<Observation> batch;
  std::optional<ObservationSink::FetchedValidators> validators;  // to remember, if any
  bool validators_changed = false;                               // they differ from the stored ones
  bool not_modified = false;                                     // a 304
  std::size_t body_hash = 0;                                     // of every page's body and `today`
  std::size_t bytes = 0;                                         // response bodies, decoded
};

// One series' polling loop and what it remembers between polls.
class SeriesPoller {
 public:
  SeriesPoller(std::shared_ptr<Poller::State> st, const SourceConfig& source,
               const SeriesConfig& series, asio::steady_timer& timer)
      : st_(std::move(st)), source_(source), series_(series), timer_(timer) {}

  asio::awaitable<void> Run() {
    SteadyTime scheduled = std::chrono::steady_clock::now();
    while (!st_->stopping) {
      // The wall time of the slot this poll was scheduled for (the timer fires a little after
      // it): a release-driven delay measured from it lands exactly on the due time.
      const TimePoint wall_slot =
          st_->clock.Now() -
          std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - scheduled);
      Fetched f;
      std::optional<Date> latest;
      try {
        latest = co_await Poll(f);
      } catch (const std::exception& e) {
        f.error = Status::Internal(e.what());
      }
      if (st_->stopping) break;
      const SteadyTime now = std::chrono::steady_clock::now();
      if (!f.error.ok()) {
        co_await ReportError(f.error);
        scheduled = now + Steady(RetryDelay(f.retry_after));
      } else {
        failures_ = 0;
        scheduled = NextSlot(scheduled, Delay(latest, wall_slot), now);
        if (f.retry_after) scheduled = std::max(scheduled, now + Steady(*f.retry_after));
      }
      if (st_->stopping) break;
      timer_.expires_at(scheduled);
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

 private:
  // One poll: fetch every page, then hand the result to the sink. Returns the newest stored
  // date of the series afterwards (for the release calendar); errors are left in `f.error`.
  asio::awaitable<std::optional<Date>> Poll(Fetched& f) {
    auto since = co_await st_->sink.LastStoredDate(series_);
    co_await FetchPages(since, UtcDate(st_->clock.Now()), f);
    if (st_->stopping || !f.error.ok()) co_return since;
    const bool unchanged =
        !f.validators_changed && (f.not_modified || (last_hash_ && *last_hash_ == f.body_hash));
    auto log = Logger("poller");
    log->debug(
        "event=poll_ok source={} series={} observations={} not_modified={} unchanged={} "
        "bytes={}",
        source_.name, series_.id, f.batch.size(), f.not_modified, unchanged, f.bytes);
    if (unchanged) {
      co_await st_->sink.OnUnchanged(series_);
      co_return since;
    }
    std::optional<Date> latest = since;
    for (const auto& o : f.batch)
      if (o.series == series_.id && (!latest || o.date > *latest)) latest = o.date;
    if (f.validators) {
      // What the sink stores for the URL (empty validators: it forgets the URL's).
      known_ = KnownForUrl{f.validators->url, f.validators->validators.empty()
                                                  ? std::nullopt
                                                  : std::optional(f.validators->validators)};
    }
    const bool stored =
        co_await st_->sink.OnObservations(series_, std::move(f.batch), std::move(f.validators));
    // Only a stored body may be skipped next time; a 304 leaves the last body as it was.
    if (!stored) {
      last_hash_.reset();
      known_.reset();
    } else if (!f.not_modified)
      last_hash_ = f.body_hash;
    co_return stored ? latest : since;
  }

  asio::awaitable<void> FetchPages(std::optional<Date> since, Date today, Fetched& f) {
    f.body_hash = std::hash<int64_t>{}(today.time_since_epoch().count());
    for (int page = 1;; ++page) {
      auto request = BuildRequest(source_, series_, since, today, page);
      // Only the first page is conditional: later pages are fetched when it changed.
      std::optional<HttpValidators> known;
      if (page == 1) {
        known = co_await KnownValidators(request.url);
        if (known) AddConditionalHeaders(request, *known);
      }
      const std::string host = HostOf(request.url);
      co_await WaitForHost(host);
      if (st_->stopping) co_return;
      auto response = co_await st_->http.AsyncFetch(request, asio::use_awaitable);
      if (st_->stopping) co_return;
      if (!response.ok()) {
        f.error = response.status();
        co_return;
      }
      if (response->status == 429) NoteTooManyRequests(*response, host, f);
      f.bytes += response->body.size();
      // boost::hash_combine's mixing: the order of pages matters.
      f.body_hash ^= std::hash<std::string>{}(response->body) + 0x9e3779b97f4a7c15ULL +
                     (f.body_hash << 6) + (f.body_hash >> 2);
      auto parsed = ParsePage(source_, series_, *response, today);
      if (!parsed.ok()) {
        f.error = parsed.status();
        co_return;
      }
      if (page == 1) {
        if (auto v = ValidatorsAfter(*response, known)) {
          f.validators_changed = known ? !(*v == *known) : !v->empty();
          f.validators = ObservationSink::FetchedValidators{request.url, std::move(*v)};
        }
      }
      if (parsed->not_modified) {
        f.not_modified = true;
        co_return;
      }
      for (auto& o : parsed->observations) f.batch.push_back(std::move(o));
      if (!parsed->next_page) break;
      if (page >= config::defaults::kMaxPages) {
        f.error = Status::LayoutChanged(
            fmt::format("more than {} pages; narrow the query", config::defaults::kMaxPages));
        co_return;
      }
    }
    // Pages were checked one by one; a date may still repeat across them.
    f.error = CheckObservations(f.batch, fmt::format("{} {}", source_.name, series_.remote_id));
  }

  // The validators stored for `url`: asked of the sink once, then remembered (this poller is
  // the only writer of its series' validators), so an unchanged poll costs no store read.
  asio::awaitable<std::optional<HttpValidators>> KnownValidators(const std::string& url) {
    if (!known_ || known_->url != url) {
      // Awaited first, not inside the initializer (GCC miscompiles co_await there).
      auto stored = co_await st_->sink.StoredValidators(series_, url);
      known_ = KnownForUrl{url, std::move(stored)};
    }
    co_return known_->validators;
  }

  // A 429: the server's Retry-After (capped by http.max_retry_after: a hostile or broken
  // server cannot park the host) holds back this series and every request to the host.
  void NoteTooManyRequests(const http::HttpResponse& response, const std::string& host,
                           Fetched& f) {
    auto ra = http::ParseRetryAfter(response.Header("Retry-After"), st_->clock.Now(),
                                    source_.max_retry_after);
    f.retry_after =
        ra.value_or(std::min<Duration>(std::chrono::seconds(60), source_.max_retry_after));
    const auto until = std::chrono::steady_clock::now() + Steady(*f.retry_after);
    auto& next = st_->host_next[host];
    next = std::max(next, until);
    auto& blocked = st_->host_blocked[host];
    blocked = std::max(blocked, until);
  }

  // Waits for the host's turn (token bucket of size 1 at its HostLimit; none for 0). A 429
  // seen while waiting (NoteTooManyRequests) holds this request too: it queues up again
  // behind the block.
  asio::awaitable<void> WaitForHost(const std::string& host) {
    const double rps = HostLimit(source_, host);
    for (;;) {
      auto now = std::chrono::steady_clock::now();
      auto& next = st_->host_next[host];
      auto start = std::max(now, next);
      if (rps > 0) next = start + Steady(std::chrono::duration<double>(1.0 / rps));
      if (start > now) {
        timer_.expires_at(start);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (st_->stopping) co_return;
      }
      if (st_->host_blocked[host] <= std::chrono::steady_clock::now()) co_return;
    }
  }

  asio::awaitable<void> ReportError(Status error) {
    last_hash_.reset();
    error = Sanitized(error);
    ++failures_;
    Logger("poller")->warn("event=poll_failed source={} series={} failures={} error=\"{}\"",
                           source_.name, series_.id, failures_, error.message());
    co_await st_->sink.OnPollError(
        series_, Status(error).WithContext(fmt::format("{}/{}", source_.name, series_.id)));
  }

  // After a failure: exponential backoff, at most the series' interval, never earlier than
  // the server asks (Retry-After). Jitter keeps many series from retrying in lockstep.
  Duration RetryDelay(std::optional<Duration> retry_after) {
    using config::defaults::kRetryInitial;
    using config::defaults::kRetryMax;
    int64_t backoff = kRetryInitial.count() << std::min(failures_ - 1, 20);
    Duration base =
        Duration(std::min<int64_t>({backoff, kRetryMax.count(), series_.interval.count()}));
    if (retry_after) return std::max(base, *retry_after);
    return Jittered(base);
  }

  // After a success: the schedule's delay from the poll's slot. A release-driven delay aims
  // at a due time, so it is not jittered.
  Duration Delay(std::optional<Date> latest, TimePoint wall_slot) {
    Duration d = SuccessDelay(series_, source_.driver->fast_poll_interval(), latest, wall_slot);
    return IsReleaseDriven(series_) ? d : Jittered(d);
  }

  Duration Jittered(Duration d) {
    std::uniform_real_distribution<double> jitter(1.0 - series_.jitter, 1.0 + series_.jitter);
    return std::max(Duration(1), Duration(static_cast<int64_t>(d.count() * jitter(st_->rng))));
  }

  static Date UtcDate(TimePoint t) { return std::chrono::floor<std::chrono::days>(t); }

  std::shared_ptr<Poller::State> st_;
  const SourceConfig& source_;
  const SeriesConfig& series_;
  asio::steady_timer& timer_;
  int failures_ = 0;
  std::optional<std::size_t> last_hash_;  // of the last body the sink stored
  struct KnownForUrl {
    std::string url;
    std::optional<HttpValidators> validators;
  };
  std::optional<KnownForUrl> known_;  // the validators stored for the last URL asked
};

asio::awaitable<void> PollSeries(std::shared_ptr<Poller::State> st, const SourceConfig& source,
                                 const SeriesConfig& series, asio::steady_timer& timer) {
  SeriesPoller poller(std::move(st), source, series, timer);
  co_await poller.Run();
}

}  // namespace

Poller::Poller(asio::io_context& io, http::HttpClient& http, ObservationSink& sink,
               const WallClock& clock)
    : state_(std::make_shared<State>(State{io, http, sink, clock})) {}

Poller::~Poller() { Stop(); }

void Poller::Start(const std::vector<SourceConfig>& sources,
                   const std::vector<SeriesConfig>& series) {
  state_->stopping = false;
  for (const auto& s : series) {
    auto source = std::find_if(sources.begin(), sources.end(),
                               [&](const SourceConfig& c) { return c.name == s.source; });
    // The config loader guarantees both; a hand-built config may lack them.
    if (source == sources.end() || source->driver == nullptr) continue;
    state_->timers.push_back(std::make_unique<asio::steady_timer>(state_->io));
    auto& timer = *state_->timers.back();
    ++state_->running;
    asio::co_spawn(state_->io, PollSeries(state_, *source, s, timer),
                   [st = state_, id = s.id](std::exception_ptr e) {
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
