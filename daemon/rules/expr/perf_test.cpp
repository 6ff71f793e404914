// Evaluation cost on in-memory history. The budget: a backtest of 25 years x 40 rules must stay
// well under a second on one core, so a simple rule must cost well under a microsecond.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "core/calendar.h"
#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using testing::T;

struct Backtest {
  SeriesCatalog catalog;
  InMemoryHistory history{0};
  std::vector<Date> days;

  Backtest() {
    int sofr = *catalog.Add({"sofr", Dimension::kRate});
    int iorb = *catalog.Add({"iorb", Dimension::kRate});
    int rrp = *catalog.Add({"rrp", Dimension::kMoney});
    history = InMemoryHistory(catalog.size());
    std::vector<Point> s, i, r;
    for (Date d = D("2000-01-03"); d <= D("2024-12-31"); d += std::chrono::days(1)) {
      if (!IsBusinessDay(d)) continue;
      int k = int(days.size());
      double x = 4.0 + 0.4 * std::sin(k * 0.05) + ((k * 7919) % 11 - 5) * 0.002;  // deterministic
      days.push_back(d);
      s.push_back({d, x});
      i.push_back({d, 4.0});
      r.push_back({d, 100 + x});
    }
    EXPECT_TRUE(history.Set(sofr, s).ok());
    EXPECT_TRUE(history.Set(iorb, i).ok());
    EXPECT_TRUE(history.Set(rrp, r).ok());
  }

  // Nanoseconds per evaluation, replaying every business day as of that day; the best of five
  // passes, since the machine may be busy with other work.
  double NsPerEval(std::string_view text) {
    auto p = Compile(text, catalog);
    EXPECT_TRUE(p.ok()) << p.status().message();
    TimePoint now = T("2025-01-01T00:00:00Z");
    double per = 1e18;
    int fired = 0;
    for (int pass = 0; pass < 5; ++pass) {
      int evaluated = 0;
      auto start = std::chrono::steady_clock::now();
      for (Date d : days) {
        Outcome o = p->Evaluate(history, d, now);
        evaluated += o.has_value();
        fired += o.has_value() && o.number() != 0;
      }
      std::chrono::duration<double, std::nano> ns = std::chrono::steady_clock::now() - start;
      per = std::min(per, ns.count() / double(days.size()));
      EXPECT_GT(evaluated, int(days.size()) - 30) << text;  // real work, not NoData
    }
    EXPECT_GT(fired, 0) << text;  // and the rule does fire somewhere
    std::printf("%-40s %7.1f ns/eval over %zu days\n", std::string(text).c_str(), per, days.size());
    return per;
  }
};

// Prints ns per evaluation; the speed budget lives in bench/bench_rules.cpp, not in a timed
// assertion here (timings mean nothing at -O0 or under a sanitizer).
TEST(ExprPerf, RulesEvaluateOverDecadesOfHistory) {
  Backtest b;
  ASSERT_GT(b.days.size(), 6000u);
  b.NsPerEval("sofr - iorb > 10bp");
  b.NsPerEval("sofr > 4.3 and rrp < 200bn");
  b.NsPerEval("change(sofr, 5) > 5bp");
  b.NsPerEval("avg(sofr, 5bd) > iorb");
  b.NsPerEval("zscore(sofr, 20) > 1.5");
  b.NsPerEval("streak(sofr > iorb) >= 3");
  // streak() stops counting at a year of observations, which is what bounds its cost.
  auto streak = Compile("streak(sofr > 0)", b.catalog);
  ASSERT_TRUE(streak.ok());
  EXPECT_EQ(streak->Evaluate(b.history, b.days.back(), T("2025-01-01T00:00:00Z")).number(), 260);
}

}  // namespace
}  // namespace liqwatch::expr
