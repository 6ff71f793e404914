// late(series): the release calendar (core/release.h) read by a rule, with the injected `now`.
#include <gtest/gtest.h>

#include "core/calendar.h"
#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using testing::D;
using testing::Points;

TimePoint Ny(std::string_view date, int h, int m) {
  auto t = FromNewYork(D(date), hours(h) + minutes(m));
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : TimePoint{};
}

struct LateWorld {
  SeriesCatalog catalog;
  InMemoryHistory history{0};
  int sofr = -1;
  LateWorld() {
    ReleaseSchedule s;  // NY Fed SOFR: 08:00 ET on D+1 business day, 45 minutes' grace
    s.lag_business_days = 1;
    s.time_of_day = hours(8);
    s.grace = minutes(45);
    sofr = *catalog.Add({"sofr", Dimension::kRate, std::chrono::days{7}, "", s});
    (void)*catalog.Add({"iorb", Dimension::kRate});
    history = InMemoryHistory(catalog.size());
    // Real fixings up to Tuesday 2025-11-25 (Thanksgiving is Thursday 2025-11-27).
    EXPECT_TRUE(history
                    .Set(sofr, Points({{"2025-11-20", 3.91},
                                       {"2025-11-21", 3.92},
                                       {"2025-11-24", 3.93},
                                       {"2025-11-25", 3.95}}))
                    .ok());
  }
  bool Late(TimePoint now, std::string_view as_of = "2025-11-28") {
    auto p = Compile("late(sofr)", catalog);
    EXPECT_TRUE(p.ok()) << p.status().message();
    Outcome r = p->Evaluate(history, D(as_of), now);
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r.kind(), Kind::kBool);
    return r.boolean();
  }
};

TEST(ExprLate, RaisedAtDueTimePlusGrace) {
  LateWorld w;
  // Wednesday's print (2025-11-26) is due Friday 08:00 ET (the Thursday is Thanksgiving).
  EXPECT_FALSE(w.Late(Ny("2025-11-28", 8, 44)));
  EXPECT_TRUE(w.Late(Ny("2025-11-28", 8, 45)));
  auto p = Compile("late(sofr)", w.catalog);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->reads_now());
  EXPECT_EQ(p->Explain(w.history, D("2025-11-28"), Ny("2025-11-28", 9, 0)),
            "sofr for 2025-11-26 not published by 08:45 ET on 2025-11-28");
  EXPECT_EQ(p->Explain(w.history, D("2025-11-28"), Ny("2025-11-28", 8, 0)), "late(sofr) = false");
  // The print lands: no longer late.
  ASSERT_TRUE(w.history.Append(w.sofr, {D("2025-11-26"), 3.96}).ok());
  EXPECT_FALSE(w.Late(Ny("2025-11-28", 9, 0)));
}

TEST(ExprLate, AHolidayRaisesNothing) {
  LateWorld w;
  // Tuesday's print came Wednesday; Thanksgiving Thursday publishes nothing, so all day
  // Thursday (and Wednesday night) is "not due yet", never late.
  for (auto [h, m] : {std::pair{0, 0}, {8, 45}, {12, 0}, {23, 59}})
    EXPECT_FALSE(w.Late(Ny("2025-11-27", h, m), "2025-11-27")) << h << ":" << m;
  EXPECT_FALSE(w.Late(Ny("2025-11-26", 20, 0), "2025-11-26"));
}

TEST(ExprLate, ComposesAndNeedsACalendar) {
  LateWorld w;
  auto p = Compile("late(sofr) and sofr > 3.9", w.catalog);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->Evaluate(w.history, D("2025-11-28"), Ny("2025-11-28", 9, 0)).boolean());
  CompileError err;
  auto bad = Compile("late(iorb)", w.catalog, &err);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(err.message,
            "late(iorb) needs a release calendar: series 'iorb' has none (give it `release:`, "
            "docs/sources.md)");
  EXPECT_EQ(err.column, 1);
  EXPECT_FALSE(Compile("late(sofr) > 1", w.catalog).ok());  // a bool, not a number
  EXPECT_FALSE(Compile("sofr > 1", w.catalog)->reads_now());
}

}  // namespace
}  // namespace liqwatch::expr
