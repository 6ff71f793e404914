#include "sources/formats/number.h"

#include <gtest/gtest.h>

#include "sources/formats/date_format.h"
#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;

double Num(std::string_view text, const NumberStyle& style) {
  NumberCell c = CleanNumber(text, style);
  EXPECT_EQ(c.kind, CellKind::kNumber) << text;
  return c.value;
}

CellKind Kind(std::string_view text, const NumberStyle& style) {
  return CleanNumber(text, style).kind;
}

TEST(CleanNumber, PlainStyleIsStrict) {
  const NumberStyle plain;
  EXPECT_DOUBLE_EQ(Num("4.40", plain), 4.40);
  EXPECT_DOUBLE_EQ(Num(" -0.5 ", plain), -0.5);
  EXPECT_DOUBLE_EQ(Num("+3", plain), 3);
  EXPECT_DOUBLE_EQ(Num("1e3", plain), 1000);
  EXPECT_EQ(Kind("", plain), CellKind::kMissing);
  EXPECT_EQ(Kind(".", plain), CellKind::kMissing);
  for (const char* bad : {"abc", "inf", "nan", "-inf", "0x10", "4.4%", "12abc", "1,119.9", "(44.5)",
                          "-", "--1", "+-1", "1 2", "e5", "1.2.3"}) {
    EXPECT_EQ(Kind(bad, plain), CellKind::kInvalid) << bad;
  }
}

TEST(CleanNumber, HumanTableStyle) {
  const NumberStyle human = HumanTableNumberStyle();
  EXPECT_DOUBLE_EQ(Num("(44.5)", human), -44.5);
  EXPECT_DOUBLE_EQ(Num("1,119.9", human), 1119.9);
  EXPECT_DOUBLE_EQ(Num("(27,416)", human), -27416);
  EXPECT_DOUBLE_EQ(Num("1,234,567", human), 1234567);
  EXPECT_DOUBLE_EQ(Num("\xC2\xA0"
                       "209.4\xC2\xA0",
                       human),
                   209.4);  // NBSP around
  EXPECT_DOUBLE_EQ(Num("0.0", human), 0.0);
  EXPECT_EQ(Kind("-", human), CellKind::kMissing);
  EXPECT_EQ(Kind("\xE2\x80\x93", human), CellKind::kMissing);  // en dash
  for (const char* bad : {"1,11", "1,1119", ",111", "1,,111", "12,34.5", "1.234,5", "(-5)", "()",
                          "(44.5", "1,119.9,"}) {
    EXPECT_EQ(Kind(bad, human), CellKind::kInvalid) << bad;
  }
}

TEST(NormalizeSpace, TrimsAndCollapses) {
  EXPECT_EQ(NormalizeSpace("  \t IBIT\n "), "IBIT");
  EXPECT_EQ(NormalizeSpace("Flow \xC2\xA0 (US$m)"), "Flow (US$m)");
  EXPECT_EQ(Excerpt("a\nb", 10), "a?b");
  EXPECT_EQ(Excerpt("abcdef", 3), "abc...");
}

TEST(DateFormat, Formats) {
  EXPECT_EQ(*ParseDateWithFormat("06 Jul 2026", "%d %b %Y"), D("2026-07-06"));
  EXPECT_EQ(*ParseDateWithFormat(" 6  July 2026 ", "%d %b %Y"), D("2026-07-06"));
  EXPECT_EQ(*ParseDateWithFormat("2025-10-28", "%Y-%m-%d"), D("2025-10-28"));
  EXPECT_EQ(*ParseDateWithFormat("10/28/2025", "%m/%d/%Y"), D("2025-10-28"));
  EXPECT_EQ(*ParseDateWithFormat("2/21/2024", "%m/%d/%Y"), D("2024-02-21"));
  EXPECT_EQ(*ParseDateWithFormat("Sep 30, 2026", "%b %d, %Y"), D("2026-09-30"));
  EXPECT_EQ(*ParseDateWithFormat("28.10.25", "%d.%m.%y"), D("2025-10-28"));
}

TEST(DateFormat, Rejections) {
  EXPECT_EQ(ParseDateWithFormat("Total", "%d %b %Y").status().message(),
            "date 'Total' does not match format '%d %b %Y'");
  EXPECT_EQ(ParseDateWithFormat("31 Sep 2025", "%d %b %Y").status().message(),
            "date '31 Sep 2025' is not a valid calendar date");
  EXPECT_FALSE(ParseDateWithFormat("2025-10-28x", "%Y-%m-%d").ok());
  EXPECT_FALSE(ParseDateWithFormat("06 Jly 2026", "%d %b %Y").ok());
  EXPECT_FALSE(ParseDateWithFormat("13/01/2025", "%m/%d/%Y").ok());
  EXPECT_EQ(ParseDateWithFormat("2025", "%Q").status().message(),
            "date format '%Q': unsupported directive '%Q'");
}

TEST(FutureDates, CountsDistinctDates) {
  std::vector<RawPoint> pts = {{D("2025-10-28"), "a", 1.0, false},
                               {D("2025-10-29"), "a", 1.0, false},
                               {D("2025-10-29"), "b", 1.0, false},
                               {D("2025-10-30"), "a", 1.0, false}};
  EXPECT_TRUE(CheckNoFutureDates(pts, std::nullopt, "x").ok());
  EXPECT_TRUE(CheckNoFutureDates(pts, D("2025-10-30"), "x").ok());
  EXPECT_EQ(CheckNoFutureDates(pts, D("2025-10-28"), "x").message(),
            "x: 2 row(s) dated after today (2025-10-28), e.g. 2025-10-29");
}

}  // namespace
}  // namespace liqwatch::sources
