// HTTP client: libcurl's multi interface driven by one boost::asio::io_context.
//
// Contract:
// - All transfers run on the io_context's thread: curl's sockets are registered with Asio
//   (curl_multi_socket_action on readiness) and curl's timer is an Asio steady_timer, so there
//   is no thread per request and nothing blocks the loop. Construct, call and destroy a
//   HttpClient only from the io_context's thread.
// - AsyncFetch completes exactly once with Result<HttpResponse>: a response (any HTTP status,
//   the caller judges it) or a transport error: kTimeout (request timeout), kTooLarge (body
//   over max_body_bytes, the transfer is aborted as soon as it is exceeded), kUnavailable
//   (connection refused, DNS, reset, truncated body). Error messages carry the URL with
//   credentials redacted (core/log.h RedactUrl), never the raw URL.
// - Cancel() aborts every transfer in flight; each completes with kUnavailable "cancelled".
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>

#include "core/status.h"
#include "core/time.h"

namespace liqwatch::http {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Duration timeout = std::chrono::seconds(30);
  std::size_t max_body_bytes = 8u << 20;
};

struct HttpResponse {
  long status = 0;
  std::string body;  // decoded (gzip/deflate handled by libcurl)
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response
  Duration elapsed{};
  // Case-insensitive lookup; empty when absent.
  std::string Header(std::string_view name) const;
};

using FetchHandler = boost::asio::any_completion_handler<void(Result<HttpResponse>)>;

class HttpClient {
 public:
  HttpClient(boost::asio::io_context& io, std::string user_agent);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Takes the request by reference (it is copied): in a coroutine, pass a named request, not a
  // temporary (GCC 12 double-destroys non-trivial temporaries of a co_await expression).
  template <typename CompletionToken>
  auto AsyncFetch(const HttpRequest& request, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(Result<HttpResponse>)>(
        [this](auto handler, const HttpRequest& req) {
          Start(req, FetchHandler(std::move(handler)));
        },
        token, std::cref(request));
  }

  void Cancel();
  std::size_t in_flight() const;

 private:
  struct Impl;
  void Start(HttpRequest request, FetchHandler handler);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liqwatch::http
