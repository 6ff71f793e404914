// The HTTP API, /metrics, health checks and the dashboard's static assets, as one request
// handler for http::Server.
//
// Contract:
// - Handle() is called on the event loop and never throws: it looks the request up in the
//   route table (api/handlers.h Routes()), checks access, and runs the resource's handler;
//   every store call runs on `reader` (reads) or `writer` (writes) so a request never blocks
//   the loop. Bad requests get a 4xx JSON error ({"error": {"status", "message"}}), store
//   failures 500; a path that exists with another method is 405 with Allow.
// - Access: when the running config has api.token, /api/v1/* and /metrics require
//   "Authorization: Bearer TOKEN" (401 otherwise); health checks and static assets do not.
//   Write routes (POST, DELETE) need the token when one is set; without api.token they answer
//   only while the server listens on loopback addresses (SetLoopbackOnly), 403 otherwise, and
//   a POST must carry Content-Type: application/json (415), which a cross-site form cannot.
//   The token is compared in constant time and never logged, stored or answered: audit rows
//   name "token@ADDR" or "loopback@ADDR" (ADDR: http/server.h kRemoteAddrField).
// - Anything else outside /api/ and /metrics is a dashboard asset from web_dir (GET/HEAD).
// - Metrics observed here (fetch durations, request counts) live in memory on the loop thread.
// - docs/api.md documents every route.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "api/handlers.h"
#include "api/metrics.h"
#include "config/config.h"
#include "core/time.h"
#include "http/server.h"
#include "store/worker.h"

namespace liqwatch::api {

using http::Request;
using http::Response;

// Where the dashboard assets are: `configured` if not empty, else $LIQWATCH_DATADIR/web, else
// <exe>/../share/liqwatch/web (installed), else <exe>/../web (a build dir in the source tree).
// Returns "" if none has an index.html.
std::string FindWebDir(const std::string& configured);

class Api {
 public:
  using ConfigFn = std::function<std::shared_ptr<const config::Config>()>;
  // `clock` (relative filters such as since=7d, the silence and status ages) outlives the Api.
  Api(store::StoreWorker& reader, store::StoreWorker& writer, ConfigFn config,
      const WallClock& clock, std::string web_dir, std::string version);

  boost::asio::awaitable<Response> Handle(const Request& req);

  // Readiness: false while starting and draining.
  void SetReady(bool ready) { services_.ready = ready; }
  // Whether the server listens on loopback addresses only (false until told: writes without a
  // token stay refused).
  void SetLoopbackOnly(bool loopback_only) { loopback_only_ = loopback_only; }
  // A poll of `source` took `seconds` from request to parsed response (ok or not).
  void ObserveFetch(const std::string& source, double seconds) {
    metrics_.ObserveFetch(source, seconds);
  }

 private:
  boost::asio::awaitable<Response> Dispatch(const Request& req);
  // Who the caller is for `access`, or the refusal (401, 403, 415).
  std::variant<std::string, Reply> Authorise(Access access, const Request& req,
                                             const config::Config& c) const;
  Response Asset(const Request& req, const std::string& name);

  ConfigFn config_;
  const WallClock& clock_;
  std::string web_dir_;
  LoopMetrics metrics_;
  Services services_;
  bool loopback_only_ = false;
  std::map<std::string, std::string> assets_;  // file name -> content, loaded once
};

}  // namespace liqwatch::api
