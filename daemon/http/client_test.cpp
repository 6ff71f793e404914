#include "http/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/log.h"
#include "http/testing.h"

namespace liqwatch::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<HttpResponse> Fetch(asio::io_context& io, HttpClient& client, HttpRequest req) {
  std::optional<Result<HttpResponse>> out;
  client.AsyncFetch(std::move(req), [&](Result<HttpResponse> r) { out = std::move(r); });
  io.run_for(std::chrono::seconds(10));
  io.restart();
  if (!out) return Status::Internal("no completion");
  return std::move(*out);
}

TEST(HttpClient, FetchesBodyStatusAndHeadersWithUserAgent) {
  asio::io_context io;
  HttpClient client(io, "liqwatch-test/1");
  LoopbackServer server(io);
  server.Serve(
      "HTTP/1.1 200 OK\r\nContent-Type: application/csv\r\nETag: \"v1\"\r\n"
      "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
  HttpRequest req;
  req.url = server.Url("/graph/fredgraph.csv?id=SOFR");
  req.headers = {{"If-None-Match", "\"v0\""}};
  auto r = Fetch(io, client, req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("etag"), "\"v1\"");
  ASSERT_EQ(server.requests.size(), 1u);
  EXPECT_THAT(server.requests[0],
              ::testing::HasSubstr("GET /graph/fredgraph.csv?id=SOFR HTTP/1.1"));
  EXPECT_THAT(server.requests[0], ::testing::HasSubstr("User-Agent: liqwatch-test/1"));
  EXPECT_THAT(server.requests[0], ::testing::HasSubstr("If-None-Match: \"v0\""));
  EXPECT_EQ(client.in_flight(), 0u);
}

TEST(HttpClient, NonSuccessStatusIsAResponseNotAnError) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  server.Serve(
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n");
  auto r = Fetch(io, client, {.url = server.Url("/x")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->Header("Retry-After"), "7");
}

TEST(HttpClient, TimesOutWithRedactedUrl) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  server.Serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", std::chrono::seconds(3));
  HttpRequest req{
      .url = server.Url("/fred/series/observations?series_id=SOFR&api_key=abcdef0123456789")};
  req.timeout = std::chrono::milliseconds(300);
  auto r = Fetch(io, client, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kTimeout);
  EXPECT_THAT(
      r.status().message(),
      ::testing::EndsWith(
          "/fred/series/observations?series_id=SOFR&api_key=[redacted]: timed out after 300ms"));
  EXPECT_THAT(r.status().message(), ::testing::Not(::testing::HasSubstr("abcdef0123456789")));
}

TEST(HttpClient, AbortsBodiesOverTheCap) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  std::string big(64 * 1024, 'x');
  server.Serve("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big);  // no Content-Length
  HttpRequest req{.url = server.Url("/big")};
  req.max_body_bytes = 1024;
  auto r = Fetch(io, client, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kTooLarge);
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("exceeds the 1024 byte limit"));
}

TEST(HttpClient, ConnectionRefusedIsUnavailable) {
  asio::io_context io;
  HttpClient client(io, "t");
  std::string url;
  {
    LoopbackServer closed(io);
    url = closed.Url("/x");
  }
  auto r = Fetch(io, client, {.url = url});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
}

TEST(HttpClient, RunsManyTransfersConcurrentlyOnOneThread) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  for (int i = 0; i < 8; ++i)
    server.Serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                 std::chrono::milliseconds(300));
  int done = 0;
  for (int i = 0; i < 8; ++i)
    client.AsyncFetch(HttpRequest{.url = server.Url("/p")}, [&](Result<HttpResponse> r) {
      EXPECT_TRUE(r.ok());
      ++done;
    });
  io.run_for(std::chrono::seconds(5));
  EXPECT_EQ(done, 8);
  EXPECT_EQ(server.max_open, 8);  // all eight were in flight together on this one thread
}

TEST(HttpClient, PostsBodyWithHeaders) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  server.Serve("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  HttpRequest req{.method = "POST",
                  .url = server.Url("/hook"),
                  .headers = {{"Content-Type", "application/json"}},
                  .body = "{\"a\":1}"};
  auto r = Fetch(io, client, req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 204);
  EXPECT_THAT(server.requests[0], ::testing::HasSubstr("POST /hook HTTP/1.1"));
  EXPECT_THAT(server.requests[0], ::testing::HasSubstr("Content-Length: 7"));
}

std::string RedirectTo(const std::string& location, int status = 302) {
  return "HTTP/1.1 " + std::to_string(status) + " Moved\r\nLocation: " + location +
         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

TEST(HttpClient, FollowsARedirectOnTheSameHost) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  server.Serve(RedirectTo("/moved?x=1", 301));
  server.Serve("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  HttpRequest req;
  req.url = server.Url("/start");
  auto r = Fetch(io, client, req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->url, server.Url("/moved?x=1"));
  ASSERT_EQ(server.requests.size(), 2u);
  EXPECT_THAT(server.requests[1], ::testing::HasSubstr("GET /moved?x=1 HTTP/1.1"));
}

TEST(HttpClient, RefusesARedirectToAnotherHostNamingIt) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  // "localhost" is another host name than "127.0.0.1": the client never goes there.
  server.Serve(RedirectTo("http://localhost:9/steal?api_key=abc", 302));
  HttpRequest req;
  req.url = server.Url("/feed.csv?api_key=secret123");
  auto r = Fetch(io, client, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kHttpError);
  EXPECT_EQ(r.status().message(),
            "GET " + server.Url("/feed.csv?api_key=[redacted]") +
                ": HTTP 302 redirect to host 'localhost' refused: redirects stay on the requested "
                "host unless it is allowed (a source's redirect_hosts)");
  EXPECT_EQ(server.requests.size(), 1u);
}

TEST(HttpClient, StopsAfterFiveRedirects) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  for (int i = 0; i < 6; ++i) server.Serve(RedirectTo("/again", 307));
  HttpRequest req;
  req.url = server.Url("/loop");
  auto r = Fetch(io, client, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "GET " + server.Url("/again") + ": more than 5 redirects");
}

TEST(HttpClient, WithoutFollowRedirectsA3xxIsTheAnswer) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  server.Serve(RedirectTo(server.Url("/elsewhere")));
  HttpRequest req;
  req.method = "POST";
  req.body = "{}";
  req.follow_redirects = false;
  req.url = server.Url("/hook");
  auto r = Fetch(io, client, req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(server.requests.size(), 1u);
}

TEST(HttpClient, RedirectPolicyComparesHostNames) {
  EXPECT_EQ(UrlHost("https://User:pw@Feeds.Example.com:8443/x?y"), "feeds.example.com");
  EXPECT_EQ(UrlHost("http://[::1]:80/"), "::1");
  EXPECT_EQ(UrlHost("not a url"), "");
  EXPECT_TRUE(RedirectAllowed("https://a.example/x", "https://A.example:444/y", {}));
  EXPECT_FALSE(RedirectAllowed("https://a.example/x", "https://b.example/y", {}));
  EXPECT_TRUE(RedirectAllowed("https://a.example/x", "https://b.example/y", {"b.example"}));
  EXPECT_FALSE(RedirectAllowed("https://a.example/x", "https://c.example/y", {"b.example"}));
  EXPECT_TRUE(RedirectAllowed("https://a.example/x", "https://c.example/y", {"*"}));
  EXPECT_FALSE(RedirectAllowed("https://a.example/x", "file:///etc/passwd", {"*"}));
}

TEST(HttpClient, TransportErrorsScrubRegisteredSecretUrls) {
  asio::io_context io;
  HttpClient client(io, "t");
  LoopbackServer server(io);
  server.Serve("");  // reads the request, closes without a reply
  const std::string url = server.Url("/services/T000/B000/XXXXsecretXXXX");
  RegisterSecret(url);  // as the config loader does for a webhook or Slack URL
  HttpRequest req;
  req.method = "POST";
  req.url = url;
  auto r = Fetch(io, client, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(r.status().message(), ::testing::StartsWith("POST [redacted]: "));
  EXPECT_THAT(r.status().message(), ::testing::Not(::testing::HasSubstr("XXXXsecretXXXX")));
}

}  // namespace
}  // namespace liqwatch::http
