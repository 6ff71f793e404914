// The API's resources: one handler per route, and the route table Api looks requests up in.
//
// Contract:
// - A handler gets the request already authorised for its Access (api.cpp checks the bearer
//   token and the listen scope before calling it) and answers a Reply; it never throws. Store
//   work runs on `reader` (reads) or `writer` (writes, each with its audit row in the same
//   transaction), never on the loop.
// - Route patterns are paths whose "{}" segments match one non-empty path segment; the matched
//   segments are Call::args, in order. GET routes answer HEAD too.
// - docs/api.md documents every route's shape.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "api/metrics.h"
#include "api/request.h"
#include "config/config.h"
#include "core/time.h"
#include "store/worker.h"

namespace liqwatch::api {

struct Services {
  store::StoreWorker& reader;  // read-only connection, own thread
  store::StoreWorker& writer;  // the daemon's read-write connection
  const LoopMetrics& metrics;
  bool ready = false;  // readiness (false while starting and draining)
};

// One request as a handler sees it.
struct Call {
  const http::Request& req;
  const Target& target;
  std::vector<std::string> args;  // the "{}" segments of the route's pattern
  std::shared_ptr<const config::Config> config;
  TimePoint now;
  // Who asks, for the audit: "token@ADDR" with the bearer token, "loopback@ADDR" without one.
  // Never the token itself.
  std::string actor;
};

using Handler = boost::asio::awaitable<Reply> (*)(Services&, const Call&);

// kOpen: no token needed (health, readiness). kRead: the bearer token when api.token is set.
// kWrite: the bearer token when api.token is set; without api.token, only while the API
// listens on loopback addresses only (403 otherwise).
enum class Access { kOpen, kRead, kWrite };

struct Route {
  boost::beast::http::verb method;
  std::string_view pattern;
  Handler handler;
  Access access;
};

// Every route, in lookup order.
std::span<const Route> Routes();

// Handlers (api/handlers/*.cpp).
boost::asio::awaitable<Reply> Healthz(Services&, const Call&);
boost::asio::awaitable<Reply> Readyz(Services&, const Call&);
boost::asio::awaitable<Reply> Metrics(Services&, const Call&);
boost::asio::awaitable<Reply> ListAlerts(Services&, const Call&);
boost::asio::awaitable<Reply> ShowAlert(Services&, const Call&);
boost::asio::awaitable<Reply> AckAlert(Services&, const Call&);
boost::asio::awaitable<Reply> ShowSeries(Services&, const Call&);
boost::asio::awaitable<Reply> ListSources(Services&, const Call&);
boost::asio::awaitable<Reply> ListRules(Services&, const Call&);
boost::asio::awaitable<Reply> ListSilences(Services&, const Call&);
boost::asio::awaitable<Reply> AddSilence(Services&, const Call&);
boost::asio::awaitable<Reply> ExpireSilence(Services&, const Call&);
boost::asio::awaitable<Reply> ListAudit(Services&, const Call&);

// The id in the route's first "{}" segment; nullopt with a 400 in `error` ("bad WHAT id '...':
// expected a positive integer") when it is not one.
std::optional<int64_t> IdArg(const Call& call, std::string_view what, Reply* error);

// A 400 naming an unknown query parameter, nullopt when all are in `allowed`.
std::optional<Reply> BadParams(const Call& call, const std::vector<std::string_view>& allowed);

}  // namespace liqwatch::api
