// The HTTP API, /metrics, health checks and the dashboard's static assets, as one request
// handler for http::Server.
//
// Contract:
// - Handle() is called on the event loop; every store read runs on `reader` (a StoreWorker
//   with its own read-only connection), so a request never blocks the loop. It never throws:
//   bad requests get a 4xx JSON error ({"error": {"status", "message"}}), store failures 500.
// - Routes (GET and HEAD only; other methods 405): /api/v1/alerts, /api/v1/alerts/{id},
//   /api/v1/series/{id}, /api/v1/sources, /api/v1/rules, /metrics, /healthz, /readyz, / and
//   the asset files under web_dir. docs/api.md documents every shape.
// - When the running config has api.token, /api/v1/* and /metrics require
//   "Authorization: Bearer TOKEN" (401 otherwise); health checks and static assets do not.
// - Metrics observed here (fetch durations, request counts) live in memory on the loop thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

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
  Api(store::StoreWorker& reader, ConfigFn config, const WallClock& clock, std::string web_dir,
      std::string version);

  boost::asio::awaitable<Response> Handle(const Request& req);

  // Readiness: false while starting and draining.
  void SetReady(bool ready) { ready_ = ready; }
  // A poll of `source` took `seconds` from request to parsed response (ok or not).
  void ObserveFetch(const std::string& source, double seconds);

  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative counts per bound, plus +Inf last
    double sum = 0;
    uint64_t count = 0;
  };

 private:
  boost::asio::awaitable<Response> Route(const Request& req);
  Response Asset(const Request& req, const std::string& name);

  store::StoreWorker& reader_;
  ConfigFn config_;
  const WallClock& clock_;
  std::string web_dir_;
  std::string version_;
  bool ready_ = false;
  std::map<std::string, std::string> assets_;  // file name -> content, loaded once
  std::map<std::string, Histogram> fetch_;     // by source
  std::map<unsigned, uint64_t> requests_;      // by status code
};

}  // namespace liqwatch::api
