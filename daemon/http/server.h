// A small HTTP/1.1 server (Boost.Beast) on the daemon's io_context, for the API, /metrics and
// the dashboard.
//
// Contract:
// - Listen() binds HOST:PORT (port 0 = any free port) and returns an error Status (bad address,
//   port in use) without throwing. Start() begins accepting; Stop() closes the acceptor and
//   every open connection. All three are called on the io_context's thread.
// - One coroutine per connection, no threads. A connection waiting for a request's first byte
//   (new, or kept alive) is closed after idle_timeout; a request must then arrive whole within
//   read_timeout. Each request is read with a header limit, a body limit and that timeout; a
//   request that breaks them gets a JSON error (400, 408, 413 or 431) and the connection is
//   closed. Keep-alive is honoured otherwise.
// - Connections are bounded (max_connections in all, max_connections_per_client per remote
//   address). At a bound, a new connection does not wait: the connection that has waited
//   longest without a complete request (idle, or trickling its headers) is closed to make room,
//   the client's own first when it is the client at its bound. Only when every connection is
//   busy running or answering a request is the new one refused. So idle or slow connections
//   cannot lock clients (the /healthz probe among them) out of the API.
// - The handler sees the client's address in the request's kRemoteAddrField header, set by the
//   server (a field of that name sent by the client is replaced).
// - The handler runs on the io_context and must not block: store reads go through a
//   StoreWorker. An exception thrown by the handler becomes a 500 JSON error, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>

#include "core/status.h"
#include "core/time.h"

namespace liqwatch::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Handler = std::function<boost::asio::awaitable<Response>(const Request&)>;

struct ServerLimits {
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 16 * 1024;
  Duration idle_timeout = std::chrono::seconds(5);   // for a request's first byte
  Duration read_timeout = std::chrono::seconds(10);  // then for the whole request
  int max_connections = 128;
  int max_connections_per_client = 32;
};

inline constexpr const char* kRemoteAddrField = "Liqwatch-Remote-Addr";

// A JSON error body: {"error": {"status": N, "message": "..."}}.
Response JsonError(unsigned status, const std::string& message, unsigned version = 11,
                   bool keep_alive = false);

class Server {
 public:
  Server(boost::asio::io_context& io, Handler handler, ServerLimits limits = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Listen(const std::string& host_port);
  void Start();
  void Stop();
  // The bound port (after Listen).
  uint16_t port() const;
  // Whether the bound address is a loopback one (127.0.0.0/8, ::1): no other host can connect.
  bool loopback_only() const;

  struct State;  // shared with the connection coroutines (server.cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace liqwatch::http
