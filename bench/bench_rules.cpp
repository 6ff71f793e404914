// Rules engine: ns per rule evaluation, and a backtest over 25 years x 30 series x 40 rules.
//   ./build/bench/bench_rules
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <string>

#include "alerts/judge.h"
#include "alerts/replay.h"
#include "config/config.h"
#include "config/rules_config.h"
#include "core/calendar.h"

namespace {

using namespace liqwatch;

constexpr int kSeries = 30;

config::Config MakeConfig() {
  std::string y = "sources:\n  fred: {type: fred}\nseries:\n";
  for (int i = 0; i < kSeries; ++i)
    y += fmt::format("  - {{id: s{}, source: fred, remote_id: S{}, unit: percent}}\n", i, i);
  y += "derived:\n  - {id: d0, expr: s0 - s1}\n  - {id: d1, expr: s2 - s3}\nrules:\n";
  const char* shapes[] = {"s{a} > 4.5",
                          "s{a} - s{b} > 25bp",
                          "change(s{a}, 5bd) > 30bp",
                          "zscore(s{a}, 60) > 2.5",
                          "avg(s{a}, 20) > 5 and s{b} < 3",
                          "pctrank(s{a}, 250) > 0.99",
                          "d0 > 10bp",
                          "max(s{a}, 10) - min(s{a}, 10) > 1"};
  for (int r = 0; r < 40; ++r) {
    std::string e = shapes[r % 8];
    std::string a = std::to_string(r % kSeries), b = std::to_string((r + 7) % kSeries);
    for (auto [k, v] : {std::pair{"{a}", a}, std::pair{"{b}", b}})
      for (size_t p; (p = e.find(k)) != std::string::npos;) e.replace(p, 3, v);
    y += fmt::format("  - {{name: r{}, warn: \"{}\", for: 2, repeat: 5d}}\n", r, e);
  }
  auto loaded = config::LoadConfigFromString(y, "bench.yaml");
  if (!loaded.config) {
    fmt::print(stderr, "{}\n", loaded.errors[0].ToString());
    std::abort();
  }
  return *loaded.config;
}

std::map<std::string, std::vector<expr::Point>> MakeData(Date from, Date to) {
  std::map<std::string, std::vector<expr::Point>> data;
  for (int i = 0; i < kSeries; ++i) {
    auto& pts = data["s" + std::to_string(i)];
    double v = 4.0;
    uint64_t x = 88172645463325252ull + uint64_t(i);
    for (Date d = from; d <= to; d += std::chrono::days{1}) {
      if (!IsBusinessDay(d)) continue;
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      v += (double(x % 2001) - 1000.0) / 40000.0;
      pts.push_back({d, v});
    }
  }
  return data;
}

struct Fixture {
  config::Config c = MakeConfig();
  Date from = *ParseDate("2000-01-03"), to = *ParseDate("2024-12-31");
  expr::InMemoryHistory h = alerts::BuildHistory(*c.rule_set, c, MakeData(from, to));
};

Fixture& F() {
  static Fixture f;
  return f;
}

void BM_JudgeOneRule(benchmark::State& state) {
  auto& f = F();
  const auto& rule = f.c.rules[size_t(state.range(0))].expr->instances.front();
  Date d = *ParseDate("2024-06-03");
  for (auto _ : state) {
    auto v = alerts::Judge(rule, f.h, d, alerts::EndOfDay(d), /*explain=*/false);
    benchmark::DoNotOptimize(v.level);
  }
}
BENCHMARK(BM_JudgeOneRule)->DenseRange(0, 7);

void BM_Backtest25y30s40r(benchmark::State& state) {
  auto& f = F();
  size_t n = 0;
  for (auto _ : state) {
    auto t = alerts::Backtest(f.c, f.h, f.from, f.to);
    n = t.size();
    benchmark::DoNotOptimize(t.data());
  }
  state.counters["transitions"] = double(n);
}
BENCHMARK(BM_Backtest25y30s40r)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
