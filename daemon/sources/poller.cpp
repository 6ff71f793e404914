#include "sources/poller.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "config/defaults.h"
#include "core/calendar.h"
#include "core/log.h"
#include "core/units.h"
#include "http/retry_after.h"
#include "sources/formats/csv_table.h"
#include "sources/formats/date_format.h"
#include "sources/formats/fear_greed.h"
#include "sources/formats/fred.h"
#include "sources/formats/html_table.h"
#include "sources/formats/json_pointer.h"
#include "sources/formats/nyfed.h"
#include "sources/formats/treasury.h"
#include "sources/formats/url.h"

namespace liqwatch::sources {

namespace asio = boost::asio;

namespace {

Date UtcDate(TimePoint t) { return std::chrono::floor<std::chrono::days>(t); }

bool IsNyFedRate(const std::string& remote_id) {
  return remote_id == "sofr" || remote_id == "tgcr" || remote_id == "bgcr" || remote_id == "effr" ||
         remote_id == "obfr";
}

bool ReadsDataPoints(const config::SourceConfig& s) {
  const auto* preset = config::defaults::FindHtmlPreset(s.preset);
  return preset && preset->data_points;
}

HtmlTableOptions HtmlOptions(const config::SourceConfig& s, Date today) {
  HtmlTableOptions o = s.preset == "farside_btc" || s.preset == "farside_eth"
                           ? FarsideEtfOptions(today)
                       : s.preset == "ici_etf_flows" ? IciEtfNetIssuanceOptions(today)
                                                     : HtmlTableOptions{};
  o.name = s.name;
  o.today = today;
  if (s.table_xpath) o.table_xpath = *s.table_xpath;
  if (s.header_rows_xpath) o.header_rows_xpath = *s.header_rows_xpath;
  if (s.header_row) o.header_row = static_cast<size_t>(*s.header_row);
  if (s.rows_xpath) o.rows_xpath = *s.rows_xpath;
  if (s.dates_in_header) o.dates_in_header = *s.dates_in_header;
  if (s.date_column) o.date_column = static_cast<size_t>(std::stoul(*s.date_column));
  if (s.date_format) o.date_format = *s.date_format;
  return o;
}

}  // namespace

http::HttpRequest BuildRequest(const config::SourceConfig& source,
                               const config::SeriesConfig& series, std::optional<Date> since,
                               Date today, int page) {
  http::HttpRequest req;
  req.timeout = source.timeout;
  req.max_body_bytes = source.max_body_bytes;
  req.redirect_hosts = source.redirect_hosts;
  req.headers = source.headers;
  std::optional<Date> start;
  if (since) start = *since - std::chrono::days(config::defaults::kIncrementalOverlapDays);
  Date from = start.value_or(today - std::chrono::days(config::defaults::kInitialLookbackDays));
  const auto& t = source.type;
  if (t == "fred") {
    req.url = source.api_key
                  ? FredJsonUrl(source.base_url, series.remote_id, *source.api_key, start)
                  : FredGraphCsvUrl(source.graph_url, series.remote_id, start);
  } else if (t == "nyfed") {
    if (IsNyFedRate(series.remote_id)) {
      req.url = NyFedRateSearchUrl(source.base_url, series.remote_id, from, today);
    } else {
      req.url = NyFedOperationsSearchUrl(source.base_url, from, today,
                                         series.remote_id == "repo" ? "Repo" : "Reverse Repo");
    }
  } else if (t == "treasury_dts") {
    req.url = TreasuryDtsUrl(source.base_url, from, config::defaults::kTreasuryPageSize, page);
  } else if (t == "fear_greed") {
    int limit = since ? std::max<int>(2, (today - *start).count() + 1) : 0;
    req.url = FearGreedUrl(source.base_url, limit);
  } else if (t == "html_table" || t == "csv" || t == "json") {
    req.url = JoinUrl(source.base_url, source.path.empty() ? "/" : source.path);
  }
  return req;
}

Result<ParsedPage> ParsePage(const config::SourceConfig& source, const config::SeriesConfig& series,
                             const http::HttpResponse& response, Date today) {
  ParsedPage page;
  if (response.status == 304) {
    page.not_modified = true;
    return page;
  }
  const auto& t = source.type;
  const bool ok_status = response.status >= 200 && response.status < 300;
  Result<std::vector<RawPoint>> points = Status::Internal("unknown source type " + t);
  if (t == "fred") {
    points = source.api_key ? ParseFredJson(response.body)
                            : ParseFredGraphCsv(response.body, series.remote_id);
    if (points.ok()) {
      // The FRED parsers have no clock: apply the shared future-date policy here.
      if (auto st = CheckNoFutureDates(*points, today, "FRED " + series.remote_id); !st.ok())
        points = st;
    }
  } else if (!ok_status) {
    // Other feeds' error bodies are not worth parsing: the status says it.
  } else if (t == "nyfed") {
    if (IsNyFedRate(series.remote_id)) {
      NyFedRatesOptions o;
      o.today = today;
      points = ParseNyFedRefRates(response.body, o);
      if (points.ok()) {
        const std::string field = series.field.empty() ? "percentRate" : series.field;
        std::vector<RawPoint> kept;
        for (auto& p : *points)
          if (p.column == field) kept.push_back(std::move(p));
        if (kept.empty() && !points->empty())
          points = Status::LayoutChanged(fmt::format("NY Fed {}: no '{}' field in {} record values",
                                                     series.remote_id, field, points->size()));
        else
          points = std::move(kept);
      }
    } else {
      NyFedOperationsOptions o;
      o.today = today;
      o.operation_type = series.remote_id == "repo" ? "Repo" : "Reverse Repo";
      points = ParseNyFedOperationPoints(response.body, o);
    }
  } else if (t == "treasury_dts") {
    DtsOptions o;
    o.today = today;
    auto dts = ParseDtsOperatingCashBalance(response.body, o);
    if (dts.ok()) {
      page.next_page = dts->next_page_number;
      points = std::move(dts->points);
    } else {
      points = dts.status();
    }
  } else if (t == "fear_greed") {
    FearGreedOptions o;
    o.today = today;
    points = ParseFearGreed(response.body, o);
  } else if (t == "html_table" && ReadsDataPoints(source)) {
    // One data point of a product page (ishares_*): the series' remote_id names it.
    HtmlDataPointsOptions o = ISharesFundOptions(today);
    o.name = source.name;
    std::erase_if(o.points, [&](const HtmlDataPoint& p) { return p.column != series.remote_id; });
    points = ParseHtmlDataPoints(response.body, o);
  } else if (t == "html_table") {
    auto o = HtmlOptions(source, today);
    o.value_columns = {series.remote_id};
    points = ParseHtmlTable(response.body, o);
  } else if (t == "csv") {
    CsvTableOptions o;
    o.name = source.name;
    o.today = today;
    if (source.date_column) o.date_column = *source.date_column;
    if (source.date_format) o.date_format = *source.date_format;
    if (source.delimiter) o.delimiter = (*source.delimiter)[0];
    if (source.skip_lines) o.skip_lines = static_cast<size_t>(*source.skip_lines);
    o.value_columns = {series.remote_id};
    points = ParseCsvTable(response.body, o);
  } else if (t == "json") {
    JsonPointerOptions o;
    o.name = source.name;
    o.today = today;
    if (source.rows_pointer) o.rows_pointer = *source.rows_pointer;
    if (source.date_pointer) o.date_pointer = *source.date_pointer;
    if (source.date_format) o.date_format = *source.date_format;
    o.values = {{"", series.remote_id}};
    points = ParseJsonPointer(response.body, o);
  }
  if (!ok_status) {
    // FRED's JSON API error bodies carry the reason ("Bad Request.  The series does not
    // exist."); other error bodies are HTML pages whose parse error would only add noise.
    const bool fred_json = t == "fred" && source.api_key.has_value();
    std::string reason = points.ok() || !fred_json ? "" : ": " + points.status().message();
    std::string msg = fmt::format("HTTP {}{}", response.status, reason);
    // A bot wall is not a broken feed: say so, so nobody goes looking for a layout change.
    const bool challenge = response.Header("cf-mitigated") == "challenge" ||
                           (response.status == 403 && LooksLikeBotChallenge(response.body));
    if (challenge)
      msg = fmt::format("blocked by the site: HTTP {} bot challenge (Cloudflare)", response.status);
    else if (response.status == 403)
      msg += " (forbidden: the site refuses this client)";
    // Which URL answered, so the operator can tell a moved page from a typo'd path (FRED's
    // JSON reason already says what was wrong; its URL carries the api_key, redacted anyway).
    if (!fred_json && !response.url.empty())
      msg += " from " + RedactUrl(ScrubSecrets(response.url));
    if (challenge)
      msg +=
          "; not a layout change: the site refuses this client (set the source's headers, "
          "e.g. User-Agent and Accept, or use a mirror)";
    if (response.status == 429 || response.status >= 500) return Status::Unavailable(msg);
    return Status::HttpError(msg);
  }
  if (!points.ok()) return points.status();
  page.observations.reserve(points->size());
  const std::string what = fmt::format("{} {}", source.name, series.remote_id);
  for (const auto& p : *points) {
    std::optional<double> v;
    if (p.value) {
      if (!std::isfinite(*p.value))
        return Status::InvalidArgument(fmt::format("{}: value {} on {} is not a finite number",
                                                   what, *p.value, FormatDate(p.date)));
      v = ToCanonical(*p.value, series.unit);
      if (!std::isfinite(*v))
        return Status::InvalidArgument(
            fmt::format("{}: value {} on {} overflows when converted to {}", what, *p.value,
                        FormatDate(p.date), UnitName(CanonicalUnit(DimensionOf(series.unit)))));
    }
    std::string id = series.id;
    if (t == "nyfed" && !IsNyFedRate(series.remote_id) && p.column != "total") {
      id = series.id + ":" + p.column;  // "<id>:op:RP 121025 1", "<id>:sve:..."
    }
    page.observations.push_back({std::move(id), p.date, v, p.provisional});
  }
  if (Status st = CheckObservations(page.observations, what); !st.ok()) return st;
  return page;
}

Status CheckObservations(const std::vector<Observation>& observations, std::string_view what) {
  std::map<std::pair<std::string_view, Date>, const Observation*> seen;
  for (const auto& o : observations) {
    if (Status st = CheckObservationDate(o.date, what); !st.ok()) return st;
    if (o.value && !std::isfinite(*o.value))
      return Status::InvalidArgument(fmt::format("{}: value {} on {} is not a finite number", what,
                                                 *o.value, FormatDate(o.date)));
    auto [it, fresh] = seen.emplace(std::pair<std::string_view, Date>(o.series, o.date), &o);
    if (fresh) continue;
    auto text = [](const std::optional<double>& v) {
      return v ? fmt::format("{}", *v) : std::string("missing");
    };
    return Status::InvalidArgument(fmt::format(
        "{}: the response has two observations of {} for {} ({} and {}); a repeated date is "
        "ambiguous, nothing from this response is stored",
        what, o.series, FormatDate(o.date), text(it->second->value), text(o.value)));
  }
  return Status::Ok();
}

void AddConditionalHeaders(http::HttpRequest& request, const HttpValidators& known) {
  if (!known.etag.empty()) request.headers.emplace_back("If-None-Match", known.etag);
  if (!known.last_modified.empty())
    request.headers.emplace_back("If-Modified-Since", known.last_modified);
}

std::optional<HttpValidators> ValidatorsAfter(const http::HttpResponse& response,
                                              const std::optional<HttpValidators>& known) {
  HttpValidators v{response.Header("ETag"), response.Header("Last-Modified")};
  if (response.status == 200) return v;
  if (response.status != 304) return std::nullopt;
  if (known) {
    if (v.etag.empty()) v.etag = known->etag;
    if (v.last_modified.empty()) v.last_modified = known->last_modified;
  }
  return v;
}

Duration ScheduleDelay(const config::SeriesConfig& series, TimePoint now) {
  Duration delay = series.interval;
  if (series.windows.empty()) return delay;
  auto ny = ToNewYork(now);
  if (!ny.ok() || !IsBusinessDay(ny->date)) return delay;
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(ny->time_of_day).count();
  for (const auto& w : series.windows) {
    if (minute >= w.start_minute && minute < w.end_minute) delay = std::min(delay, w.interval);
    if (minute < w.start_minute) {
      auto until = std::chrono::duration_cast<Duration>(std::chrono::minutes(w.start_minute) -
                                                        ny->time_of_day);
      delay = std::min(delay, until);
    }
  }
  return std::max(delay, Duration(1));
}

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
  std::map<std::string, std::chrono::steady_clock::time_point> host_next;
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

std::string HostOf(const std::string& url) {
  auto p = url.find("://");
  auto start = p == std::string::npos ? 0 : p + 3;
  auto end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Delay before the next poll: the schedule after success, exponential backoff after failures
// (or the server's Retry-After). Jitter keeps many series from hitting one host in lockstep.
Duration NextDelay(const config::SeriesConfig& s, TimePoint now, int failures,
                   std::optional<Duration> retry_after, std::mt19937_64& rng) {
  using config::defaults::kRetryInitial;
  using config::defaults::kRetryMax;
  Duration base = ScheduleDelay(s, now);
  if (failures > 0) {
    int64_t backoff = kRetryInitial.count() << std::min(failures - 1, 20);
    base = Duration(std::min<int64_t>({backoff, kRetryMax.count(), s.interval.count()}));
  }
  if (retry_after) return std::max(base, *retry_after);  // never earlier than the server asks
  std::uniform_real_distribution<double> jitter(1.0 - s.jitter, 1.0 + s.jitter);
  return Duration(static_cast<int64_t>(base.count() * jitter(rng)));
}

// Waits for the host's turn (token bucket of size 1 at requests_per_second).
asio::awaitable<void> WaitForHost(std::shared_ptr<Poller::State> st, const std::string& host,
                                  double rps, asio::steady_timer& timer) {
  auto now = std::chrono::steady_clock::now();
  auto& next = st->host_next[host];
  auto start = std::max(now, next);
  next = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(1.0 / rps));
  if (start > now) {
    timer.expires_at(start);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> PollSeries(std::shared_ptr<Poller::State> st,
                                 const config::SourceConfig& source,
                                 const config::SeriesConfig& series, asio::steady_timer& timer) {
  auto log = Logger("poller");
  int failures = 0;
  while (!st->stopping) {
    Status error;
    std::optional<Duration> retry_after;
    try {
      auto since = co_await st->sink.LastStoredDate(series);
      const Date today = UtcDate(st->clock.Now());
      std::vector<Observation> batch;
      std::optional<ObservationSink::FetchedValidators> fresh;
      bool not_modified = false;
      std::size_t bytes = 0;  // response bodies, decoded
      for (int page = 1;; ++page) {
        auto request = BuildRequest(source, series, since, today, page);
        // Only the first page is conditional: later pages are fetched when it changed.
        std::optional<HttpValidators> known;
        if (page == 1) {
          known = co_await st->sink.StoredValidators(series, request.url);
          if (known) AddConditionalHeaders(request, *known);
        }
        const std::string host = HostOf(request.url);
        co_await WaitForHost(st, host, source.requests_per_second, timer);
        if (st->stopping) co_return;
        auto response = co_await st->http.AsyncFetch(request, asio::use_awaitable);
        if (st->stopping) co_return;
        if (!response.ok()) {
          error = response.status();
          break;
        }
        if (response->status == 429) {
          // Capped (http.max_retry_after): a hostile or broken server cannot park the host.
          auto ra = http::ParseRetryAfter(response->Header("Retry-After"), st->clock.Now(),
                                          source.max_retry_after);
          retry_after =
              ra.value_or(std::min<Duration>(std::chrono::seconds(60), source.max_retry_after));
          st->host_next[host] = std::max(
              st->host_next[host],
              std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(*retry_after));
        }
        bytes += response->body.size();
        auto parsed = ParsePage(source, series, *response, today);
        if (!parsed.ok()) {
          error = parsed.status();
          break;
        }
        if (page == 1) {
          if (auto v = ValidatorsAfter(*response, known))
            fresh = ObservationSink::FetchedValidators{request.url, std::move(*v)};
        }
        if (parsed->not_modified) {
          not_modified = true;
          break;
        }
        for (auto& o : parsed->observations) batch.push_back(std::move(o));
        if (!parsed->next_page) break;
        if (page >= config::defaults::kTreasuryMaxPages) {
          error = Status::LayoutChanged(fmt::format("more than {} pages; narrow the query",
                                                    config::defaults::kTreasuryMaxPages));
          break;
        }
      }
      // Pages were checked one by one; a date may still repeat across them.
      if (error.ok())
        error = CheckObservations(batch, fmt::format("{} {}", source.name, series.remote_id));
      if (error.ok()) {
        log->debug("event=poll_ok source={} series={} observations={} not_modified={} bytes={}",
                   source.name, series.id, batch.size(), not_modified, bytes);
        co_await st->sink.OnObservations(series, std::move(batch), std::move(fresh));
      }
    } catch (const std::exception& e) {
      error = Status::Internal(e.what());
    }
    if (st->stopping) break;
    if (!error.ok()) {
      error = Sanitized(error);
      ++failures;
      log->warn("event=poll_failed source={} series={} failures={} error=\"{}\"", source.name,
                series.id, failures, error.message());
      co_await st->sink.OnPollError(
          series, Status(error).WithContext(fmt::format("{}/{}", source.name, series.id)));
    } else {
      failures = 0;
    }
    if (st->stopping) break;
    timer.expires_after(NextDelay(series, st->clock.Now(), failures, retry_after, st->rng));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

Poller::Poller(asio::io_context& io, http::HttpClient& http, ObservationSink& sink,
               const WallClock& clock)
    : state_(std::make_shared<State>(State{io, http, sink, clock})) {}

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
