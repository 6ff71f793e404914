#include <gtest/gtest.h>

#include "rules/expr/program.h"
#include "rules/expr/test_util.h"

namespace liqwatch::expr {
namespace {

using testing::World;

// Compiles `text`, expects failure, returns "message@column" for compact exact assertions.
std::string ErrorOf(std::string_view text) {
  World w;
  CompileError e;
  auto p = Compile(text, w.catalog, &e);
  EXPECT_FALSE(p.ok()) << text;
  if (p.ok()) return "";
  EXPECT_EQ(p.status().code(), Status::Code::kParseError);
  EXPECT_EQ(p.status().message(), e.ToString());
  return e.message + "@" + std::to_string(e.column);
}

TEST(ExprParse, UnknownSeriesPointsAtTheNameAndSuggests) {
  EXPECT_EQ(ErrorOf("sofrr > 4"), "unknown series 'sofrr' (did you mean 'sofr'?)@1");
  EXPECT_EQ(ErrorOf("sofr - xyzzy > 4"), "unknown series 'xyzzy'@8");
}

TEST(ExprParse, StatusMessageCarriesTheColumn) {
  World w;
  auto p = Compile("sofr > walcl", w.catalog);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "cannot compare rate (percent) with money (USD bn) at column 6");
}

TEST(ExprParse, MissingCloseParenAfterArguments) {
  EXPECT_EQ(ErrorOf("zscore(sofr, 20 > 2"), "expected ')' after arguments, got '>'@17");
  EXPECT_EQ(ErrorOf("avg(sofr, 5"), "expected ')' after arguments, got end of expression@12");
  EXPECT_EQ(ErrorOf("(sofr > 4"),
            "expected ')' to close the '(' at column 1, got end of expression@10");
  EXPECT_EQ(ErrorOf("sofr > 4)"), "unmatched ')'@9");
}

TEST(ExprParse, UnitErrorsPointAtTheOperator) {
  EXPECT_EQ(ErrorOf("iorb - sofr > tga"), "cannot compare rate (percent) with money (USD bn)@13");
  EXPECT_EQ(ErrorOf("sofr + tga"), "cannot add rate (percent) and money (USD bn)@6");
  EXPECT_EQ(ErrorOf("tga - sofr"), "cannot subtract rate (percent) from money (USD bn)@5");
  EXPECT_EQ(ErrorOf("sofr * iorb"), "cannot multiply rate (percent) by rate (percent)@6");
  EXPECT_EQ(ErrorOf("tga / sofr"), "cannot divide money (USD bn) by rate (percent)@5");
  EXPECT_EQ(ErrorOf("vix > sofr"), "cannot compare index with rate (percent)@5");
  EXPECT_EQ(ErrorOf("tga > 10bp"), "cannot compare money (USD bn) with rate (percent)@5");
}

TEST(ExprParse, RatioIsNotSilentlyComparedWithPercent) {
  EXPECT_EQ(ErrorOf("tga / walcl > 10%"),
            "cannot compare ratio with rate (percent) (a ratio is a plain fraction: compare it "
            "with a number such as 0.1)@13");
  World w;
  EXPECT_TRUE(Compile("tga / walcl > 0.1", w.catalog).ok());
}

TEST(ExprParse, DurationsOnlyCompareWithDurations) {
  EXPECT_EQ(ErrorOf("age(sofr) > 3"),
            "cannot compare duration with number (write a duration such as 3d or 12h)@11");
  EXPECT_EQ(ErrorOf("sofr > 3d"),
            "cannot compare rate (percent) with duration (write a duration "
            "such as 3d or 12h)@6");
}

TEST(ExprParse, LiteralUnitErrors) {
  EXPECT_EQ(ErrorOf("sofr > 25xx"),
            "unknown unit 'xx' in '25xx', expected one of bn, tn, mn, bp, %, min, h, d, w@8");
  EXPECT_EQ(ErrorOf("tga > 500m"),
            "ambiguous unit in '500m': write 'mn' for USD millions or 'min' for minutes@7");
  EXPECT_EQ(ErrorOf("age(sofr) > 5bd"),
            "'5bd': business days are only valid as a window, e.g. avg(sofr, 5bd)@13");
}

TEST(ExprParse, FunctionErrors) {
  EXPECT_EQ(ErrorOf("foo(sofr)"), "unknown function 'foo'@1");
  EXPECT_EQ(ErrorOf("avg(sofr)"), "avg() takes 2 arguments: avg(x, window)@9");
  EXPECT_EQ(ErrorOf("avg(sofr, 5x)"),
            "expected a window such as 5 (observations), 30d, 5bd or 4w, got number '5x'@11");
  EXPECT_EQ(ErrorOf("avg(sofr, 0)"),
            "expected a window such as 5 (observations), 30d, 5bd or 4w, got number '0'@11");
  EXPECT_EQ(ErrorOf("avg(1bn, 5)"),
            "avg() needs a series in its first argument: windows step over that series' "
            "observations@1");
  EXPECT_EQ(ErrorOf("streak(sofr)"),
            "streak() needs a condition such as sofr > iorb, got rate (percent)@8");
  EXPECT_EQ(ErrorOf("age(sofr - iorb)"), "expected ')' after arguments, got '-'@10");
  EXPECT_EQ(ErrorOf("age(5)"), "age() takes a series name, e.g. age(sofr), got number '5'@5");
  EXPECT_EQ(ErrorOf("avg > 4"), "'avg' is a function, call it as avg(x, window)@1");
  EXPECT_EQ(ErrorOf("sofr(1)"), "'sofr' is a series, not a function@1");
  EXPECT_EQ(ErrorOf("crosses_above(sofr, tga)"),
            "cannot compare rate (percent) with money (USD bn)@21");
}

TEST(ExprParse, SyntaxErrors) {
  EXPECT_EQ(ErrorOf("sofr > 4.3 > 2"), "comparisons cannot be chained, combine them with 'and'@12");
  EXPECT_EQ(ErrorOf("sofr $ 4"), "unexpected character '$'@6");
  EXPECT_EQ(ErrorOf("sofr = 4"), "unexpected '=', use '==' to compare@6");
  EXPECT_EQ(ErrorOf("sofr >"), "expected a value, got end of expression@7");
  EXPECT_EQ(ErrorOf("sofr iorb"), "expected an operator or end of expression, got 'iorb'@6");
  EXPECT_EQ(ErrorOf("sofr[x]"), "expected an observation lag such as sofr[1], got 'x'@6");
  EXPECT_EQ(ErrorOf("sofr[1 > 4"), "expected ']' after the lag, got '>'@8");
  EXPECT_EQ(ErrorOf("sofr and iorb"),
            "'and' needs conditions on both sides, got rate (percent) and rate (percent)@6");
  EXPECT_EQ(ErrorOf("not sofr"), "'not' needs a condition, got rate (percent)@1");
  EXPECT_EQ(ErrorOf(""), "expected a value, got end of expression@1");
  EXPECT_EQ(ErrorOf("1 / 0"), "division by zero@3");
}

TEST(ExprParse, ResultKinds) {
  World w;
  EXPECT_EQ(w.Compile("sofr - iorb").result_kind(), Kind::kRate);
  EXPECT_EQ(w.Compile("walcl - tga - rrp").result_kind(), Kind::kMoney);
  EXPECT_EQ(w.Compile("tga / walcl").result_kind(), Kind::kRatio);
  EXPECT_EQ(w.Compile("2 * tga").result_kind(), Kind::kMoney);
  EXPECT_EQ(w.Compile("zscore(rrp, 20)").result_kind(), Kind::kRatio);
  EXPECT_EQ(w.Compile("pct_change(tga, 5)").result_kind(), Kind::kRate);
  EXPECT_EQ(w.Compile("streak(sofr > iorb)").result_kind(), Kind::kCount);
  EXPECT_EQ(w.Compile("age(sofr)").result_kind(), Kind::kDuration);
  EXPECT_EQ(w.Compile("sofr > 4.3").result_kind(), Kind::kBool);
  EXPECT_EQ(w.Compile("avg(vix, 5)").result_kind(), Kind::kIndex);
}

TEST(ExprParse, InputsAreSortedAndUnique) {
  World w;
  Program p = w.Compile("sofr - iorb > 0 and sofr > 4 and age(tga) < 2d");
  EXPECT_EQ(p.inputs(), (std::vector<int>{w.sofr, w.iorb, w.tga}));
}

TEST(ExprParse, LiteralsAreCanonical) {
  World w;
  EXPECT_DOUBLE_EQ(w.Number("10bp", "2025-10-28"), 0.10);
  EXPECT_DOUBLE_EQ(w.Number("-10bp", "2025-10-28"), -0.10);
  EXPECT_DOUBLE_EQ(w.Number("2.5%", "2025-10-28"), 2.5);
  EXPECT_DOUBLE_EQ(w.Number("25bn", "2025-10-28"), 25);
  EXPECT_DOUBLE_EQ(w.Number("500mn", "2025-10-28"), 0.5);
  EXPECT_DOUBLE_EQ(w.Number("1tn + 500bn", "2025-10-28"), 1500);
  EXPECT_DOUBLE_EQ(w.Number("3d", "2025-10-28"), 3 * 86400e3);
  EXPECT_DOUBLE_EQ(w.Number("90min", "2025-10-28"), 90 * 60e3);
  EXPECT_DOUBLE_EQ(w.Number("2w", "2025-10-28"), 14 * 86400e3);
  EXPECT_DOUBLE_EQ(w.Number(".5", "2025-10-28"), 0.5);
}

TEST(ExprParse, Precedence) {
  World w;
  EXPECT_DOUBLE_EQ(w.Number("1 + 2 * 3", "2025-10-28"), 7);
  EXPECT_DOUBLE_EQ(w.Number("(1 + 2) * 3", "2025-10-28"), 9);
  EXPECT_DOUBLE_EQ(w.Number("-2 * 3 - 1", "2025-10-28"), -7);
  EXPECT_DOUBLE_EQ(w.Number("8 - 4 - 2", "2025-10-28"), 2);  // left associative
  EXPECT_DOUBLE_EQ(w.Number("8 / 4 / 2", "2025-10-28"), 1);
  EXPECT_TRUE(w.Eval("not 1 > 2 and 2 > 1", "2025-10-28").boolean());
  EXPECT_FALSE(w.Eval("1 > 2 or 2 > 1 and 1 > 2", "2025-10-28").boolean());
  EXPECT_TRUE(w.Eval("sofr > 4 && !(iorb > 5) || sofr < 0", "2025-10-28").boolean());
}

TEST(ExprParse, ReservedSeriesIdsAreRejected) {
  SeriesCatalog c;
  EXPECT_FALSE(c.Add({"avg", Dimension::kRate}).ok());
  EXPECT_FALSE(c.Add({"and", Dimension::kRate}).ok());
  EXPECT_FALSE(c.Add({"9x", Dimension::kRate}).ok());
  EXPECT_FALSE(c.Add({"so-fr", Dimension::kRate}).ok());
  EXPECT_TRUE(c.Add({"SOFR", Dimension::kRate}).ok());
  EXPECT_FALSE(c.Add({"SOFR", Dimension::kRate}).ok());
}

// ETF flows: a fund's flow is its share count's change times its NAV (count x money is money),
// and a bare number next to a series published in US$m is refused (it would mean US$bn).
TEST(ExprParse, ShareCountTimesNavIsMoneyAndBareFlowLevelsAreRefused) {
  SeriesCatalog c;
  ASSERT_TRUE(c.Add({"shares", Dimension::kCount}).ok());
  ASSERT_TRUE(c.Add({"nav", Dimension::kMoney, std::chrono::days{7}, "usd"}).ok());
  ASSERT_TRUE(c.Add({"flow", Dimension::kMoney, std::chrono::days{7}, "usd_mn"}).ok());
  ASSERT_TRUE(c.Add({"sofr", Dimension::kRate}).ok());
  auto flow = Compile("change(shares, 1) * nav", c);
  ASSERT_TRUE(flow.ok()) << flow.status().message();
  EXPECT_EQ(flow->result_kind(), Kind::kMoney);
  EXPECT_TRUE(Compile("flow < -500mn and flow * 2 < 0 and nav * shares > 1bn", c).ok());
  CompileError e;
  EXPECT_FALSE(Compile("shares * sofr", c, &e).ok());
  EXPECT_EQ(e.message, "cannot multiply count by rate (percent)");
  EXPECT_FALSE(Compile("flow < -500", c, &e).ok());
  EXPECT_EQ(e.message,
            "'-500' is ambiguous next to flow (published in usd_mn, compared in USD bn): write "
            "the unit, e.g. -500mn");
  EXPECT_EQ(e.column, 8);
  EXPECT_FALSE(Compile("sum(nav, 5) + 3 > 0", c, &e).ok());
  EXPECT_EQ(e.message,
            "'3' is ambiguous next to nav (published in usd, compared in USD bn): write the "
            "unit, e.g. 3bn");
}

}  // namespace
}  // namespace liqwatch::expr
