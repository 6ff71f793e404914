#include "http/server.h"

#include <map>
#include <optional>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/json.hpp>

#include "core/json.h"
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
  res.body() = WriteJson(boost::json::object{{"error", std::move(err)}}) + "\n";
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
  // Open connections. `waiting_since` is set while a connection has no complete request (it
  // can be closed to make room) and unset while its request is handled or answered.
  struct Session {
    std::string client;  // remote address
    std::optional<std::chrono::steady_clock::time_point> waiting_since;
  };
  std::map<beast::tcp_stream*, Session> sessions;
};

namespace {

// The status a Beast parse error maps to.
unsigned StatusFor(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == beast::error::timeout) return 408;
  return 400;
}

// A request read's deadline, shared with its timer's handler (which may run after the read).
struct ReadDeadline {
  uint64_t generation = 0;
  bool fired = false;
};

std::string ClientOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string();
}

using RequestParser = bhttp::request_parser<bhttp::string_body>;

// Marks whether the connection is waiting for a complete request (see Server::State).
void SetWaiting(Server::State& st, beast::tcp_stream* stream, bool yes) {
  if (auto it = st.sessions.find(stream); it != st.sessions.end())
    it->second.waiting_since = yes ? std::optional(std::chrono::steady_clock::now()) : std::nullopt;
}

// Idle: a short wait for the first byte; false when the connection is to be closed quietly.
asio::awaitable<bool> WaitForFirstByte(const Server::State& st, beast::tcp_stream& stream,
                                       beast::flat_buffer& buffer) {
  beast::error_code ec;
  stream.expires_after(st.limits.idle_timeout);
  std::size_t n = co_await stream.async_read_some(
      buffer.prepare(std::min<std::size_t>(st.limits.max_header_bytes, 4096)),
      asio::redirect_error(asio::use_awaitable, ec));
  buffer.commit(n);
  co_return !ec && !st.stopped;
}

// Reads one request into `parser` within read_timeout; beast::error::timeout when that passed.
asio::awaitable<beast::error_code> ReadRequest(const Server::State& st, beast::tcp_stream& stream,
                                               beast::flat_buffer& buffer, RequestParser& parser,
                                               const std::shared_ptr<ReadDeadline>& read) {
  beast::error_code ec;
  // The request's deadline cancels the read rather than closing the socket (as the stream's
  // own expiry would), so that the client still gets its 408.
  stream.expires_never();
  asio::steady_timer deadline(stream.get_executor(), st.limits.read_timeout);
  const auto generation = ++read->generation;
  read->fired = false;
  // The handler may run after this coroutine returns: it holds the session's stream by pointer.
  deadline.async_wait([weak = std::weak_ptr<ReadDeadline>(read), generation,
                       s = &stream](const boost::system::error_code& e) {
    auto r = weak.lock();  // expired: the session is gone, and its stream with it
    if (e || !r || r->generation != generation) return;
    r->fired = true;
    boost::system::error_code ignored;
    s->socket().cancel(ignored);
  });
  co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  ++read->generation;  // a deadline already queued must not cancel what follows
  deadline.cancel();
  if (read->fired) ec = beast::error::timeout;
  co_return ec;
}

// Whether the read's outcome ends the connection without an answer: the client left, the
// server stops, or the read timed out before the client sent anything.
bool EndsQuietly(const beast::error_code& ec, const Server::State& st,
                 const beast::flat_buffer& buffer, const RequestParser& parser) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
      ec == asio::error::operation_aborted || st.stopped)
    return true;
  return ec == beast::error::timeout && buffer.size() == 0 && !parser.got_some();
}

// Answers a request that could not be read (400, 408, 413 or 431); the connection then closes.
asio::awaitable<void> AnswerBadRequest(beast::tcp_stream& stream, beast::error_code ec,
                                       spdlog::logger& log) {
  log.debug("event=bad_request error=\"{}\"", ec.message());
  Response res = JsonError(StatusFor(ec), "bad request: " + ec.message());
  stream.expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
}

// The handler's response; an exception it throws becomes a 500.
asio::awaitable<Response> Answer(const Server::State& st, const Request& req, spdlog::logger& log) {
  Response res;
  try {
    res = co_await st.handler(req);
  } catch (const std::exception& e) {
    log.error("event=handler_failed target=\"{}\" error=\"{}\"", std::string(req.target()),
              e.what());
    res = JsonError(500, "internal error");
  }
  co_return res;
}

// Writes the response (for HEAD: the same headers as GET, Content-Length included, no body).
asio::awaitable<beast::error_code> WriteResponse(const Server::State& st, beast::tcp_stream& stream,
                                                 const Request& req, Response& res) {
  beast::error_code ec;
  stream.expires_after(st.limits.read_timeout);
  if (req.method() == bhttp::verb::head) {
    bhttp::response_serializer<bhttp::string_body> sr(res);
    co_await bhttp::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return ec;
}

asio::awaitable<void> Session(std::shared_ptr<Server::State> st, tcp::socket socket) {
  auto log = Logger("api");
  const std::string client = ClientOf(socket);
  beast::tcp_stream stream(std::move(socket));
  st->sessions[&stream] = {client, std::chrono::steady_clock::now()};
  struct Remove {
    Server::State* st;
    beast::tcp_stream* s;
    ~Remove() { st->sessions.erase(s); }
  } remove{st.get(), &stream};
  beast::flat_buffer buffer;
  auto read = std::make_shared<ReadDeadline>();
  try {
    for (;;) {
      RequestParser parser;
      parser.header_limit(static_cast<std::uint32_t>(st->limits.max_header_bytes));
      parser.body_limit(st->limits.max_body_bytes);
      SetWaiting(*st, &stream, true);
      if (buffer.size() == 0) {
        const bool got_byte = co_await WaitForFirstByte(*st, stream, buffer);
        if (!got_byte) break;
      }
      beast::error_code ec = co_await ReadRequest(*st, stream, buffer, parser, read);
      if (EndsQuietly(ec, *st, buffer, parser)) break;
      if (ec) {
        co_await AnswerBadRequest(stream, ec, *log);
        break;
      }
      Request req = parser.release();
      req.set(kRemoteAddrField, client);
      SetWaiting(*st, &stream, false);
      Response res = co_await Answer(*st, req, *log);
      res.version(req.version());
      bool keep = req.keep_alive() && res.keep_alive() && !st->stopped;
      res.keep_alive(keep);
      ec = co_await WriteResponse(*st, stream, req, res);
      if (ec || !keep) break;
    }
  } catch (const std::exception& e) {
    log->warn("event=session_failed error=\"{}\"", e.what());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

// Closes the connection that has waited longest without a complete request, among those of
// `client` (or all when empty); false when there is none. Its coroutine sees the close and
// ends, removing itself.
bool EvictLongestWaiting(Server::State& st, const std::string& client) {
  beast::tcp_stream* oldest = nullptr;
  std::chrono::steady_clock::time_point since{};
  for (auto& [stream, session] : st.sessions) {
    if (!session.waiting_since || (!client.empty() && session.client != client)) continue;
    if (oldest == nullptr || *session.waiting_since < since) {
      oldest = stream;
      since = *session.waiting_since;
    }
  }
  if (oldest == nullptr) return false;
  boost::system::error_code ec;
  oldest->socket().close(ec);
  st.sessions[oldest].waiting_since.reset();  // closing: not a candidate again
  st.sessions[oldest].client.clear();         // nor counted for its client
  return true;
}

// Whether a connection from `client` may start now, making room if a bound is reached.
bool MakeRoom(Server::State& st, const std::string& client) {
  int from_client = 0, live = 0;
  for (const auto& [stream, session] : st.sessions) {
    if (session.client.empty()) continue;  // being closed
    ++live;
    from_client += session.client == client ? 1 : 0;
  }
  if (from_client >= st.limits.max_connections_per_client) {
    if (!EvictLongestWaiting(st, client)) return false;
    --live;
  }
  if (live >= st.limits.max_connections && !EvictLongestWaiting(st, "")) return false;
  Logger("api")->debug("event=connection client={} open={}", client, live + 1);
  return true;
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
    if (!MakeRoom(*st, ClientOf(socket))) {
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
  for (auto& [s, session] : state_->sessions) s->socket().close(ec);
}

uint16_t Server::port() const {
  boost::system::error_code ec;
  auto ep = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

bool Server::loopback_only() const {
  boost::system::error_code ec;
  auto ep = state_->acceptor.local_endpoint(ec);
  return !ec && ep.address().is_loopback();
}

}  // namespace liqwatch::http
