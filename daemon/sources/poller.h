// The poller: one coroutine per configured series, fetching its feed on its schedule.
//
// Contract:
// - Runs on the io_context it is given; every method must be called from that thread.
// - For each series it builds the request (incremental: from the last stored date minus an
//   overlap, so revisions are seen), fetches through HttpClient, parses with the source's
//   driver (sources/driver.h, sources/fetch.h), normalises units, and hands the batch to the
//   sink. A batch is all-or-nothing: a body that fails to parse is reported as an error and
//   nothing is stored.
// - Conditional GET: before the first request of a poll it sends the validators stored for
//   that exact URL (If-None-Match / If-Modified-Since), asked of the sink the first time the
//   URL is used and remembered after (the poller is the only writer of its series'). The
//   validators of a 200 (or a 304) go to the sink with the batch, which stores them only once
//   the batch is stored.
// - Unchanged answers cost nothing downstream: a 304 that changes no validator, or a body (all
//   pages, for the same `today`) identical to the last one the sink stored, goes to
//   OnUnchanged instead of OnObservations: no write transaction, no evaluation. The first poll
//   after a start, a reload or any failure always goes through OnObservations.
// - Schedule (sources/schedule.h): release-driven, windows or fixed; polls start on a grid
//   anchored at their scheduled start, so a slow response or sink never stretches the
//   interval, and missed slots are skipped rather than caught up in a burst. Per host, requests
//   are spaced to the source's requests_per_second (HostLimit).
// - Failures (transport, HTTP status, parse) go to the sink's OnPollError and are retried with
//   exponential backoff (defaults::kRetryInitial doubling to kRetryMax, at most the series'
//   interval), or after the server's Retry-After; success resumes the schedule. Nothing here
//   throws past the coroutine.
// - Stop() cancels the schedule timers and in-flight fetches; the coroutines then return.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "core/model.h"
#include "core/status.h"
#include "http/client.h"
#include "sources/fetch.h"
#include "sources/schedule.h"
#include "sources/source_config.h"

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
      const SeriesConfig& series) = 0;
  // The validators stored for `series` and this exact request URL; nullopt if none.
  virtual boost::asio::awaitable<std::optional<HttpValidators>> StoredValidators(
      const SeriesConfig& series, const std::string& url) = 0;
  // One successful poll of `series`: all it produced (the series' own observations and, for
  // NY Fed operations, those of its per-operation series "<id>:op:..", see ParsedPage; empty
  // after a 304) and, if any, the validators to remember for the request URL. Returns true
  // once it is stored; false if storing failed (the sink reports that itself).
  virtual boost::asio::awaitable<bool> OnObservations(
      const SeriesConfig& series, std::vector<Observation> observations,
      std::optional<FetchedValidators> validators) = 0;
  // A successful poll whose answer is the one already stored (see the contract): nothing to
  // store or evaluate; the sink may note the poll in its status.
  virtual boost::asio::awaitable<void> OnUnchanged(const SeriesConfig& series) = 0;
  virtual boost::asio::awaitable<void> OnPollError(const SeriesConfig& series,
                                                   const Status& error) = 0;
};

class Poller {
 public:
  // `clock` (the wall clock: today's date, release calendars and windows, HTTP-date
  // Retry-After) outlives the poller; timers run on the io_context's steady clock.
  Poller(boost::asio::io_context& io, http::HttpClient& http, ObservationSink& sink,
         const WallClock& clock);
  ~Poller();
  // Starts one polling coroutine per series of `series` whose source is in `sources` (both
  // must outlive Stop(); config::Config's vectors do).
  void Start(const std::vector<SourceConfig>& sources, const std::vector<SeriesConfig>& series);
  void Stop();
  std::size_t running() const;

  struct State;  // shared with the polling coroutines, which may outlive a Stop() call

 private:
  std::shared_ptr<State> state_;
};

}  // namespace liqwatch::sources
