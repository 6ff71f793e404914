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
//   (connection refused, DNS, reset, truncated body), kHttpError (a redirect the request does not
//   allow, too many redirects). Error messages carry the URL with credentials redacted
//   (core/log.h RedactUrl) and registered secrets scrubbed (ScrubSecrets), never the raw URL.
// - Redirects (301, 302, 303, 307, 308 with a Location) are followed by the client, at most 5,
//   and only to the request URL's own host or one of `redirect_hosts`; a redirect to any other
//   host fails naming that host, so a feed cannot send the request (and what it carries) to a
//   third party. With follow_redirects false the 3xx response itself completes the fetch (a
//   signed webhook POST must never be replayed to another URL).
// - Cancel() aborts every transfer in flight; each completes with kUnavailable "cancelled".
// - The same multi handle also carries SMTP transfers (HttpRequest's mail fields), so an email
//   is sent on the loop like any request: no thread per send.
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
  bool follow_redirects = true;
  std::vector<std::string> redirect_hosts;  // besides the URL's own host; "*" = any host

  // SMTP: with an smtp:// or smtps:// url the transfer sends one mail: MAIL FROM mail_from,
  // RCPT TO each of mail_rcpt. libcurl's MIME API (curl_mime_*) writes the message: `headers`
  // are its header fields, given as they go on the wire (RFC 2047-encode non-ASCII values
  // first: libcurl does not), then MIME-Version and a multipart/alternative body with one part
  // per mail_alternatives entry, in order (plainest first), each quoted-printable. `body` is
  // not used. smtps:// is implicit TLS; on smtp:// `mail_tls` says whether STARTTLS is
  // required, tried or off. The response's status is the server's last SMTP reply code (250
  // when accepted); a failed transfer's error message ends with "(SMTP reply NNN)" when the
  // server sent one.
  enum class MailTls { kRequired, kOptional, kOff };
  struct MailPart {
    std::string content_type;  // "text/plain; charset=utf-8"
    std::string data;          // LF or CRLF line ends (sent as CRLF)
  };
  std::string mail_from;               // bare address, "alerts@example.com"
  std::vector<std::string> mail_rcpt;  // bare addresses
  std::vector<MailPart> mail_alternatives;
  MailTls mail_tls = MailTls::kRequired;
  std::string username;  // AUTH, when non-empty (never logged)
  std::string password;
  std::string ca_file;  // CA bundle for TLS peer verification (smtps, https); empty = system
};

struct HttpResponse {
  long status = 0;
  std::string body;  // decoded (gzip/deflate handled by libcurl)
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response
  Duration elapsed{};
  // The URL that answered (the request's, or the last redirect's). It may carry credentials:
  // RedactUrl it before showing it.
  std::string url;
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

// The host name of an http(s) URL, lower-case, without port or brackets; empty if unparsable.
std::string UrlHost(const std::string& url);
// Whether a redirect from `from_url` may go to `to_url` under `allowed` (see HttpRequest).
bool RedirectAllowed(const std::string& from_url, const std::string& to_url,
                     const std::vector<std::string>& allowed);

}  // namespace liqwatch::http
