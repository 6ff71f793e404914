// Hostile expressions: whatever compiles evaluates without exhausting the stack or the CPU, and
// whatever would not is a CompileError at a column (program.h, kMaxExpression*). The crashes
// these replace: 100k '(' or '-' overflowed the parser's stack; a 60k-term sum compiled and then
// overflowed the evaluator's.
#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "rules/expr/derived.h"
#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::D;
using testing::T;
using testing::World;

const std::string kTooDeep =
    "expression nested too deeply: more than 256 levels of parentheses, operators or function "
    "calls (a + b + c counts one level per operator); split it into derived series";

std::string Repeat(std::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * size_t(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// `term` joined n times with `op`: "sofr + sofr + sofr".
std::string Chain(std::string_view term, std::string_view op, int n) {
  std::string out(term);
  for (int i = 1; i < n; ++i) (out += op) += term;
  return out;
}

// "message@column" of a failing compile.
std::string ErrorOf(const World& w, std::string_view text) {
  CompileError e;
  auto p = Compile(text, w.catalog, &e);
  EXPECT_FALSE(p.ok()) << text.substr(0, 80);
  if (p.ok()) return "";
  EXPECT_EQ(p.status().message(), e.ToString());
  return e.message + "@" + std::to_string(e.column);
}

TEST(ExprLimits, DeepParenthesesAreAnErrorNotACrash) {
  World w;
  // 30000 '(' fit the length limit: the parser stops at the 257th level.
  EXPECT_EQ(ErrorOf(w, Repeat("(", 30000) + "sofr"), kTooDeep + "@257");
  EXPECT_EQ(ErrorOf(w, Repeat("(", 257) + "sofr" + Repeat(")", 257)), kTooDeep + "@257");
  // 100k '(' exceed the length limit before any parsing.
  EXPECT_EQ(ErrorOf(w, Repeat("(", 100000) + "sofr" + Repeat(")", 100000)),
            "expression too long: 200004 bytes (at most 65536)@65537");
}

TEST(ExprLimits, DeepUnaryChainsAreAnError) {
  World w;
  EXPECT_EQ(ErrorOf(w, Repeat("-", 60000) + "sofr"), kTooDeep + "@257");
  EXPECT_EQ(ErrorOf(w, Repeat("not ", 10000) + "sofr > 4"), kTooDeep + "@1025");
  EXPECT_EQ(ErrorOf(w, Repeat("avg(", 300) + "sofr" + Repeat(", 2)", 300)), kTooDeep + "@1025");
}

TEST(ExprLimits, LongSumIsAnErrorAtTheOperatorThatCrossesTheDepth) {
  World w;
  // "sofr + sofr + ...": the k-th '+' (from 0) is at column 7k + 6 and builds a node of depth
  // k + 2; the 256th (k = 255) is the first deeper than 256.
  EXPECT_EQ(ErrorOf(w, Chain("sofr", " + ", 9000)), kTooDeep + "@1791");
  // The 60k-term sum of the chaos test is longer than the length limit.
  EXPECT_EQ(ErrorOf(w, Chain("a", " + ", 60000)),
            "expression too long: 239997 bytes (at most 65536)@65537");
}

TEST(ExprLimits, TheDeepestAllowedExpressionsEvaluate) {
  World w;
  const double sofr = 4.31;  // 2025-10-28
  // 256 terms: 255 '+', the root at depth 256.
  Program sum = w.Compile(Chain("sofr", " + ", 256));
  Outcome r = sum.Evaluate(w.history, D("2025-10-28"), T("2025-12-01T00:00:00Z"));
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r.number(), 256 * sofr, 1e-9);
  // A condition at the limit (254 '+' and the comparison), explained too (recursive as well).
  Program cond = w.Compile(Chain("sofr", " + ", 255) + " > 1000");
  EXPECT_TRUE(cond.Evaluate(w.history, D("2025-10-28"), T("2025-12-01T00:00:00Z")).boolean());
  EXPECT_NE(cond.Explain(w.history, D("2025-10-28"), T("2025-12-01T00:00:00Z")).find("> 1000"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(w, Chain("sofr", " + ", 256) + " > 1000"), kTooDeep + "@1791");
  // 255 levels of parentheses inside the top level; 255 unary minuses (an odd count).
  EXPECT_NEAR(w.Number(Repeat("(", 255) + "sofr" + Repeat(")", 255), "2025-10-28"), sofr, 1e-12);
  EXPECT_NEAR(w.Number(Repeat("-", 255) + "sofr", "2025-10-28"), -sofr, 1e-12);
  EXPECT_EQ(ErrorOf(w, Repeat("-", 256) + "sofr"), kTooDeep + "@257");
}

// 16 groups of 128 terms: 16 * 255 + 15 = 4095 nodes at depth 144.
std::string Groups() {
  std::string text;
  for (int g = 0; g < 16; ++g) {
    if (g > 0) text += " + ";
    text += "(" + Chain("sofr", "+", 128) + ")";
  }
  return text;
}

TEST(ExprLimits, NodeCountIsBoundedAndTheLargestAllowedEvaluates) {
  World w;
  const std::string largest = "-(" + Groups() + ")";  // 4096 nodes
  EXPECT_NEAR(w.Number(largest, "2025-10-28"), -2048 * 4.31, 1e-9);
  EXPECT_EQ(ErrorOf(w, "-" + largest),
            "expression too large: more than 4096 values and operations; split it into derived "
            "series@1");
  // Wide and shallow: 21 groups of 200 terms, depth 221, about 8400 nodes.
  std::string wide;
  for (int g = 0; g < 21; ++g) wide += (g ? "+(" : "(") + Chain("iorb", "+", 200) + ")";
  EXPECT_NE(ErrorOf(w, wide).find("expression too large: more than 4096"), std::string::npos);
}

TEST(ExprLimits, NestedWindowsAreBoundedByTheirCost) {
  World w;
  EXPECT_EQ(ErrorOf(w, "avg(avg(avg(sofr, 100), 100), 100) > 4"),
            "expression too costly: its nested windows read about 1040604 observations per "
            "evaluation (at most 1000000); use shorter windows or compute the inner part as a "
            "derived series@1");
  EXPECT_EQ(ErrorOf(w, "streak(avg(sofr, 100000) > 4) > 3").substr(0, 27),
            "expression too costly: its ");
  World ok;
  EXPECT_TRUE(Compile("avg(avg(sofr, 100), 100) > 4", ok.catalog).ok());
  EXPECT_TRUE(Compile("zscore(change(sofr, 5bd), 252) > 2", ok.catalog).ok());
}

TEST(ExprLimits, LongTextIsAnErrorAtItsEnd) {
  World w;
  EXPECT_EQ(ErrorOf(w, "sofr > 4" + std::string(70000, ' ')),
            "expression too long: 70008 bytes (at most 65536)@65537");
  EXPECT_TRUE(Compile("sofr > 4" + std::string(65000, ' '), w.catalog).ok());
}

// The longest chain the config allows (config::kMaxDerivedChain = 16), each definition at the
// maximum depth, and a rule at the maximum depth on top: every level evaluates.
TEST(ExprLimits, MaximalDerivedChainEvaluates) {
  World w;
  std::string previous = "sofr";
  std::vector<DerivedSeries> chain;
  for (int level = 1; level <= 16; ++level) {
    // previous + (+ p - p) x 127 + p: 255 operators, depth 256, value 2 * previous.
    std::string text =
        previous + Repeat(" + " + previous + " - " + previous, 127) + " + " + previous;
    CompileError e;
    auto d = DefineDerived(w.catalog, "d" + std::to_string(level), text, std::chrono::days(7), &e);
    ASSERT_TRUE(d.ok()) << level << ": " << e.ToString();
    chain.push_back(std::move(*d));
    previous = chain.back().id;
  }
  InMemoryHistory h(w.catalog.size());
  ASSERT_TRUE(h.Set(w.sofr, testing::Sofr()).ok());
  for (const auto& d : chain) {
    auto dates = DerivedDates(d.program, h, D("2025-10-01"), D("2025-12-01"),
                              DerivedDateSource::kFirstInput);
    ASSERT_FALSE(dates.empty());
    ASSERT_TRUE(h.Set(d.index, ComputeDerivedHistory(d.program, h, dates, TimePoint{})).ok());
  }
  Program rule = w.Compile(Chain("d16", " + ", 255) + " > 0");
  Outcome r = rule.Evaluate(h, D("2025-10-28"), T("2025-12-01T00:00:00Z"));
  ASSERT_TRUE(r.has_value()) << r.no_data().ToString(h);
  EXPECT_TRUE(r.boolean());
  auto top = h.Points(chain.back().index);
  auto it = std::find_if(top.begin(), top.end(),
                         [](const Point& p) { return p.date == D("2025-10-28"); });
  ASSERT_NE(it, top.end());
  EXPECT_DOUBLE_EQ(it->value, 4.31 * 65536);  // doubled at each of the 16 levels
}

}  // namespace
}  // namespace liqwatch::expr
