// The polling loop against a real loopback HTTP server: unchanged answers cost the sink
// nothing, and a slow sink does not stretch the interval.
#include <algorithm>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "config/config.h"
#include "core/calendar.h"
#include "core/log.h"
#include "http/server.h"
#include "sources/formats/testing.h"
#include "sources/poller.h"

namespace liqwatch::sources {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Serves `body` as CSV at any path and notes when each request arrived.
struct FeedServer {
  explicit FeedServer(asio::io_context& io)
      : server(io, [this](const http::Request& r) { return Handle(r); }) {
    EXPECT_TRUE(server.Listen("127.0.0.1:0").ok());
    server.Start();
  }
  asio::awaitable<http::Response> Handle(const http::Request& req) {
    arrivals.push_back(Steady::now());
    http::Response res{beast_http::status::ok, req.version()};
    res.set(beast_http::field::content_type, "text/csv");
    res.body() = body;
    res.prepare_payload();
    co_return res;
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }

  http::Server server;
  std::string body = "date,A\n2025-10-27,1.5\n2025-10-28,1.75\n";
  std::vector<Steady::time_point> arrivals;
};

// Counts what the poller hands over; each call takes `delay` (a slow store).
struct RecordingSink final : ObservationSink {
  explicit RecordingSink(asio::io_context& io) : io(io) {}
  asio::awaitable<std::optional<Date>> LastStoredDate(const SeriesConfig&) override {
    co_return latest;
  }
  asio::awaitable<std::optional<HttpValidators>> StoredValidators(const SeriesConfig&,
                                                                  const std::string&) override {
    ++validator_reads;
    co_return std::nullopt;
  }
  asio::awaitable<bool> OnObservations(const SeriesConfig&, std::vector<Observation> batch,
                                       std::optional<FetchedValidators>) override {
    co_await Wait();
    ++stored;
    for (const auto& o : batch) latest = std::max(latest.value_or(o.date), o.date);
    co_return true;
  }
  asio::awaitable<void> OnUnchanged(const SeriesConfig&) override {
    co_await Wait();
    ++unchanged;
  }
  asio::awaitable<void> OnPollError(const SeriesConfig&, const Status& error) override {
    errors.push_back(error.message());
    co_return;
  }
  asio::awaitable<void> Wait() {
    asio::steady_timer t(io, delay);
    co_await t.async_wait(asio::use_awaitable);
  }

  asio::io_context& io;
  milliseconds delay{0};
  std::optional<Date> latest;
  int stored = 0, unchanged = 0, validator_reads = 0;
  std::vector<std::string> errors;
};

config::Config Load(const std::string& base_url, const std::string& interval) {
  auto r = config::LoadConfigFromString(
      "sources:\n  sheet: {type: csv, base_url: \"" + base_url +
          "\", path: /a.csv, date_column: date}\n"
          "series:\n  - {id: a, source: sheet, remote_id: A, unit: index, interval: " +
          interval + ", jitter: 0}\n",
      "t.yaml");
  EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].ToString());
  return r.config ? *r.config : config::Config{};
}

struct PollerLoop : ::testing::Test {
  void SetUp() override { (void)SetLogLevel("off"); }
  // Runs the poller for `run` on the loop, with `during` called at `at`.
  void Run(milliseconds run, milliseconds at = {}, std::function<void()> during = {}) {
    Poller poller(io, http, sink, clock);
    poller.Start(config.sources, config.series);
    asio::steady_timer mid(io, at);
    if (during) mid.async_wait([&](auto) { during(); });
    asio::steady_timer stop(io, run);
    stop.async_wait([&](auto) {
      poller.Stop();
      feed.server.Stop();
    });
    io.run_for(run + milliseconds(2000));
  }

  asio::io_context io;
  http::HttpClient http{io, "liqwatch-test"};
  FeedServer feed{io};
  RecordingSink sink{io};
  FixedWallClock clock{*FromNewYork(testing::D("2025-11-03"), std::chrono::hours(12))};
  config::Config config;
};

// A feed that answers the same body every poll is stored once; the polls after it reach the
// sink as OnUnchanged (no ingest transaction, no evaluation) until the body changes.
TEST_F(PollerLoop, IdenticalBodyIsHandedOverOnceUntilItChanges) {
  config = Load(feed.Url(), "100ms");
  Run(milliseconds(1500), milliseconds(800), [&] { feed.body += "2025-10-29,2.0\n"; });
  ASSERT_TRUE(sink.errors.empty()) << sink.errors[0];
  const int polls = static_cast<int>(feed.arrivals.size());
  EXPECT_GE(polls, 10);
  EXPECT_EQ(sink.stored, 2);  // the first body, then the changed one
  // Every other poll was unchanged (the last one may have been cut short by Stop()).
  EXPECT_GE(sink.unchanged, polls - 3);
  EXPECT_LE(sink.unchanged, polls - 2);
  EXPECT_EQ(sink.latest, testing::D("2025-10-29"));
  // The request URL never changed: the stored validators were read once, not per poll.
  EXPECT_EQ(sink.validator_reads, 1);
  std::printf("[ figures  ] %d polls, %d stored, %d unchanged (no ingest, no evaluation)\n", polls,
              sink.stored, sink.unchanged);
}

// Polls start on a grid: a sink that takes 200 ms per poll does not turn a 300 ms interval
// into 500 ms (polls scheduled from the end of the last one did).
TEST_F(PollerLoop, SlowSinkDoesNotStretchTheInterval) {
  config = Load(feed.Url(), "300ms");
  sink.delay = milliseconds(200);
  Run(milliseconds(2050));
  ASSERT_GE(feed.arrivals.size(), 2u);
  std::vector<double> gaps;
  for (size_t i = 1; i < feed.arrivals.size(); ++i)
    gaps.push_back(std::chrono::duration<double>(feed.arrivals[i] - feed.arrivals[i - 1]).count());
  std::sort(gaps.begin(), gaps.end());
  const double median = gaps[gaps.size() / 2];
  EXPECT_GE(feed.arrivals.size(), 6u);  // 0, 0.3, ..., 1.8 s: 7; end-to-start: 0, 0.5, ...: 5
  EXPECT_NEAR(median, 0.3, 0.08);
  std::printf("[ figures  ] %zu polls in 2.05 s, median gap %.3f s (interval 0.3 s, sink 0.2 s)\n",
              feed.arrivals.size(), median);
}

}  // namespace
}  // namespace liqwatch::sources
