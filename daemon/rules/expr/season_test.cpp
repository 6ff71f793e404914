// month_end() quarter_end() year_end() tax_date(): the funding calendar read by a rule.
#include <gtest/gtest.h>

#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using testing::T;
using testing::World;

TEST(ExprSeason, SeasonsReadTheAsOfDate) {
  World w;
  EXPECT_TRUE(w.Eval("month_end(2bd)", "2025-10-30").boolean());
  EXPECT_FALSE(w.Eval("month_end(2bd)", "2025-10-24").boolean());
  EXPECT_FALSE(w.Eval("quarter_end(2bd)", "2025-10-31").boolean());
  EXPECT_TRUE(w.Eval("quarter_end(2bd)", "2025-09-30").boolean());
  EXPECT_TRUE(w.Eval("year_end(3bd)", "2025-12-29").boolean());
  EXPECT_TRUE(w.Eval("tax_date(10bd)", "2025-09-19").boolean());
  EXPECT_FALSE(w.Eval("tax_date(10bd)", "2025-10-23").boolean());
  // In a rule: a spread at a month-end, and the negation.
  EXPECT_TRUE(w.Eval("sofr - iorb > 5bp and month_end(1bd)", "2025-10-31").boolean());
  EXPECT_FALSE(w.Eval("sofr - iorb > 5bp and not month_end(1bd)", "2025-10-31").boolean());
}

TEST(ExprSeason, ExplainNamesTheDateOfTheSeason) {
  World w;
  auto p = w.Compile("tax_date(10bd)");
  EXPECT_EQ(p.Explain(w.history, D("2025-09-19"), T("2025-12-01T00:00:00Z")),
            "2025-09-19 is 4bd after the 2025-09-15 tax date");
  auto m = w.Compile("month_end(2bd)");
  EXPECT_EQ(m.Explain(w.history, D("2025-10-29"), T("2025-12-01T00:00:00Z")),
            "2025-10-29 is 2bd before the 2025-10-31 month-end");
  EXPECT_EQ(m.Explain(w.history, D("2025-10-31"), T("2025-12-01T00:00:00Z")),
            "2025-10-31 is a month-end");
  EXPECT_EQ(m.Explain(w.history, D("2025-10-20"), T("2025-12-01T00:00:00Z")),
            "month_end(2bd) = false");
}

TEST(ExprSeason, SeasonsTakeBusinessDaysOnly) {
  World w;
  CompileError err;
  auto p = Compile("month_end(2d)", w.catalog, &err);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(err.ToString(),
            "month_end() takes business days: month_end(business days), e.g. month_end(2bd) at "
            "column 1");
  auto q = Compile("tax_date(sofr)", w.catalog, &err);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(err.message, "expected a window such as 5 (observations), 30d, 5bd or 4w, got 'sofr'");
  // A season reads no series: nothing to re-evaluate it on, no clock, no `now`.
  auto s = Compile("quarter_end(3bd)", w.catalog);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->inputs().empty());
  EXPECT_FALSE(s->reads_now());
}

}  // namespace
}  // namespace liqwatch::expr
