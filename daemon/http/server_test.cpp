#include "http/server.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace liqwatch::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using std::chrono::milliseconds;

// The real server on loopback, its io_context on a thread of its own; the test talks to it
// with blocking sockets, as clients would.
class LoopbackApi {
 public:
  explicit LoopbackApi(ServerLimits limits)
      : server_(
            io_,
            [](const Request& req) -> asio::awaitable<Response> {
              Response res{bhttp::status::ok, req.version()};
              res.body() = "ok " + std::string(req.target());
              res.prepare_payload();
              co_return res;
            },
            limits) {
    EXPECT_TRUE(server_.Listen("127.0.0.1:0").ok());
    server_.Start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoopbackApi() {
    asio::post(io_, [this] { server_.Stop(); });
    asio::post(io_, [this] { io_.stop(); });
    thread_.join();
  }
  tcp::endpoint endpoint() const { return {asio::ip::make_address("127.0.0.1"), server_.port()}; }

 private:
  asio::io_context io_;
  Server server_;
  std::thread thread_;
};

// Connects and sets a receive timeout so that no test can hang.
std::unique_ptr<tcp::socket> Connect(asio::io_context& io, const tcp::endpoint& ep) {
  auto s = std::make_unique<tcp::socket>(io);
  s->connect(ep);
  timeval tv{5, 0};
  ::setsockopt(s->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return s;
}

// Everything the server sends until it closes (or 5 s pass).
std::string ReadAll(tcp::socket& s) {
  std::string out;
  char buf[4096];
  for (;;) {
    boost::system::error_code ec;
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) return out;
  }
}

std::string Get(const tcp::endpoint& ep, const std::string& target) {
  asio::io_context io;
  auto s = Connect(io, ep);
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(*s, asio::buffer(req));
  return ReadAll(*s);
}

ServerLimits SmallLimits() {
  ServerLimits l;
  l.max_connections = 8;
  l.max_connections_per_client = 4;
  l.idle_timeout = milliseconds(400);
  l.read_timeout = milliseconds(800);
  return l;
}

TEST(Server, IdleConnectionsDoNotLockClientsOut) {
  ServerLimits limits = SmallLimits();
  limits.idle_timeout = std::chrono::seconds(30);  // they would stay for the whole test
  LoopbackApi api(limits);
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 3 * limits.max_connections; ++i) idle.push_back(Connect(io, api.endpoint()));
  // Every connection slot is held by a connection that sent nothing: the probe still gets in,
  // by closing the one that waited longest.
  EXPECT_THAT(
      Get(api.endpoint(), "/healthz"),
      ::testing::AllOf(::testing::StartsWith("HTTP/1.1 200"), ::testing::HasSubstr("ok /healthz")));
  EXPECT_THAT(Get(api.endpoint(), "/readyz"), ::testing::HasSubstr("ok /readyz"));
  // The first idle connection was closed to make room: it reads end-of-stream, no reply.
  EXPECT_EQ(ReadAll(*idle.front()), "");
}

TEST(Server, SlowHeadersCannotLockClientsOut) {
  ServerLimits limits = SmallLimits();
  limits.read_timeout = std::chrono::seconds(30);
  LoopbackApi api(limits);
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> slow;
  for (int i = 0; i < 2 * limits.max_connections; ++i) {
    slow.push_back(Connect(io, api.endpoint()));
    asio::write(*slow.back(), asio::buffer(std::string("GET /api/v1/status HTTP/1.1\r\nHo")));
  }
  EXPECT_THAT(Get(api.endpoint(), "/healthz"), ::testing::HasSubstr("ok /healthz"));
}

TEST(Server, IdleConnectionIsClosedAfterIdleTimeout) {
  LoopbackApi api(SmallLimits());
  asio::io_context io;
  auto s = Connect(io, api.endpoint());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadAll(*s), "");  // closed without a reply, not after the 5 s socket timeout
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST(Server, IncompleteRequestGets408AfterReadTimeout) {
  LoopbackApi api(SmallLimits());
  asio::io_context io;
  auto s = Connect(io, api.endpoint());
  asio::write(*s, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n")));
  std::string reply = ReadAll(*s);
  EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 408"));
  EXPECT_THAT(reply, ::testing::HasSubstr("\"status\":408"));
}

TEST(Server, KeepAliveConnectionServesSeveralRequests) {
  LoopbackApi api(SmallLimits());
  asio::io_context io;
  auto s = Connect(io, api.endpoint());
  asio::write(*s, asio::buffer(std::string("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string first(64, '\0');
  std::size_t n = s->read_some(asio::buffer(first));
  EXPECT_THAT(first.substr(0, n), ::testing::HasSubstr("ok /a"));
  asio::write(*s,
              asio::buffer(std::string("GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  EXPECT_THAT(ReadAll(*s), ::testing::HasSubstr("ok /b"));
}

}  // namespace
}  // namespace liqwatch::http
