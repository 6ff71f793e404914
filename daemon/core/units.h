// Units of measure for series values and rule constants.
//
// Contract: every series declares the unit its feed publishes in. On ingest the value is
// converted to the canonical unit of its dimension, so the store and the rules only ever see
// canonical values:
//   rate  -> percent       (bp / 100)
//   money -> USD billions  (USD / 1e9, USD millions / 1e3, USD trillions * 1e3)
//   other dimensions (index, count, ratio) are stored as published.
// Comparing values of different dimensions is an error the rules engine reports at load time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace liqwatch {

enum class Dimension { kRate, kMoney, kIndex, kCount };

enum class Unit {
  kPercent,
  kBasisPoints,
  kUsd,
  kUsdThousands,
  kUsdMillions,
  kUsdBillions,
  kUsdTrillions,
  kIndex,
  kCount,
};

// Config spellings: percent, bp, usd, usd_k, usd_mn, usd_bn, usd_tn, index, count.
Result<Unit> ParseUnit(std::string_view name);
std::string_view UnitName(Unit u);
Dimension DimensionOf(Unit u);
std::string_view DimensionName(Dimension d);
Unit CanonicalUnit(Dimension d);

// The unit suffixes of written quantities (rule expressions and `threshold:`): "%" and "bp"
// (rate), "mn", "bn", "tn" (money, USD). QuantitySuffix("mn") is {money, 0.001}: the factor
// to the canonical unit. nullopt for any other text.
struct SuffixInfo {
  Dimension dimension;
  double to_canonical;
};
std::optional<SuffixInfo> QuantitySuffix(std::string_view suffix);
// The suffix that writes a number in unit `u` as published ("mn" for usd_mn, "bp" for bp,
// "%" for percent), or "" if none does (usd, usd_k, index, count).
std::string_view SuffixOf(Unit u);

// value (in `from`) expressed in the canonical unit of its dimension.
double ToCanonical(double value, Unit from);
// canonical value of `dim` expressed in `to` (same dimension).
double FromCanonical(double canonical, Unit to);

// Human text for a canonical value: 4.31 percent -> "4.31%", 1003.5 usd_bn -> "$1.004tn",
// -159.2 usd_bn -> "-$159.2bn", 0.16 percent difference stays "0.16%". Used in alert messages
// and notifications.
std::string FormatValue(double canonical, Dimension d);
// A rate (percent) as a spread in basis points: 0.16 -> "16bp", -0.11 -> "-11bp", 0.005 ->
// "0.5bp" (whole bp unless the value has a fraction of one).
std::string FormatBasisPoints(double percent);

}  // namespace liqwatch
