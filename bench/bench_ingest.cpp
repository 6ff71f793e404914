// The store side of one poll, as the daemon runs it (alerts::IngestPoll on the store thread):
// a response of 10 observations that are all already stored (the common case: a feed polled
// every second that publishes once a day), evaluated against a threshold rule and an
// expression rule, then the health row. The figure is polls per second one store thread can
// absorb; each poll is one commit. Also: the two reads the poller asks for before a request
// (last stored date, validators), which the daemon now answers from memory.
//
//   ./build/bench/bench_ingest [--benchmark_min_time=0.5]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "alerts/ingest.h"
#include "config/config.h"
#include "store/store.h"

namespace {

using namespace liqwatch;

constexpr int kSeries = 1000;

constexpr const char* kHead = R"(sources:
  fred: {type: fred}
series:
)";

struct Fixture {
  std::string path = fmt::format("/tmp/liqwatch-bench-ingest-{}.db", getpid());
  config::Config config;
  std::unique_ptr<store::Store> store;
  std::vector<std::vector<Observation>> batches;
  TimePoint now = *ParseTime("2025-11-03T14:00:00Z");

  Fixture() {
    std::filesystem::remove(path);
    std::string yaml = kHead;
    for (int i = 0; i < kSeries; ++i)
      yaml += fmt::format("  - {{id: s{}, source: fred, remote_id: S{}, unit: percent}}\n", i, i);
    yaml += "rules:\n";
    for (int i = 0; i < kSeries; i += 10) {
      yaml += fmt::format("  - {{name: t{}, series: s{}, op: \">\", threshold: 9.0}}\n", i, i);
      yaml += fmt::format("  - {{name: e{}, expr: s{} - s{} > 5}}\n", i, i, i + 1);
    }
    auto loaded = config::LoadConfigFromString(yaml, "bench.yaml");
    if (!loaded.config) {
      std::fprintf(stderr, "%s\n", loaded.errors[0].ToString().c_str());
      std::exit(1);
    }
    config = std::move(*loaded.config);
    auto s = store::Store::Open(path, store::Store::Mode::kReadWrite);
    if (!s.ok()) std::exit(1);
    store = std::move(*s);
    for (int i = 0; i < kSeries; ++i) {
      std::vector<Observation> b;
      for (int d = 0; d < 10; ++d)
        b.push_back({fmt::format("s{}", i), *ParseDate("2025-10-20") + std::chrono::days(d),
                     4.0 + d * 0.01, false});
      batches.push_back(std::move(b));
      (void)Poll(i);  // stored once: every later poll sees them unchanged
    }
  }
  ~Fixture() {
    store.reset();
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
  }
  Result<int> Poll(int i) {
    const auto& series = config.series[static_cast<std::size_t>(i)];
    alerts::TargetsFn targets = [](const config::RuleConfig&, const store::Transition&) {
      return std::vector<std::string>{};
    };
    alerts::FinishFn finish = [&](store::Store& s, bool fresh) {
      return s.RecordPollSuccess(series.id, series.source, now, fresh);
    };
    return alerts::IngestPoll(*store, config, series, batches[static_cast<std::size_t>(i)], now,
                              targets, finish);
  }
};

Fixture& F() {
  static Fixture f;
  return f;
}

void BM_UnchangedPoll(benchmark::State& state) {
  auto& f = F();
  int i = 0;
  for (auto _ : state) {
    auto r = f.Poll(i);
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
    i = (i + 1) % kSeries;
  }
  state.counters["polls/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_PreRequestReads(benchmark::State& state) {
  auto& f = F();
  int i = 0;
  for (auto _ : state) {
    const auto& id = f.config.series[static_cast<std::size_t>(i)].id;
    auto d = f.store->LastObservationDate(id);
    auto v = f.store->GetHttpValidators(id, "https://example.test/" + id);
    benchmark::DoNotOptimize(d.ok() && v.ok());
    i = (i + 1) % kSeries;
  }
}

BENCHMARK(BM_UnchangedPoll)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PreRequestReads)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
