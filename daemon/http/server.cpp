#include "http/server.h"

#include <set>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/json.hpp>

#include "core/log.h"

namespace liqwatch::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

Response JsonError(unsigned status, const std::string& message, unsigned version, bool keep_alive) {
  Response res{static_cast<bhttp::status>(status), version};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  boost::json::object err{{"status", status}, {"message", message}};
  res.body() = boost::json::serialize(boost::json::object{{"error", std::move(err)}}) + "\n";
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

struct Server::State {
  State(asio::io_context& io, Handler h, ServerLimits l)
      : io(io), acceptor(io), handler(std::move(h)), limits(l) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  Handler handler;
  ServerLimits limits;
  bool stopped = false;
  std::set<beast::tcp_stream*> sessions;
};

namespace {

// The status a Beast parse error maps to.
unsigned StatusFor(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == beast::error::timeout) return 408;
  return 400;
}

asio::awaitable<void> Session(std::shared_ptr<Server::State> st, tcp::socket socket) {
  auto log = Logger("api");
  beast::tcp_stream stream(std::move(socket));
  st->sessions.insert(&stream);
  struct Remove {
    Server::State* st;
    beast::tcp_stream* s;
    ~Remove() { st->sessions.erase(s); }
  } remove{st.get(), &stream};
  beast::flat_buffer buffer;
  try {
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(st->limits.max_header_bytes));
      parser.body_limit(st->limits.max_body_bytes);
      stream.expires_after(st->limits.read_timeout);
      beast::error_code ec;
      co_await bhttp::async_read(stream, buffer, parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted || st->stopped)
        break;
      if (ec) {
        if (ec == beast::error::timeout && buffer.size() == 0 && !parser.got_some()) break;
        log->debug("event=bad_request error=\"{}\"", ec.message());
        Response res = JsonError(StatusFor(ec), "bad request: " + ec.message());
        stream.expires_after(std::chrono::seconds(5));
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
      Request req = parser.release();
      Response res;
      try {
        res = co_await st->handler(req);
      } catch (const std::exception& e) {
        log->error("event=handler_failed target=\"{}\" error=\"{}\"", std::string(req.target()),
                   e.what());
        res = JsonError(500, "internal error");
      }
      res.version(req.version());
      bool keep = req.keep_alive() && res.keep_alive() && !st->stopped;
      res.keep_alive(keep);
      stream.expires_after(st->limits.read_timeout);
      if (req.method() == bhttp::verb::head) {
        // Same headers as GET (Content-Length included), no body.
        bhttp::response_serializer<bhttp::string_body> sr(res);
        co_await bhttp::async_write_header(stream, sr,
                                           asio::redirect_error(asio::use_awaitable, ec));
      } else {
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec || !keep) break;
    }
  } catch (const std::exception& e) {
    log->warn("event=session_failed error=\"{}\"", e.what());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

asio::awaitable<void> Accept(std::shared_ptr<Server::State> st) {
  auto log = Logger("api");
  while (!st->stopped) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await st->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (st->stopped || ec == asio::error::operation_aborted) break;
    if (ec) {
      log->warn("event=accept_failed error=\"{}\"", ec.message());
      continue;
    }
    if (static_cast<int>(st->sessions.size()) >= st->limits.max_connections) {
      log->warn("event=connection_refused reason=too_many_connections");
      socket.close(ec);
      continue;
    }
    asio::co_spawn(st->io, Session(st, std::move(socket)), asio::detached);
  }
}

}  // namespace

Server::Server(asio::io_context& io, Handler handler, ServerLimits limits)
    : state_(std::make_shared<State>(io, std::move(handler), limits)) {}

Server::~Server() { Stop(); }

Status Server::Listen(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Status::InvalidArgument(
        fmt::format("listen address '{}': expected HOST:PORT", host_port));
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port_text = host_port.substr(colon + 1);
  unsigned port = 0;
  try {
    std::size_t used = 0;
    port = static_cast<unsigned>(std::stoul(port_text, &used));
    if (used != port_text.size() || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return Status::InvalidArgument(fmt::format("listen address '{}': bad port", host_port));
  }
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return Status::InvalidArgument(fmt::format("listen address '{}': bad host", host_port));
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  auto& a = state_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close();
    return Status::IoError(fmt::format("cannot listen on {}: {}", host_port, ec.message()));
  }
  return Status::Ok();
}

void Server::Start() { asio::co_spawn(state_->io, Accept(state_), asio::detached); }

void Server::Stop() {
  state_->stopped = true;
  boost::system::error_code ec;
  state_->acceptor.close(ec);
  for (auto* s : state_->sessions) s->socket().close(ec);
}

uint16_t Server::port() const {
  boost::system::error_code ec;
  auto ep = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

}  // namespace liqwatch::http
