// Cost per page of the alert history, at its start and at its end, over a real SQLite file of
// 1,000,000 alerts with 1,000,000 alert events (issue 15: "pages through 1M alert events with
// a constant cost per page"). Pages of 100 follow the `next` cursor (keyset on opened_at, id),
// through the Store and through the API's handler (JSON included), without and with a filter.
// It prints figures; it asserts nothing (timings depend on the machine).
//
//   ./build/bench/bench_history_pages [LIQWATCH_BENCH_DB=/path keeps and reuses the db]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "api/api.h"
#include "config/config.h"
#include "core/log.h"
#include "store/alert_filter.h"
#include "store/store.h"
#include "store/testing.h"
#include "store/worker.h"

namespace {

using namespace liqwatch;

constexpr int kAlerts = 1000000;
constexpr int kRules = 40;
constexpr int kPage = 100;
constexpr int kRepeats = 20;

void Die(const std::string& what) {
  std::fprintf(stderr, "bench_history_pages: %s\n", what.c_str());
  std::exit(1);
}

// 1M alerts (one every 5 minutes from 2016-09, ~10 years; 20 opened in the same second as
// their neighbour, for ties) and their 1M firing events, written directly (store/testing.h).
void Fill(store::Store& s) {
  auto& db = store::TestAccess::Db(s);
  std::fprintf(stderr, "filling %d alerts and %d alert events ...\n", kAlerts, kAlerts);
  if (!db.Exec("BEGIN").ok()) Die("BEGIN failed");
  auto a = db.Prepare(
      "INSERT INTO alerts (id, rule, series, severity, state, opened_at, resolved_at, "
      "first_obs_date, last_obs_date, value, threshold, message) VALUES "
      "(?1, ?2, 'sofr', 'warning', 'resolved', ?3, ?3, ?4, ?4, 4.31, 4.3, ?5)");
  auto e = db.Prepare(
      "INSERT INTO alert_events (id, alert_id, rule, kind, from_state, to_state, severity, "
      "series, value, threshold, obs_date, eval_time, message) VALUES "
      "(?1, ?1, ?2, 'firing', 'inactive', 'firing', 'warning', 'sofr', 4.31, 4.3, ?4, ?3, ?5)");
  if (!a.ok() || !e.ok()) Die("prepare failed");
  const int64_t start = 1473000000;
  for (int i = 1; i <= kAlerts; ++i) {
    const std::string rule = fmt::format("rule_{}", i % kRules);
    const int64_t t = start + static_cast<int64_t>(i - i % 50 / 49) * 300;  // some ties
    const std::string opened = FormatTime(TimePoint(std::chrono::seconds(t)));
    const std::string date = opened.substr(0, 10);
    const std::string msg = fmt::format("{}: sofr 4.31% > 4.30% on {}", rule, date);
    for (auto* st : {&*a, &*e}) {
      st->Reset().Bind(1, int64_t{i}).Bind(2, rule).Bind(3, opened).Bind(4, date).Bind(5, msg);
      if (!st->Run().ok()) Die("insert failed");
    }
  }
  if (!db.Exec("COMMIT").ok()) Die("COMMIT failed");
}

// The cursor just before the last page of the history under `where` (the oldest rows).
std::string CursorNearEnd(store::Store& s, const std::string& where) {
  auto& db = store::TestAccess::Db(s);
  auto st = db.Prepare(fmt::format(
      "SELECT opened_at, id FROM alerts WHERE {} ORDER BY opened_at ASC, id ASC LIMIT 1 OFFSET {}",
      where, kPage));
  if (!st.ok() || !*st->Step()) Die("no end cursor");
  return st->Text(0) + "~" + std::to_string(st->Int(1));
}

// Median milliseconds of `kRepeats` runs of `page` (which returns the rows it got).
double MedianMs(const std::function<size_t()>& page) {
  std::vector<double> ms;
  for (int r = 0; r < kRepeats; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    if (page() == 0) Die("empty page");
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

size_t StorePage(store::Store& s, std::map<std::string, std::string> filter) {
  filter["limit"] = std::to_string(kPage);
  auto q = store::ParseAlertFilter(filter, Clock::now(), "", 1000);
  if (!q.ok()) Die(q.status().message());
  auto rows = s.QueryAlerts(*q);
  if (!rows.ok()) Die(rows.status().message());
  return rows->size();
}

// Through api::Api::Handle (routing, store worker, JSON), without a socket.
size_t ApiPage(boost::asio::io_context& io, api::Api& api, const std::string& target) {
  http::Request req{boost::beast::http::verb::get, target, 11};
  req.set(http::kRemoteAddrField, "127.0.0.1");
  size_t n = 0;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        auto res = co_await api.Handle(req);
        if (res.result_int() != 200) Die(target + ": " + res.body());
        n = boost::json::parse(res.body()).at("alerts").as_array().size();
      },
      boost::asio::detached);
  io.restart();
  io.run();
  return n;
}

}  // namespace

int main() {
  InitLogging({.level = "off", .journald = false});
  const char* keep = std::getenv("LIQWATCH_BENCH_DB");
  const std::string path = keep ? keep : fmt::format("/tmp/liqwatch-bench-history-{}.db", getpid());
  const bool fresh = !std::filesystem::exists(path);
  auto w = store::Store::Open(path, store::Store::Mode::kReadWrite);
  if (!w.ok()) Die(w.status().message());
  if (fresh) Fill(**w);
  const std::string end_all = CursorNearEnd(**w, "1");
  const std::string end_rule = CursorNearEnd(**w, "rule = 'rule_7'");

  std::printf("alert history: %d alerts, %d alert events, pages of %d, median of %d runs\n",
              kAlerts, kAlerts, kPage, kRepeats);
  std::printf("%-28s %12s %12s\n", "", "start (ms)", "end (ms)");
  auto row = [](const char* what, double a, double b) {
    std::printf("%-28s %12.3f %12.3f\n", what, a, b);
  };
  store::Store& s = **w;
  row("store, no filter", MedianMs([&] { return StorePage(s, {}); }), MedianMs([&] {
        return StorePage(s, {{"cursor", end_all}});
      }));
  row("store, rule=rule_7", MedianMs([&] {
        return StorePage(s, {{"rule", "rule_7"}});
      }),
      MedianMs([&] {
        return StorePage(s, {{"rule", "rule_7"}, {"cursor", end_rule}});
      }));

  auto r = store::Store::Open(path, store::Store::Mode::kReadOnly);
  if (!r.ok()) Die(r.status().message());
  auto config = std::make_shared<const config::Config>();  // the history reads no config
  store::StoreWorker reader(std::move(*r));
  store::StoreWorker writer(std::move(*w));
  boost::asio::io_context io;
  SystemWallClock clock;
  api::Api api(
      reader, writer, [config] { return config; }, clock, "", "bench");
  const std::string base = fmt::format("/api/v1/alerts?limit={}", kPage);
  row("API, no filter", MedianMs([&] { return ApiPage(io, api, base); }),
      MedianMs([&] { return ApiPage(io, api, base + "&cursor=" + end_all); }));
  row("API, rule=rule_7", MedianMs([&] { return ApiPage(io, api, base + "&rule=rule_7"); }),
      MedianMs([&] { return ApiPage(io, api, base + "&rule=rule_7&cursor=" + end_rule); }));
  if (!keep) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  return 0;
}
