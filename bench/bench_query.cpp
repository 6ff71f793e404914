// Alert-history query latency over a generated database: 500,000 alerts with 1,000,000 alert
// events (firing + resolved) and 1,000,000 outbox rows, 40 rules on 20 series, over ~5 years.
// Each benchmark fetches one filtered page of 100 (what the CLI, the API and the dashboard do).
// Target (issue 6): under 20 ms per page.
//
//   ./build/bench/bench_query [--benchmark_min_time=0.5] [LIQWATCH_BENCH_DB=/path keeps the db]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "store/store.h"
#include "store/testing.h"

namespace {

using liqwatch::store::AlertQuery;
using liqwatch::store::Store;

constexpr int kAlerts = 500000;
constexpr int kRules = 40;
constexpr int kSeries = 20;

std::string DbPath() {
  if (const char* p = std::getenv("LIQWATCH_BENCH_DB")) return p;
  return fmt::format("/tmp/liqwatch-bench-query-{}.db", getpid());
}

Store& Db() {
  static std::unique_ptr<Store> store = [] {
    const std::string path = DbPath();
    bool fresh = !std::filesystem::exists(path);
    auto s = Store::Open(path, Store::Mode::kReadWrite);
    if (!s.ok()) {
      std::fprintf(stderr, "open %s: %s\n", path.c_str(), s.status().message().c_str());
      std::exit(1);
    }
    // Bulk generation writes rows directly (store/testing.h), far faster than the Store API.
    auto& db = liqwatch::store::TestAccess::Db(**s);
    if (fresh) {
      std::fprintf(stderr, "generating %d alerts, %d events, %d deliveries in %s ...\n", kAlerts,
                   2 * kAlerts, 2 * kAlerts, path.c_str());
      (void)db.Exec("BEGIN");
      auto a = db.Prepare(
          "INSERT INTO alerts (id, rule, series, severity, state, opened_at, resolved_at, "
          "first_obs_date, last_obs_date, value, threshold, message) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, 4.3, ?10)");
      auto e = db.Prepare(
          "INSERT INTO alert_events (id, alert_id, rule, kind, from_state, to_state, severity, "
          "series, value, threshold, obs_date, eval_time, message) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 4.3, ?10, ?11, ?12)");
      auto d = db.Prepare(
          "INSERT INTO deliveries (id, event_id, notifier, status, attempts, next_attempt_at, "
          "created_at, delivered_at, idempotency_key) VALUES (?1, ?2, 'ops', ?3, 1, ?4, ?4, ?4, "
          "?5)");
      std::mt19937_64 rng(42);
      const int64_t start = 1600000000;  // 2020-09-13
      for (int i = 1; i <= kAlerts; ++i) {
        int rule = static_cast<int>(rng() % kRules);
        // Skewed: a few rules fire a lot, most rarely.
        if (rng() % 4 != 0) rule = rule % 5;
        const int series = rule % kSeries;
        const char* sev = rule % 3 == 0 ? "critical" : rule % 3 == 1 ? "warning" : "info";
        const bool firing = i > kAlerts - 50;
        const int64_t t = start + static_cast<int64_t>(i) * 300;
        auto iso = [](int64_t s) {
          return liqwatch::FormatTime(liqwatch::TimePoint(std::chrono::seconds(s)));
        };
        const std::string opened = iso(t), resolved = iso(t + 3600);
        const std::string date = opened.substr(0, 10);
        const double value = 4.3 + static_cast<double>(rng() % 100) / 1000;
        const std::string msg =
            fmt::format("series_{} above threshold on {} ({:.3f})", series, date, value);
        a->Reset()
            .Bind(1, int64_t{i})
            .Bind(2, fmt::format("rule_{}", rule))
            .Bind(3, fmt::format("series_{}", series))
            .Bind(4, sev)
            .Bind(5, firing ? "firing" : "resolved")
            .Bind(6, opened)
            .Bind(7, firing ? std::optional<std::string>() : std::optional<std::string>(resolved))
            .Bind(8, date)
            .Bind(9, value)
            .Bind(10, msg);
        (void)a->Run();
        for (int k = 0; k < 2; ++k) {
          const int64_t id = 2 * static_cast<int64_t>(i) - 1 + k;
          e->Reset()
              .Bind(1, id)
              .Bind(2, int64_t{i})
              .Bind(3, fmt::format("rule_{}", rule))
              .Bind(4, k ? "resolved" : "firing")
              .Bind(5, k ? "firing" : "inactive")
              .Bind(6, k ? "resolved" : "firing")
              .Bind(7, sev)
              .Bind(8, fmt::format("series_{}", series))
              .Bind(9, value)
              .Bind(10, date)
              .Bind(11, k ? resolved : opened)
              .Bind(12, msg);
          (void)e->Run();
          d->Reset()
              .Bind(1, id)
              .Bind(2, id)
              .Bind(3, "delivered")
              .Bind(4, k ? resolved : opened)
              .Bind(5, fmt::format("{:032x}", id));
          (void)d->Run();
        }
      }
      (void)db.Exec("COMMIT");
      (void)db.Exec("ANALYZE");
    }
    return std::move(*s);
  }();
  return *store;
}

void RunQuery(benchmark::State& state, const AlertQuery& q) {
  Store& s = Db();
  size_t rows = 0;
  for (auto _ : state) {
    auto r = s.QueryAlerts(q);
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
    rows = r->size();
    benchmark::DoNotOptimize(rows);
  }
  state.counters["rows"] = static_cast<double>(rows);
}

void BM_Latest100(benchmark::State& st) { RunQuery(st, AlertQuery{}); }
void BM_RuleAndState(benchmark::State& st) {
  AlertQuery q;
  q.rule = "rule_2";
  q.state = "resolved";
  RunQuery(st, q);
}
void BM_RareRule(benchmark::State& st) {
  AlertQuery q;
  q.rule = "rule_37";
  RunQuery(st, q);
}
void BM_SeriesSeveritySince(benchmark::State& st) {
  AlertQuery q;
  q.series = "series_3";
  q.severity = "critical";
  q.since = *liqwatch::ParseTime("2022-01-01T00:00:00Z");
  RunQuery(st, q);
}
void BM_UntilWindow(benchmark::State& st) {
  AlertQuery q;
  q.since = *liqwatch::ParseTime("2021-03-01T00:00:00Z");
  q.until = *liqwatch::ParseTime("2021-04-01T00:00:00Z");
  RunQuery(st, q);
}
void BM_Firing(benchmark::State& st) {
  AlertQuery q;
  q.state = "firing";
  RunQuery(st, q);
}
void BM_Text(benchmark::State& st) {
  AlertQuery q;
  q.text = "SERIES_7 above";
  RunQuery(st, q);
}
// Texts in few messages: answered through the alert_fts index (migration 0009), where the
// scan read all 500,000 messages.
void BM_TextRare(benchmark::State& st) {
  AlertQuery q;
  q.text = "2021-03-04 (4.3";
  RunQuery(st, q);
}
void BM_TextNowhere(benchmark::State& st) {
  AlertQuery q;
  q.text = "no such message";
  RunQuery(st, q);
}
void BM_AlertDetail(benchmark::State& st) {
  Store& s = Db();
  for (auto _ : st) {
    auto a = s.GetAlert(123456);
    auto e = s.AlertEvents(123456);
    auto d = s.AlertDeliveries(123456);
    benchmark::DoNotOptimize(a.ok() && e.ok() && d.ok());
  }
}

BENCHMARK(BM_Latest100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RuleAndState)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RareRule)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeriesSeveritySince)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UntilWindow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Firing)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Text)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TextRare)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TextNowhere)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AlertDetail)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Db();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!std::getenv("LIQWATCH_BENCH_DB")) {
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(DbPath() + ext);
  }
  return 0;
}
