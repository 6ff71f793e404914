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
#include "http/testing.h"
#include "notify/context.h"
#include "notify/slack.h"
#include "notify/testing.h"
#include "notify/webhook.h"

namespace liqwatch::notify {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Each test: a loop, an HTTP client on it and a loopback receiver answering canned replies.
class WebhookPost : public ::testing::Test {
 protected:
  asio::io_context io;
  http::HttpClient client{io, "t"};
  http::LoopbackServer rx{io};
};

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
  const store::DeliveryJob job = SofrJob();  // Send keeps a reference: it must outlive the run
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

TEST_F(WebhookPost, RedirectIsAPermanentErrorAndIsNotFollowed) {
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

TEST_F(WebhookPost, SlackRedirectIsAlsoNotFollowed) {
  rx.Serve(
      "HTTP/1.1 301 Moved\r\nLocation: http://localhost:1/x\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n");
  SlackNotifier n(Hook("slack", rx.Url("/services/T0/B0/secretpath")), {client, kClock, Catalog()});
  SendResult r = SendOnce(io, n);
  EXPECT_EQ(r.outcome, SendResult::Outcome::kPermanent);
  EXPECT_THAT(r.error, ::testing::StartsWith("HTTP 301 from slack ops (a redirect"));
  EXPECT_THAT(r.error, ::testing::Not(::testing::HasSubstr("localhost")));
}

TEST_F(WebhookPost, TransportErrorNeverContainsTheUrl) {
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

TEST_F(WebhookPost, HugeRetryAfterIsBoundedNotOverflowed) {
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

TEST_F(WebhookPost, WithoutSecretUrlRemovesEveryForm) {
  const std::string url = "https://user:pw@hooks.example/T/B/tok?token=abc";
  EXPECT_EQ(
      WithoutSecretUrl("x " + url + " y https://hooks.example/T/B/tok?token=[redacted] z", url),
      "x [redacted URL] y [redacted URL] z");
}

TEST_F(WebhookPost, HttpDateRetryAfterIsMeasuredFromTheInjectedClock) {
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
