// Test-only loopback HTTP server for the tests of http/ and the stages above it (clients,
// notifiers): answers each accepted connection with a canned reply. Header-only; production
// code never includes it.
//
// Contract: runs on the test's io_context (no thread). Serve(reply, delay) handles one
// connection: reads its request headers, records them in `requests`, waits `delay`, writes
// `reply` verbatim and closes. `open`/`max_open` count requests read but not yet answered.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace liqwatch::http {

struct LoopbackServer {
  explicit LoopbackServer(boost::asio::io_context& io)
      : acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0}) {}
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + path;
  }
  void Serve(std::string reply, std::chrono::milliseconds delay = {}) {
    boost::asio::co_spawn(acceptor.get_executor(), Handle(std::move(reply), delay),
                          boost::asio::detached);
  }
  boost::asio::awaitable<void> Handle(std::string reply, std::chrono::milliseconds delay) {
    namespace asio = boost::asio;
    auto sock = co_await acceptor.async_accept(asio::use_awaitable);
    std::string buf;
    boost::system::error_code ec;
    co_await asio::async_read_until(sock, asio::dynamic_buffer(buf), "\r\n\r\n",
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    requests.push_back(buf);
    max_open = std::max(max_open, ++open);
    asio::steady_timer t(sock.get_executor(), delay);
    co_await t.async_wait(asio::use_awaitable);
    co_await asio::async_write(sock, asio::buffer(reply),
                               asio::redirect_error(asio::use_awaitable, ec));
    --open;
  }

  boost::asio::ip::tcp::acceptor acceptor;
  std::vector<std::string> requests;
  int open = 0;      // requests read but not yet answered
  int max_open = 0;  // the most that were waiting at once
};

}  // namespace liqwatch::http
