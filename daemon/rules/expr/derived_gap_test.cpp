// Gap markers: a derived series with no value on a date (an input stale) reads as NoData on that
// date, never as the previous date's value, in every function; the reason names the input.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules/expr/derived.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using ::testing::HasSubstr;
using testing::T;
using testing::World;

constexpr const char* kStale = "iorb: no observation within 7d of 2025-10-28 (latest 2025-10-17)";

// IORB stops after Fri 2025-10-17 and resumes Wed 2025-10-29 while SOFR keeps printing: on
// Oct 27 and 28 IORB is older than its 7-day max age, so sofr_iorb has gap markers there.
// sofr_iorb: Oct 22 0.06, Oct 23 0.09, Oct 24 0.09, Oct 27 gap, Oct 28 gap, Oct 29 0.12,
// Oct 30 0.14 (IORB cut to 3.90), Oct 31 0.32. sofr_iorb_bp = sofr_iorb * 100.
struct StaleIorb : World {
  DerivedSeries spread, spread_bp;

  StaleIorb() {
    spread = Define("sofr_iorb", "sofr - iorb");
    spread_bp = Define("sofr_iorb_bp", "sofr_iorb * 100");
    history = InMemoryHistory(catalog.size());
    EXPECT_TRUE(history.Set(sofr, testing::Sofr()).ok());
    std::vector<Point> stale;
    for (const Point& p : testing::Iorb())
      if (p.date <= D("2025-10-17") || p.date >= D("2025-10-29")) stale.push_back(p);
    EXPECT_TRUE(history.Set(iorb, stale).ok());
    // As alerts::BuildHistory does: on the first input's dates, gaps kept with their reasons.
    for (const DerivedSeries* d : {&spread, &spread_bp}) {
      auto dates = DerivedDates(d->program, history, D("2025-10-01"), D("2025-12-31"),
                                DerivedDateSource::kFirstInput);
      std::vector<DerivedGap> gaps;
      auto points =
          ComputeDerivedHistory(d->program, history, dates, T("2025-12-01T00:00:00Z"), &gaps);
      EXPECT_TRUE(history.Set(d->index, std::move(points), std::move(gaps)).ok());
    }
  }

  DerivedSeries Define(std::string id, std::string_view text) {
    auto d = DefineDerived(catalog, std::move(id), text, std::chrono::days(7));
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? std::move(d).value() : DerivedSeries{};
  }

  // The NoData reason with the gap reasons the history holds.
  std::string FullReason(std::string_view text, std::string_view as_of) {
    Program p = Compile(text);
    Outcome r = p.Evaluate(history, D(as_of), T("2025-12-01T00:00:00Z"));
    EXPECT_TRUE(r.is_no_data()) << text << " as of " << as_of << " = " << r.number();
    return r.is_no_data() ? r.no_data().ToString(history) : "";
  }
};

TEST(ExprGap, ComputeDerivedHistoryKeepsAGapMarkerWithItsReason) {
  StaleIorb w;
  auto points = w.history.Points(w.spread.index);
  ASSERT_EQ(points.size(), 32u);  // one per SOFR date
  EXPECT_EQ(points[9].date, D("2025-10-27"));
  EXPECT_TRUE(IsGap(points[9]));
  EXPECT_TRUE(IsGap(points[10]));
  EXPECT_FALSE(IsGap(points[11]));
  EXPECT_EQ(w.history.GapReason(w.spread.index, D("2025-10-28")), kStale);
  EXPECT_EQ(w.history.GapReason(w.spread.index, D("2025-10-29")), "");  // not a gap
}

TEST(ExprGap, AsOfReadOfAGapIsNoDataNotThePreviousValue) {
  StaleIorb w;
  EXPECT_EQ(w.Reason("sofr_iorb >= 15bp", "2025-10-28"), "sofr_iorb: no value on 2025-10-28");
  EXPECT_EQ(w.FullReason("sofr_iorb >= 15bp", "2025-10-28"),
            std::string("sofr_iorb: no value on 2025-10-28: ") + kStale);
  EXPECT_EQ(w.Reason("sofr_iorb", "2025-10-27"), "sofr_iorb: no value on 2025-10-27");
  EXPECT_NEAR(w.Number("sofr_iorb", "2025-10-26"), 0.09, 1e-12);  // Sunday: Friday's value
  EXPECT_NEAR(w.Number("sofr_iorb", "2025-10-29"), 0.12, 1e-12);  // IORB is back
  // The fetched inputs themselves still read as before.
  EXPECT_EQ(w.Reason("sofr - iorb", "2025-10-28"), kStale);
}

TEST(ExprGap, LagLandingOnAGapIsNoData) {
  StaleIorb w;
  EXPECT_EQ(w.Reason("sofr_iorb[1] > 0", "2025-10-29"),
            "sofr_iorb: no value on 2025-10-28 (as of 2025-10-29)");
  EXPECT_NEAR(w.Number("sofr_iorb[5]", "2025-10-31"), 0.09, 1e-12);  // Oct 24, past the gaps
}

TEST(ExprGap, AGapInsideAWindowIsNoData) {
  StaleIorb w;
  struct Case {
    const char* text;
    const char* as_of;
    const char* reason;
  };
  // Windows ending Oct 30 (the 2bd one Oct 29) reach back over the Oct 27/28 gaps.
  const Case cases[] = {
      {"change(sofr_iorb, 3)", "2025-10-30",
       "sofr_iorb: no value on 2025-10-27 (as of 2025-10-30)"},
      {"pct_change(sofr_iorb, 2)", "2025-10-30",
       "sofr_iorb: no value on 2025-10-28 (as of 2025-10-30)"},
      {"change(sofr_iorb, 2d)", "2025-10-30",
       "sofr_iorb: no value on 2025-10-28"},  // read as of the start
      {"min(sofr_iorb, 3)", "2025-10-30", "sofr_iorb: no value on 2025-10-28 (as of 2025-10-30)"},
      {"max(sofr_iorb, 3)", "2025-10-30", "sofr_iorb: no value on 2025-10-28 (as of 2025-10-30)"},
      {"avg(sofr_iorb, 3)", "2025-10-30", "sofr_iorb: no value on 2025-10-28 (as of 2025-10-30)"},
      {"sum(sofr_iorb, 3d)", "2025-10-30", "sofr_iorb: no value on 2025-10-28 (as of 2025-10-30)"},
      {"stddev(sofr_iorb, 2bd)", "2025-10-29",
       "sofr_iorb: no value on 2025-10-28 (as of 2025-10-29)"},
      {"zscore(sofr_iorb, 5)", "2025-10-30",
       "sofr_iorb: no value on 2025-10-27 (as of 2025-10-30)"},
      {"pctrank(sofr_iorb, 4)", "2025-10-30",
       "sofr_iorb: no value on 2025-10-27 (as of 2025-10-30)"},
      // Windows over an expression: each step is an as-of read.
      {"avg(sofr_iorb * 100, 3)", "2025-10-30", "sofr_iorb: no value on 2025-10-28"},
      {"max(sofr - sofr_iorb, 3)", "2025-10-30", "sofr_iorb: no value on 2025-10-28"},
  };
  for (const Case& c : cases) EXPECT_EQ(w.Reason(c.text, c.as_of), c.reason) << c.text;
  // Windows that end past the gaps have values again.
  EXPECT_NEAR(w.Number("avg(sofr_iorb, 2)", "2025-10-30"), 0.13, 1e-12);
  EXPECT_NEAR(w.Number("min(sofr_iorb, 3)", "2025-10-31"), 0.12, 1e-12);
  EXPECT_NEAR(w.Number("change(sofr_iorb, 2)", "2025-10-31"), 0.20, 1e-12);
}

TEST(ExprGap, StreakStopsAtAGap) {
  StaleIorb w;
  // Oct 31, 30, 29 are above 5bp; the Oct 28 gap ends the streak (Oct 20-24 would add 4).
  EXPECT_DOUBLE_EQ(w.Number("streak(sofr_iorb > 5bp)", "2025-10-31"), 3);
  EXPECT_EQ(w.Reason("streak(sofr_iorb > 5bp)", "2025-10-28"), "sofr_iorb: no value on 2025-10-28");
}

TEST(ExprGap, CrossingFromAGapIsNoData) {
  StaleIorb w;
  // Oct 24's 0.09 is not the previous value on Oct 29: Oct 28 is, and it is missing.
  EXPECT_EQ(w.Reason("crosses_above(sofr_iorb, 10bp)", "2025-10-29"),
            "sofr_iorb: no value on 2025-10-28");
  EXPECT_TRUE(w.Eval("crosses_above(sofr_iorb, 13bp)", "2025-10-30").boolean());  // 12 -> 14bp
}

TEST(ExprGap, AgeCountsFromTheNewestValueNotTheGap) {
  StaleIorb w;
  Outcome r = w.Eval("age(sofr_iorb)", "2025-10-28", "2025-10-28T12:00:00Z");
  ASSERT_TRUE(r.has_value());
  EXPECT_DOUBLE_EQ(r.number(), 4.5 * 86400e3);  // since Fri Oct 24, 00:00
}

TEST(ExprGap, DerivedOfDerivedPropagatesTheGapAndItsReason) {
  StaleIorb w;
  EXPECT_NEAR(w.Number("sofr_iorb_bp", "2025-10-29"), 12, 1e-9);
  EXPECT_EQ(w.FullReason("sofr_iorb_bp > 10", "2025-10-28"),
            std::string("sofr_iorb_bp: no value on 2025-10-28: sofr_iorb: no value on "
                        "2025-10-28: ") +
                kStale);
}

TEST(ExprGap, ExplainNamesTheStaleInput) {
  StaleIorb w;
  Program p = w.Compile("sofr_iorb >= 15bp");
  EXPECT_THAT(p.Explain(w.history, D("2025-10-28"), T("2025-12-01T00:00:00Z")), HasSubstr(kStale));
}

TEST(ExprGap, InMemoryHistoryTakesGapMarkersButNotInfinity) {
  InMemoryHistory h(1);
  EXPECT_TRUE(h.Set(0, {{D("2025-10-01"), 1.0}, GapPoint(D("2025-10-02"))},
                    {{D("2025-10-02"), "iorb: stale"}})
                  .ok());
  EXPECT_EQ(h.GapReason(0, D("2025-10-02")), "iorb: stale");
  EXPECT_TRUE(h.Append(0, GapPoint(D("2025-10-03"))).ok());
  EXPECT_TRUE(IsGap(h.Points(0).back()));
  EXPECT_EQ(h.GapReason(0, D("2025-10-03")), "");  // no reason given
  auto inf = h.Set(0, {{D("2025-10-01"), INFINITY}});
  EXPECT_EQ(inf.message(), "value on 2025-10-01 is not finite");
  EXPECT_FALSE(h.Append(0, {D("2025-10-04"), -INFINITY}).ok());
  auto unsorted =
      h.Set(0, {GapPoint(D("2025-10-02"))}, {{D("2025-10-02"), "b"}, {D("2025-10-01"), "a"}});
  EXPECT_EQ(unsorted.message(), "gap dates not strictly increasing at 2025-10-01");
}

}  // namespace
}  // namespace liqwatch::expr
