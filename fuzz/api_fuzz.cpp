// libFuzzer harness: the HTTP API's request handling, from raw bytes to response. The input
// goes through the same Beast parser with the same limits as http::Server (request line,
// headers, body), then through Api::Handle (target and query-string decoding, path
// parameters, the bearer-token check, every route) against a real SQLite store read on its
// own StoreWorker thread, as in the daemon.
// Properties: no request makes a 500 (that means a store failure or an exception on user
// input); every error is a JSON {"error": {"status", "message"}} with the response's status
// and a message; /api/v1/* answers are JSON; the bearer token never appears in an answer
// unless the request line itself carried it. Write routes (silences, acks) run against the
// same database through a read-write StoreWorker, as the daemon's.
#include <cstdlib>
#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "api/api.h"
#include "config/config.h"
#include "core/log.h"
#include "fuzz/properties.h"
#include "http/server.h"
#include "store/store.h"
#include "store/worker.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr char kToken[] = "fuzz-token-6d1f0c2b";

constexpr char kConfig[] = R"(
api:
  token: fuzz-token-6d1f0c2b
sources:
  fred:
    type: fred
    graph_url: http://127.0.0.1:9
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent, interval: 1h}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent, interval: 1h}
rules:
  - name: sofr_high
    series: sofr
    op: ">"
    threshold: 4.5
    severity: warning
  - name: spread
    expr: sofr - iorb > 10bp
    severity: critical
)";

struct World {
  asio::io_context io;
  std::unique_ptr<store::StoreWorker> reader;
  std::unique_ptr<store::StoreWorker> writer;  // the write routes (silences, acks) change it
  std::shared_ptr<const config::Config> config;
  SystemWallClock clock;
  std::unique_ptr<api::Api> api;

  World() {
    InitLogging({.level = "off", .journald = false});
    auto loaded = config::LoadConfigFromString(kConfig, "api_fuzz.yaml");
    if (!loaded.config) Fail("api: fixture config rejected: " + loaded.errors[0].ToString());
    config = std::make_shared<const config::Config>(std::move(*loaded.config));
    char dir[] = "/tmp/liqwatch-api-fuzz-XXXXXX";
    Check(mkdtemp(dir) != nullptr, "api: mkdtemp failed");
    const std::string db = std::string(dir) + "/liqwatch.db";
    {
      auto w = store::Store::Open(db, store::Store::Mode::kReadWrite);
      Check(w.ok(), "api: cannot create the store");
      std::vector<Observation> obs;
      Date d = *ParseDate("2026-05-01");
      for (int k = 0; k < 30; ++k, d += std::chrono::days(1))
        obs.push_back({.series = "sofr", .date = d, .value = 4.3 + 0.01 * k, .provisional = false});
      Check((*w)->IngestObservations("sofr", Unit::kPercent, obs, Clock::now()).ok(),
            "api: cannot store observations");
    }
    auto r = store::Store::Open(db, store::Store::Mode::kReadOnly);
    Check(r.ok(), "api: cannot open the store read-only");
    reader = std::make_unique<store::StoreWorker>(std::move(*r));
    auto w = store::Store::Open(db, store::Store::Mode::kReadWrite);
    Check(w.ok(), "api: cannot open the store read-write");
    writer = std::make_unique<store::StoreWorker>(std::move(*w));
    auto cfg = config;
    api = std::make_unique<api::Api>(
        *reader, *writer, [cfg] { return cfg; }, clock, std::string(LIQWATCH_SOURCE_DIR) + "/web",
        "fuzz");
    api->SetLoopbackOnly(true);
    api->SetReady(true);
    std::filesystem::remove_all(dir);  // the open connection keeps the file alive
  }
};

void CheckResponse(const http::Request& req, const http::Response& res) {
  const unsigned status = res.result_int();
  const std::string target(req.target());
  Check(status != 500, "api: 500 for " + target + ": " + res.body());
  // Answers quote the method and target back (405, 400, 404), so only a request line
  // without the token can prove a leak.
  const std::string method(req.method_string());
  if (target.find(kToken) == std::string::npos && method.find(kToken) == std::string::npos)
    Check(res.body().find(kToken) == std::string::npos,
          "api: the bearer token appears in the answer to " + method + " " + target);
  const bool json = std::string(res[bhttp::field::content_type]).rfind("application/json", 0) == 0;
  if (status >= 400) {
    Check(json, "api: error " + std::to_string(status) + " for " + target + " is not JSON");
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    Check(!ec && v.is_object() && v.as_object().contains("error"),
          "api: error body for " + target + " is not {\"error\": ...}: " + res.body());
    const auto& err = v.as_object().at("error");
    Check(err.is_object() && err.as_object().contains("status") &&
              err.as_object().at("status").to_number<unsigned>() == status,
          "api: error status in the body differs from " + std::to_string(status));
    const auto* msg = err.as_object().if_contains("message");
    Check(msg && msg->is_string() && !msg->as_string().empty(),
          "api: error without a message for " + target);
  } else if (status / 100 == 2 && target.rfind("/api/", 0) == 0) {
    // ... except the CSV export of the alert history.
    const bool csv = std::string(res[bhttp::field::content_type]).rfind("text/csv", 0) == 0;
    boost::system::error_code ec;
    if (!csv) boost::json::parse(res.body(), ec);
    Check((json && !ec) || (csv && target.find("format=csv") != std::string::npos),
          "api: answer to " + target + " is not JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  // The server's limits (http::ServerLimits): header 8 KiB, body 16 KiB.
  const http::ServerLimits limits;
  if (size > limits.max_header_bytes + limits.max_body_bytes + 1024) return 0;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  asio::const_buffer rest(data, size);
  while (!parser.is_done() && rest.size() > 0) {
    size_t used = parser.put(rest, ec);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec || used == 0) break;
    rest += used;
  }
  if (!parser.got_some()) return 0;  // nothing read: the server closes without answering
  if (!ec && !parser.is_done()) parser.put_eof(ec);  // the client closed its side
  if (ec || !parser.is_done()) return 0;  // the server answers 400/408/413/431 and closes
  http::Request req = parser.release();
  std::optional<http::Response> res;
  asio::co_spawn(
      w.io, [&]() -> asio::awaitable<void> { res = co_await w.api->Handle(req); }, asio::detached);
  w.io.restart();
  w.io.run();
  Check(res.has_value(), "api: Handle did not complete");
  CheckResponse(req, *res);
  return 0;
}
