// The poller: one coroutine per configured series, fetching its feed on its schedule.
//
// Contract:
// - Runs on the io_context it is given; every method must be called from that thread.
// - For each series it builds the request (incremental: from the last stored date minus an
//   overlap, so revisions are seen), fetches through HttpClient, parses with the pure parser
//   for the source's format, normalises units, and hands the batch to the sink. A batch is
//   all-or-nothing: a body that fails to parse is reported as an error and nothing is stored.
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
  virtual ~ObservationSink() = default;
  virtual boost::asio::awaitable<std::optional<Date>> LastStoredDate(
      const config::SeriesConfig& series) = 0;
  virtual boost::asio::awaitable<void> OnObservations(const config::SeriesConfig& series,
                                                      std::vector<Observation> observations) = 0;
  virtual boost::asio::awaitable<void> OnPollError(const config::SeriesConfig& series,
                                                   const Status& error) = 0;
};

// Pure pieces, exposed for tests.
// The request for one poll of `series` from `source`, asking for data from `since` on.
http::HttpRequest BuildRequest(const config::SourceConfig& source,
                               const config::SeriesConfig& series, std::optional<Date> since);
// Turns a response into normalised observations, or an error naming source and series.
Result<std::vector<Observation>> ParseResponse(const config::SourceConfig& source,
                                               const config::SeriesConfig& series,
                                               const http::HttpResponse& response);

class Poller {
 public:
  Poller(boost::asio::io_context& io, http::HttpClient& http, ObservationSink& sink);
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
