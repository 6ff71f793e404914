// Webhook and Slack POSTs over real loopback HTTP: redirects, Retry-After and secret URLs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/defaults.h"
#include "notify/context.h"
#include "notify/slack.h"
#include "notify/webhook.h"

namespace liqwatch::notify {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Answers each accepted connection with the next canned reply after reading its headers.
struct Receiver {
  explicit Receiver(asio::io_context& io)
      : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + path;
  }
  void Serve(std::string reply) {
    asio::co_spawn(acceptor.get_executor(), Handle(std::move(reply)), asio::detached);
  }
  asio::awaitable<void> Handle(std::string reply) {
    auto sock = co_await acceptor.async_accept(asio::use_awaitable);
    std::string buf;
    boost::system::error_code ec;
    co_await asio::async_read_until(sock, asio::dynamic_buffer(buf), "\r\n\r\n",
                                    asio::redirect_error(asio::use_awaitable, ec));
    requests.push_back(buf);
    co_await asio::async_write(sock, asio::buffer(reply),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  tcp::acceptor acceptor;
  std::vector<std::string> requests;
};

store::DeliveryJob Job() {
  store::DeliveryJob j;
  j.delivery_id = 1;
  j.event_id = 2;
  j.rule = "sofr_high";
  j.kind = "firing";
  j.severity = "critical";
  j.series = "sofr";
  j.value = 4.31;
  j.obs_date = "2025-10-28";
  j.eval_time = "2025-10-28T14:03:07.123Z";
  j.message = "sofr 4.31%";
  j.idempotency_key = "k";
  return j;
}

config::NotifierConfig Hook(const std::string& type, const std::string& url) {
  config::NotifierConfig c;
  c.name = "ops";
  c.type = type;
  c.url = url;
  c.timeout = std::chrono::seconds(5);
  c.signing_secret = "signing-key";
  return c;
}

SendResult SendOnce(asio::io_context& io, Notifier& n) {
  std::optional<SendResult> out;
  const store::DeliveryJob job = Job();  // Send keeps a reference: it must outlive the run
  asio::co_spawn(io, n.Send(job), [&](std::exception_ptr, SendResult r) {
    out = std::move(r);
    io.stop();  // a receiver still waiting for a request that never comes must not hold us
  });
  io.run_for(std::chrono::seconds(10));
  io.restart();
  return out.value_or(SendResult{SendResult::Outcome::kDelivered, "no completion", {}});
}

std::shared_ptr<const AlertCatalog> Catalog() { return AlertCatalog::Build(config::Config{}); }

// Notifiers read the time only from the clock they are given.
const FixedWallClock kClock(*ParseTime("2025-10-28T12:00:00Z"));

TEST(WebhookPost, RedirectIsAPermanentErrorAndIsNotFollowed) {
  asio::io_context io;
  http::HttpClient client(io, "t");
  Receiver rx(io);
  // The Location names another receiver (and a token): the signed POST must not go there.
  rx.Serve("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + rx.Url("/collect?token=LEAKME") +
           "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  rx.Serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  WebhookNotifier n(Hook("webhook", rx.Url("/hooks/T0/secretpath")), {client, kClock, Catalog()});
  SendResult r = SendOnce(io, n);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kPermanent);
  EXPECT_EQ(r.error,
            "HTTP 307 from webhook ops (a redirect: webhook and Slack POSTs do not follow "
            "redirects; configure the final URL)");
  EXPECT_EQ(rx.requests.size(), 1u);
}

TEST(WebhookPost, SlackRedirectIsAlsoNotFollowed) {
  asio::io_context io;
  http::HttpClient client(io, "t");
  Receiver rx(io);
  rx.Serve(
      "HTTP/1.1 301 Moved\r\nLocation: http://localhost:1/x\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n");
  SlackNotifier n(Hook("slack", rx.Url("/services/T0/B0/secretpath")), {client, kClock, Catalog()});
  SendResult r = SendOnce(io, n);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kPermanent);
  EXPECT_THAT(r.error, ::testing::StartsWith("HTTP 301 from slack ops (a redirect"));
  EXPECT_THAT(r.error, ::testing::Not(::testing::HasSubstr("localhost")));
}

TEST(WebhookPost, TransportErrorNeverContainsTheUrl) {
  asio::io_context io;
  http::HttpClient client(io, "t");
  Receiver rx(io);
  rx.Serve("");  // closes without answering
  // Not registered with the scrubber: the notifier itself takes its URL out.
  const std::string url = rx.Url("/services/T0/B0/UnregisteredToken77");
  WebhookNotifier n(Hook("webhook", url), {client, kClock, Catalog()});
  SendResult r = SendOnce(io, n);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetryable);
  EXPECT_THAT(r.error, ::testing::StartsWith("webhook ops: POST [redacted URL]: "));
  EXPECT_THAT(r.error, ::testing::Not(::testing::HasSubstr("UnregisteredToken77")));
  EXPECT_THAT(r.error, ::testing::Not(::testing::HasSubstr("/services/")));
}

TEST(WebhookPost, HugeRetryAfterIsBoundedNotOverflowed) {
  asio::io_context io;
  http::HttpClient client(io, "t");
  Receiver rx(io);
  rx.Serve(
      "HTTP/1.1 429 Too Many\r\nRetry-After: 999999999\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n");
  rx.Serve(
      "HTTP/1.1 503 Busy\r\nRetry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n");
  WebhookNotifier n(Hook("webhook", rx.Url("/h")), {client, kClock, Catalog()});
  SendResult r = SendOnce(io, n);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetryable);
  EXPECT_EQ(r.error, "HTTP 429 from webhook ops");
  EXPECT_EQ(r.retry_after, Duration(config::defaults::kMaxRetryAfterLimit));
  SendResult d = SendOnce(io, n);
  EXPECT_EQ(d.retry_after, Duration(config::defaults::kMaxRetryAfterLimit));
}

TEST(WebhookPost, WithoutSecretUrlRemovesEveryForm) {
  const std::string url = "https://user:pw@hooks.example/T/B/tok?token=abc";
  EXPECT_EQ(
      WithoutSecretUrl("x " + url + " y https://hooks.example/T/B/tok?token=[redacted] z", url),
      "x [redacted URL] y [redacted URL] z");
}

TEST(WebhookPost, HttpDateRetryAfterIsMeasuredFromTheInjectedClock) {
  asio::io_context io;
  http::HttpClient client(io, "t");
  Receiver rx(io);
  rx.Serve(
      "HTTP/1.1 503 Busy\r\nRetry-After: Tue, 28 Oct 2025 12:00:30 GMT\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n");
  WebhookNotifier n(Hook("webhook", rx.Url("/h")), {client, kClock, Catalog()});
  SendResult r = SendOnce(io, n);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kRetryable);
  EXPECT_EQ(r.retry_after, Duration(std::chrono::seconds(30)));
}

}  // namespace
}  // namespace liqwatch::notify
