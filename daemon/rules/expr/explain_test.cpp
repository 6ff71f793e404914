// Program::Explain renders what is true as of the date: alert messages (firing and resolved)
// must never state a false comparison.
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using testing::T;
using testing::World;

// sofr 4.24%, iorb 4.15% on 2025-10-24: the spread is 0.09%; rrp has no history at all.
std::string Explain(World& w, std::string_view text, std::string_view as_of = "2025-10-24") {
  Program p = w.Compile(text);
  return p.Explain(w.history, D(as_of), T("2025-12-01T00:00:00Z"));
}

// {expression, Explain as of 2025-10-24}
using Cases = std::vector<std::pair<const char*, const char*>>;

void ExpectExplained(const Cases& cases) {
  World w;
  for (const auto& [text, shown] : cases) EXPECT_EQ(Explain(w, text), shown) << text;
}

TEST(ExprExplain, TrueComparisonsKeepTheirOperator) {
  ExpectExplained({
      {"sofr - iorb < 10bp", "sofr - iorb = 9bp < 10bp"},
      {"sofr - iorb <= 9bp", "sofr - iorb = 9bp <= 9bp"},
      {"sofr - iorb > 5bp", "sofr - iorb = 9bp > 5bp"},
      {"sofr - iorb >= 9bp", "sofr - iorb = 9bp >= 9bp"},
      {"sofr - iorb == 9bp", "sofr - iorb = 9bp == 9bp"},
      {"sofr - iorb != 10bp", "sofr - iorb = 9bp != 10bp"},
      {"sofr > iorb", "sofr = 4.24% > iorb = 4.15%"},
  });
}

TEST(ExprExplain, FalseComparisonsShowTheNegatedOperator) {
  ExpectExplained({
      {"sofr - iorb >= 10bp", "sofr - iorb = 9bp < 10bp"},
      {"sofr - iorb > 9bp", "sofr - iorb = 9bp <= 9bp"},
      {"sofr - iorb <= 5bp", "sofr - iorb = 9bp > 5bp"},
      {"sofr - iorb < 9bp", "sofr - iorb = 9bp >= 9bp"},
      {"sofr - iorb != 9bp", "sofr - iorb = 9bp == 9bp"},
      {"sofr - iorb == 10bp", "sofr - iorb = 9bp != 10bp"},
      {"sofr < iorb", "sofr = 4.24% >= iorb = 4.15%"},
  });
}

TEST(ExprExplain, FalseOrListsBothSidesNegatedJoinedByAnd) {
  World w;
  EXPECT_EQ(Explain(w, "sofr > 4.3 or sofr - iorb > 10bp"),
            "sofr = 4.24% <= 4.30% and sofr - iorb = 9bp <= 10bp");
}

TEST(ExprExplain, FalseAndListsOnlyTheFalseSides) {
  World w;
  EXPECT_EQ(Explain(w, "sofr > 4.2 and sofr - iorb > 10bp"), "sofr - iorb = 9bp <= 10bp");
  EXPECT_EQ(Explain(w, "sofr > 4.3 and sofr - iorb > 10bp"),
            "sofr = 4.24% <= 4.30% and sofr - iorb = 9bp <= 10bp");
}

TEST(ExprExplain, TrueOrListsOnlyTheSidesThatHold) {
  World w;
  EXPECT_EQ(Explain(w, "sofr > 4.2 or sofr - iorb > 10bp"), "sofr = 4.24% > 4.20%");
  EXPECT_EQ(Explain(w, "sofr - iorb > 10bp or sofr > 4.2"), "sofr = 4.24% > 4.20%");
  EXPECT_EQ(Explain(w, "sofr > 4.2 or sofr > 4.1"),
            "sofr = 4.24% > 4.20% and sofr = 4.24% > 4.10%");
}

TEST(ExprExplain, TrueAndListsBothSides) {
  World w;
  EXPECT_EQ(Explain(w, "sofr > iorb and sofr > 4.3", "2025-10-28"),
            "sofr = 4.31% > iorb = 4.15% and sofr = 4.31% > 4.30%");
}

TEST(ExprExplain, NotRendersItsChildsTruth) {
  World w;
  EXPECT_EQ(Explain(w, "not (sofr > 4.3)"), "sofr = 4.24% <= 4.30%");  // true
  EXPECT_EQ(Explain(w, "not (sofr > 4.2)"), "sofr = 4.24% > 4.20%");   // false
  EXPECT_EQ(Explain(w, "not (sofr > 4.3 or sofr < 4.2)"),
            "sofr = 4.24% <= 4.30% and sofr = 4.24% >= 4.20%");
  EXPECT_EQ(Explain(w, "not (sofr > 4.2 and sofr < 4.3)"),
            "sofr = 4.24% > 4.20% and sofr = 4.24% < 4.30%");
}

TEST(ExprExplain, NestedConnectivesStayTrue) {
  World w;
  // (false and true) or false: false; the `and` contributes only its false side.
  EXPECT_EQ(Explain(w, "(sofr > 4.3 and sofr > 4.2) or sofr - iorb > 10bp"),
            "sofr = 4.24% <= 4.30% and sofr - iorb = 9bp <= 10bp");
}

TEST(ExprExplain, NoDataSidesKeepTheirReason) {
  World w;
  const std::string rrp = "rrp = no data (rrp: no observation on or before 2025-10-24)";
  EXPECT_EQ(Explain(w, "rrp > 10bn"), rrp + " > $10.0bn");
  // false or NoData is NoData: the undecided side is what explains it.
  EXPECT_EQ(Explain(w, "sofr > 4.3 or rrp > 10bn"), rrp + " > $10.0bn");
  // false and NoData is false; true or NoData is true: NoData does not decide either.
  EXPECT_EQ(Explain(w, "sofr > 4.3 and rrp > 10bn"), "sofr = 4.24% <= 4.30%");
  EXPECT_EQ(Explain(w, "rrp > 10bn or sofr > 4.2"), "sofr = 4.24% > 4.20%");
  EXPECT_EQ(Explain(w, "not (rrp > 10bn)"), rrp + " > $10.0bn");
}

}  // namespace
}  // namespace liqwatch::expr
