// A loopback FRED JSON feed for the scaling run (bench/scale.py): answers
// GET /fred/series/observations?series_id=ID... with the same five observations every time (a
// feed polled far more often than it publishes, the common case), and records when each
// series was asked. It runs on the daemon's own HTTP server code, so one core serves
// thousands of requests a second.
//
//   bench_feedserver --port-file F [--interval-ms 1000]
//   GET /_stats?reset=1   {"requests": N, "seconds": S, "lag_ms": {"p50":..,"p90":..,"p99":..,
//                          "max":..}, "samples": K}; reset=1 starts a new window.
// Lag: per series, the gap between consecutive requests minus the nominal interval (how late
// each poll came). Not a timed test: it prints nothing by itself.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "http/server.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace beast = boost::beast;

struct Stats {
  Clock::time_point window_start = Clock::now();
  int64_t requests = 0;
  std::unordered_map<std::string, Clock::time_point> last;
  std::vector<double> lag_ms;
};

std::string Param(const std::string& target, const std::string& name) {
  auto p = target.find(name + "=");
  if (p == std::string::npos) return {};
  p += name.size() + 1;
  return target.substr(p, target.find('&', p) - p);
}

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

liqwatch::http::Response Reply(unsigned version, std::string body, const char* type) {
  liqwatch::http::Response r{beast::http::status::ok, version};
  r.set(beast::http::field::content_type, type);
  r.keep_alive(true);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string port_file;
  double interval_ms = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--port-file") port_file = argv[i + 1];
    if (a == "--interval-ms") interval_ms = std::stod(argv[i + 1]);
  }
  const std::string body =
      R"({"observations":[{"date":"2025-10-27","value":"4.30"},{"date":"2025-10-28","value":"4.31"},)"
      R"({"date":"2025-10-29","value":"4.29"},{"date":"2025-10-30","value":"4.30"},)"
      R"({"date":"2025-10-31","value":"4.32"}]})";
  boost::asio::io_context io;
  Stats stats;
  auto handler =
      [&](const liqwatch::http::Request& req) -> boost::asio::awaitable<liqwatch::http::Response> {
    const std::string target(req.target());
    if (target.rfind("/_stats", 0) == 0) {
      const double secs = std::chrono::duration<double>(Clock::now() - stats.window_start).count();
      std::string out = fmt::format(
          R"({{"requests": {}, "seconds": {:.3f}, "samples": {}, "lag_ms": {{"p50": {:.2f}, )"
          R"("p90": {:.2f}, "p99": {:.2f}, "max": {:.2f}}}}})",
          stats.requests, secs, stats.lag_ms.size(), Percentile(stats.lag_ms, 0.5),
          Percentile(stats.lag_ms, 0.9), Percentile(stats.lag_ms, 0.99),
          stats.lag_ms.empty() ? 0.0 : *std::max_element(stats.lag_ms.begin(), stats.lag_ms.end()));
      if (Param(target, "reset") == "1") {
        stats.window_start = Clock::now();
        stats.requests = 0;
        stats.lag_ms.clear();
      }
      co_return Reply(req.version(), out, "application/json");
    }
    const auto now = Clock::now();
    const std::string id = Param(target, "series_id");
    ++stats.requests;
    auto [it, fresh] = stats.last.try_emplace(id, now);
    if (!fresh) {
      stats.lag_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count() -
                             interval_ms);
      it->second = now;
    }
    co_return Reply(req.version(), body, "application/json");
  };
  liqwatch::http::ServerLimits limits;
  limits.max_connections = 30000;
  limits.max_connections_per_client = 30000;
  limits.idle_timeout = std::chrono::seconds(120);
  liqwatch::http::Server server(io, handler, limits);
  if (auto s = server.Listen("127.0.0.1:0"); !s.ok()) {
    std::fprintf(stderr, "listen: %s\n", s.message().c_str());
    return 1;
  }
  server.Start();
  if (FILE* f = std::fopen(port_file.c_str(), "w")) {
    std::fprintf(f, "%u\n", server.port());
    std::fclose(f);
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) {
    server.Stop();
    io.stop();
  });
  io.run();
  return 0;
}
