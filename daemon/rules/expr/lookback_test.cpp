// Program::ReadsBack: how far before the as-of date an evaluation reads, so live evaluation can
// load only that window of history (alerts/live.cpp).
#include <gtest/gtest.h>

#include "rules/expr/program.h"

namespace liqwatch::expr {
namespace {

Program::Lookback Reach(std::string_view text) {
  SeriesCatalog catalog;
  (void)*catalog.Add({"rrp", Dimension::kMoney});
  (void)*catalog.Add({"hy", Dimension::kRate});
  auto p = Compile(text, catalog);
  EXPECT_TRUE(p.ok()) << text;
  return p.ok() ? p->ReadsBack() : Program::Lookback{};
}

TEST(ExprLookback, WindowsNestAndSideBySideTakeTheWidest) {
  auto plain = Reach("rrp < 25bn");
  EXPECT_EQ(plain.observations, 0);
  EXPECT_EQ(plain.days, 0);
  EXPECT_FALSE(plain.unbounded);
  // change over 20 prints of a 5-print average reads 25 prints back; the other side, none.
  auto nested = Reach("change(avg(rrp, 5), 20) <= -50bn and rrp < 25bn");
  EXPECT_EQ(nested.observations, 25);
  EXPECT_EQ(nested.days, 0);
  EXPECT_EQ(Reach("rrp[3] > rrp").observations, 3);
  EXPECT_EQ(Reach("crosses_above(hy, 5)").observations, 1);
  EXPECT_EQ(Reach("streak(hy > 5) >= 3").observations, kMaxStreak);
}

TEST(ExprLookback, DayWindowsCountCalendarDaysAndAgeIsUnbounded) {
  EXPECT_EQ(Reach("change(rrp, 30d) > 1bn").days, 30);
  // 5 business days: a week, plus two weeks for holidays.
  EXPECT_EQ(Reach("pct_change(hy, 5bd) >= 10%").days, 21);
  EXPECT_EQ(Reach("max(change(hy, 5bd), 2) > 0.5").observations, 2);
  // age() reads the newest value however old; late() only whether it is the due one.
  EXPECT_TRUE(Reach("age(hy) > 3d").unbounded);
  EXPECT_FALSE(Reach("hy > 5 or rrp > 1bn").unbounded);
}

}  // namespace
}  // namespace liqwatch::expr
