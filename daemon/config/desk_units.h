// Desk units: the one formatting layer for what a person reads (CLI tables, notifications,
// the API's `*_display` fields and so the dashboard). Spreads in bp, rates in %, money in
// $bn/$tn, other values as numbers. JSON keeps exact canonical numbers next to these strings.
//
// Contract: DeskUnits is built from a loaded Config (cheap: one pass over series, derived
// series and rules) and is immutable afterwards, safe to share between threads. It decides
// two things:
//   - a series' desk unit (SeriesUnit): bp for a spread (a derived difference of two rates,
//     an OAS or spread series, or a series a rule compares against a level written in bp),
//     % for other rates, $bn/$tn for money, plain otherwise;
//   - how an alert's value and threshold read (AlertValue): in bp when the rule's levels are
//     written in bp and the alert's series is a rate (the message says "16bp", so must every
//     other place), otherwise in the series' dimension.
// Unknown rules and series (removed by a reload) degrade to plain numbers, never fail.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/units.h"

namespace liqwatch::config {

enum class DeskUnit { kPercent, kBasisPoints, kMoney, kPlain };
// "%", "bp", "$bn", "" (the dashboard's unit label).
std::string_view DeskUnitName(DeskUnit u);

// A level a chart of `series` can draw: one comparison of a rule condition whose left side is
// the series itself ("sofr_iorb >= 15bp"; not "change(tga, 10bd) > 150bn").
struct DeskLevel {
  std::string series;
  std::string op;       // ">", ">=", "<", "<="
  double value = 0;     // canonical unit of the series
  std::string kind;     // "critical", "warning", "info" (the level's severity) or "clear"
  std::string display;  // "15bp", in the series' desk unit
};

class DeskUnits {
 public:
  static DeskUnits Build(const Config& c);

  DeskUnit SeriesUnit(const std::string& series) const;
  Dimension SeriesDimension(const std::string& series) const;
  // A value of `series` in its desk unit: "4.31%", "16bp", "$2.848tn", "25.6".
  std::string SeriesValue(const std::string& series, double canonical) const;
  // A change between two prints, signed: "+3bp", "-$12.5bn"; a rate's change reads in bp.
  std::string SeriesChange(const std::string& series, double delta) const;
  // An alert's value or threshold as its message writes it (see the contract).
  std::string AlertValue(const std::string& rule, const std::string& series,
                         double canonical) const;
  bool RuleInBasisPoints(const std::string& rule) const;
  // The level a condition compares against, in desk units: "op value" (">= 15bp") for the
  // first comparison whose left side is `series`, else "lhs op value" of the first comparison
  // ("change(tga, 10bd) > $150.0bn"); "" when the condition has none (late($series)).
  std::string ConditionLevel(const std::string& condition, const std::string& series) const;
  // The levels of rule `rule` of `c` (every instance) that a chart can draw.
  std::vector<DeskLevel> Levels(const Config& c, const RuleConfig& rule) const;

 private:
  std::map<std::string, Dimension> dimension_;
  std::map<std::string, bool> series_in_bp_;
  std::map<std::string, bool> rule_in_bp_;
};

// "n/a" for a missing value, else f(value): for text that must always say something.
template <typename F>
std::string OrNa(const std::optional<double>& v, F f) {
  return v ? f(*v) : std::string("n/a");
}

}  // namespace liqwatch::config
