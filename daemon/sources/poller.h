// The poller: one coroutine per configured series, fetching its feed on its schedule.
//
// Contract:
// - Runs on the io_context it is given; every method must be called from that thread.
// - For each series it builds the request (incremental: from the last stored date minus an
//   overlap, so revisions are seen), fetches through HttpClient, parses with the pure parser
//   for the source's format, normalises units, and hands the batch to the sink. A batch is
//   all-or-nothing: a body that fails to parse is reported as an error and nothing is stored.
// - Conditional GET: before the first request of a poll it asks the sink for the validators
//   stored for that exact URL and sends them (If-None-Match / If-Modified-Since); a 304 is a
//   success with no observations. The validators of a 200 (or a 304) go to the sink with the
//   batch, which stores them only once the batch is stored.
// - Failures (transport, HTTP status, parse) go to the sink's OnPollError and are retried with
//   exponential backoff (defaults::kRetryInitial doubling to kRetryMax); success resumes the
//   series' normal interval. Nothing here throws past the coroutine.
// - Stop() cancels the schedule timers and in-flight fetches; the coroutines then return.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "config/config.h"
#include "core/model.h"
#include "core/status.h"
#include "http/client.h"

namespace liqwatch::sources {

// Where polled data goes. Implemented by the app (store + rules); coroutines so that the sink
// can hop to the store thread and back.
class ObservationSink {
 public:
  // Validators of a poll's first response and the request URL they belong to. The URL may
  // carry credentials (FRED's api_key): the sink must redact it before storing or logging it.
  struct FetchedValidators {
    std::string url;
    HttpValidators validators;  // empty: the server sent none (forget any stored)
  };

  virtual ~ObservationSink() = default;
  virtual boost::asio::awaitable<std::optional<Date>> LastStoredDate(
      const config::SeriesConfig& series) = 0;
  // The validators stored for `series` and this exact request URL; nullopt if none.
  virtual boost::asio::awaitable<std::optional<HttpValidators>> StoredValidators(
      const config::SeriesConfig& series, const std::string& url) = 0;
  // One successful poll of `series`: all it produced (the series' own observations and, for
  // NY Fed operations, those of its per-operation series "<id>:op:..", see ParsedPage; empty
  // after a 304) and, if any, the validators to remember for the request URL.
  virtual boost::asio::awaitable<void> OnObservations(
      const config::SeriesConfig& series, std::vector<Observation> observations,
      std::optional<FetchedValidators> validators) = 0;
  virtual boost::asio::awaitable<void> OnPollError(const config::SeriesConfig& series,
                                                   const Status& error) = 0;
};

// Pure pieces, exposed for tests (and for `liqwatch fetch`).
// The request for one poll of `series` from `source`, asking for data from `since` on (minus
// the revision overlap; with no `since`, feeds that need a start ask from `today` minus
// defaults::kInitialLookbackDays). `page` is the Treasury page number (1-based).
http::HttpRequest BuildRequest(const config::SourceConfig& source,
                               const config::SeriesConfig& series, std::optional<Date> since,
                               Date today, int page = 1);

struct ParsedPage {
  // Normalised to the canonical unit. `series` is the series id, except for the per-operation
  // values of NY Fed operations feeds, which go to "<id>:op:<operationId>" (and small value
  // exercises to "<id>:sve:<operationId>"); the day's sum goes to <id>.
  std::vector<Observation> observations;
  bool not_modified = false;     // HTTP 304: nothing new, not an error
  std::optional<int> next_page;  // Treasury: another page to fetch
};

// Turns a response into observations, or an error (kHttpError "HTTP 404 from <url>", with the
// URL RedactUrl'ed and secrets scrubbed, kUnavailable for 429 and 5xx, the parser's
// kParseError / kLayoutChanged / kInvalidArgument). Rows dated after `today` are rejected for
// every type (CheckNoFutureDates), and every page passes CheckObservations. Never throws.
Result<ParsedPage> ParsePage(const config::SourceConfig& source, const config::SeriesConfig& series,
                             const http::HttpResponse& response, Date today);

// The shared post-parse check every format's output passes (per page, and over all pages of
// a poll): each value finite (a unit conversion that overflows is caught here), each date in
// the CheckObservationDate range, and no series with two observations for one date: a
// response that repeats a date is ambiguous (storing either value would make alerts flap on
// every poll) and is rejected whole, kInvalidArgument naming the series, date and values.
Status CheckObservations(const std::vector<Observation>& observations, std::string_view what);

// Adds If-None-Match (the ETag) and If-Modified-Since (the Last-Modified) for `known`.
void AddConditionalHeaders(http::HttpRequest& request, const HttpValidators& known);
// The validators to remember after `response` to a request sent with `known` (nullopt: none
// sent): a 200's own (empty if it has none); a 304's, each header falling back on the known
// value (a 304 may update them, RFC 9111 4.3.4); nullopt for any other status (keep them).
std::optional<HttpValidators> ValidatorsAfter(const http::HttpResponse& response,
                                              const std::optional<HttpValidators>& known);

// Delay until the next poll of `series` after a success at `now`: the interval, or a release
// window's interval while New York time is inside a window on a US business day, never past
// the start of the next window today. Without jitter.
Duration ScheduleDelay(const config::SeriesConfig& series, TimePoint now);

class Poller {
 public:
  // `clock` (the wall clock: today's date, release windows, HTTP-date Retry-After) outlives
  // the poller; timers run on the io_context's steady clock.
  Poller(boost::asio::io_context& io, http::HttpClient& http, ObservationSink& sink,
         const WallClock& clock);
  ~Poller();
  // Starts one polling coroutine per series of `config` (which must outlive Stop()).
  void Start(const config::Config& config);
  void Stop();
  std::size_t running() const;

  struct State;  // shared with the polling coroutines, which may outlive a Stop() call

 private:
  std::shared_ptr<State> state_;
};

}  // namespace liqwatch::sources
