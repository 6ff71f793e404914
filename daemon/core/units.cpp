#include "core/units.h"

#include <cmath>

#include <fmt/format.h>

namespace liqwatch {

namespace {
struct UnitInfo {
  Unit unit;
  std::string_view name;
  Dimension dim;
  double to_canonical;  // multiply a value in this unit by this to get the canonical unit
};
// The one table of units: names, dimensions and scale factors.
constexpr UnitInfo kUnits[] = {
    {Unit::kPercent, "percent", Dimension::kRate, 1.0},
    {Unit::kBasisPoints, "bp", Dimension::kRate, 0.01},
    {Unit::kUsd, "usd", Dimension::kMoney, 1e-9},
    {Unit::kUsdThousands, "usd_k", Dimension::kMoney, 1e-6},
    {Unit::kUsdMillions, "usd_mn", Dimension::kMoney, 1e-3},
    {Unit::kUsdBillions, "usd_bn", Dimension::kMoney, 1.0},
    {Unit::kUsdTrillions, "usd_tn", Dimension::kMoney, 1e3},
    {Unit::kIndex, "index", Dimension::kIndex, 1.0},
    {Unit::kCount, "count", Dimension::kCount, 1.0},
};
const UnitInfo& Info(Unit u) {
  for (const auto& i : kUnits)
    if (i.unit == u) return i;
  return kUnits[0];
}
}  // namespace

Result<Unit> ParseUnit(std::string_view name) {
  for (const auto& i : kUnits)
    if (i.name == name) return i.unit;
  return Status::InvalidArgument(fmt::format(
      "unknown unit '{}', expected one of percent, bp, usd, usd_k, usd_mn, usd_bn, usd_tn, index, "
      "count",
      name));
}

std::string_view UnitName(Unit u) { return Info(u).name; }
Dimension DimensionOf(Unit u) { return Info(u).dim; }

std::string_view DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kRate:
      return "rate";
    case Dimension::kMoney:
      return "money";
    case Dimension::kIndex:
      return "index";
    case Dimension::kCount:
      return "count";
  }
  return "?";
}

Unit CanonicalUnit(Dimension d) {
  switch (d) {
    case Dimension::kRate:
      return Unit::kPercent;
    case Dimension::kMoney:
      return Unit::kUsdBillions;
    case Dimension::kIndex:
      return Unit::kIndex;
    case Dimension::kCount:
      return Unit::kCount;
  }
  return Unit::kIndex;
}

std::optional<SuffixInfo> QuantitySuffix(std::string_view suffix) {
  if (suffix == "%") return SuffixInfo{Dimension::kRate, 1.0};
  if (suffix == "bp") return SuffixInfo{Dimension::kRate, 0.01};
  if (suffix == "mn") return SuffixInfo{Dimension::kMoney, 1e-3};
  if (suffix == "bn") return SuffixInfo{Dimension::kMoney, 1.0};
  if (suffix == "tn") return SuffixInfo{Dimension::kMoney, 1e3};
  return std::nullopt;
}

std::string_view SuffixOf(Unit u) {
  switch (u) {
    case Unit::kPercent:
      return "%";
    case Unit::kBasisPoints:
      return "bp";
    case Unit::kUsdMillions:
      return "mn";
    case Unit::kUsdBillions:
      return "bn";
    case Unit::kUsdTrillions:
      return "tn";
    default:
      return "";
  }
}

double ToCanonical(double value, Unit from) { return value * Info(from).to_canonical; }
double FromCanonical(double canonical, Unit to) { return canonical / Info(to).to_canonical; }

std::string FormatValue(double v, Dimension d) {
  switch (d) {
    case Dimension::kRate:
      return fmt::format("{:.2f}%", v);
    case Dimension::kMoney: {
      // The sign goes before the dollar sign: -$159.2bn, not $-159.2bn.
      const char* sign = v < 0 ? "-" : "";
      const double a = std::fabs(v);
      if (a >= 1000) return fmt::format("{}${:.3f}tn", sign, a / 1000);
      if (a >= 1) return fmt::format("{}${:.1f}bn", sign, a);
      return fmt::format("{}${:.0f}mn", sign, a * 1000);
    }
    case Dimension::kIndex:
    case Dimension::kCount:
      return fmt::format("{:g}", v);
  }
  return fmt::format("{}", v);
}

std::string FormatBasisPoints(double percent) {
  const double bp = percent * 100;
  const double tenths = std::round(bp * 10) / 10;
  if (tenths == 0) return "0bp";  // no "-0bp"
  if (std::fabs(tenths - std::round(tenths)) < 1e-9) return fmt::format("{:.0f}bp", tenths);
  return fmt::format("{:.1f}bp", tenths);
}

}  // namespace liqwatch
