#include "core/units.h"

#include <gtest/gtest.h>

namespace liqwatch {
namespace {

TEST(Units, NormalisesMoneyToBillionsAndRatesToPercent) {
  EXPECT_DOUBLE_EQ(ToCanonical(899678, Unit::kUsdMillions), 899.678);  // DTS TGA, $mn
  EXPECT_DOUBLE_EQ(ToCanonical(50e9, Unit::kUsd), 50.0);               // SRF totalAmtAccepted
  EXPECT_DOUBLE_EQ(ToCanonical(16, Unit::kBasisPoints), 0.16);
  EXPECT_DOUBLE_EQ(ToCanonical(1, Unit::kUsdTrillions), 1000.0);
  EXPECT_DOUBLE_EQ(FromCanonical(0.16, Unit::kBasisPoints), 16.0);
}

TEST(Units, ParsesNamesAndRejectsUnknown) {
  EXPECT_EQ(*ParseUnit("usd_mn"), Unit::kUsdMillions);
  EXPECT_EQ(DimensionOf(Unit::kBasisPoints), Dimension::kRate);
  EXPECT_EQ(ParseUnit("dollars").status().message(),
            "unknown unit 'dollars', expected one of percent, bp, usd, usd_k, usd_mn, usd_bn, "
            "usd_tn, index, count");
}

TEST(Units, FormatsForHumans) {
  EXPECT_EQ(FormatValue(4.31, Dimension::kRate), "4.31%");
  EXPECT_EQ(FormatValue(1003.5, Dimension::kMoney), "$1.004tn");
  EXPECT_EQ(FormatValue(50, Dimension::kMoney), "$50.0bn");
}

TEST(Units, SpreadsInBasisPoints) {
  EXPECT_EQ(FormatBasisPoints(0.16), "16bp");
  EXPECT_EQ(FormatBasisPoints(0.2200000000000002), "22bp");  // 4.37 - 4.15 in binary
  EXPECT_EQ(FormatBasisPoints(-0.11), "-11bp");
  EXPECT_EQ(FormatBasisPoints(0.005), "0.5bp");
  EXPECT_EQ(FormatBasisPoints(-0.0000001), "0bp");
}

TEST(Units, NegativeMoneyHasItsSignBeforeTheDollar) {
  EXPECT_EQ(FormatValue(-159.2, Dimension::kMoney), "-$159.2bn");
  EXPECT_EQ(FormatValue(-1212.5, Dimension::kMoney), "-$1.212tn");
  EXPECT_EQ(FormatValue(-0.25, Dimension::kMoney), "-$250mn");
  EXPECT_EQ(FormatValue(-0.5, Dimension::kRate), "-0.50%");
}

}  // namespace
}  // namespace liqwatch
