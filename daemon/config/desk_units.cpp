#include "config/desk_units.h"

#include <regex>
#include <set>
#include <tuple>

#include "config/rules_config.h"

namespace liqwatch::config {

std::string_view DeskUnitName(DeskUnit u) {
  switch (u) {
    case DeskUnit::kPercent:
      return "%";
    case DeskUnit::kBasisPoints:
      return "bp";
    case DeskUnit::kMoney:
      return "$bn";
    case DeskUnit::kPlain:
      return "";
  }
  return "";
}

namespace {

// A level written like "15bp" in any of the rule's conditions.
bool WrittenInBasisPoints(const RuleConfig& r) {
  static const std::regex bp(R"((^|[^\w.])\d+(\.\d+)?bp\b)");
  if (!r.expr || r.expr->instances.empty()) return false;
  const auto& inst = r.expr->instances.front();
  for (const auto* c : {&inst.warn, &inst.crit, &inst.clear})
    if (*c && std::regex_search((*c)->written, bp)) return true;
  return false;
}

// Quoted as a spread by a desk although stored in percent: an option-adjusted or other spread.
bool NamedAsSpread(const std::string& id) {
  static const std::regex spread(R"((_oas|_spread|_iorb|_top)$)");
  return std::regex_search(id, spread);
}

// Splits a condition at its top-level "and"/"or" words.
std::vector<std::string> Clauses(const std::string& text) {
  static const std::regex sep(R"(\s+(?:and|or)\s+)");
  std::vector<std::string> out;
  for (std::sregex_token_iterator it(text.begin(), text.end(), sep, -1), end; it != end; ++it)
    out.push_back(*it);
  return out;
}

}  // namespace

DeskUnits DeskUnits::Build(const Config& c) {
  DeskUnits d;
  for (const auto& s : c.series) {
    d.dimension_[s.id] = DimensionOf(s.unit);
    d.series_in_bp_[s.id] = NamedAsSpread(s.id);
  }
  if (c.rule_set) {
    static const std::regex difference(R"(\s-\s)");
    for (const auto& dv : c.rule_set->derived) {
      d.dimension_[dv.id] = dv.series.dimension;
      d.series_in_bp_[dv.id] = NamedAsSpread(dv.id) || std::regex_search(dv.text, difference);
    }
  }
  for (const auto& r : c.rules) {
    const bool in_bp = WrittenInBasisPoints(r);
    d.rule_in_bp_[r.name] = in_bp;
    if (!in_bp || !c.rule_set) continue;
    // The series such a rule reports its alerts on is read in bp too (sofr_iorb >= 15bp).
    for (const auto& inst : r.expr->instances) {
      const std::string clock = c.rule_set->ClockId(inst);
      if (!clock.empty()) d.series_in_bp_[clock] = true;
    }
  }
  return d;
}

Dimension DeskUnits::SeriesDimension(const std::string& series) const {
  auto it = dimension_.find(series);
  return it == dimension_.end() ? Dimension::kIndex : it->second;
}

DeskUnit DeskUnits::SeriesUnit(const std::string& series) const {
  switch (SeriesDimension(series)) {
    case Dimension::kRate: {
      auto it = series_in_bp_.find(series);
      return it != series_in_bp_.end() && it->second ? DeskUnit::kBasisPoints : DeskUnit::kPercent;
    }
    case Dimension::kMoney:
      return DeskUnit::kMoney;
    default:
      return DeskUnit::kPlain;
  }
}

std::string DeskUnits::SeriesValue(const std::string& series, double canonical) const {
  if (SeriesUnit(series) == DeskUnit::kBasisPoints) return FormatBasisPoints(canonical);
  return FormatValue(canonical, SeriesDimension(series));
}

std::string DeskUnits::SeriesChange(const std::string& series, double delta) const {
  const Dimension dim = SeriesDimension(series);
  std::string text = dim == Dimension::kRate ? FormatBasisPoints(delta) : FormatValue(delta, dim);
  if (delta > 0 && text != "0bp") text = "+" + text;
  return text;
}

bool DeskUnits::RuleInBasisPoints(const std::string& rule) const {
  auto it = rule_in_bp_.find(rule);
  return it != rule_in_bp_.end() && it->second;
}

std::string DeskUnits::AlertValue(const std::string& rule, const std::string& series,
                                  double canonical) const {
  const Dimension dim = SeriesDimension(series);
  if (RuleInBasisPoints(rule) && dim == Dimension::kRate) return FormatBasisPoints(canonical);
  return FormatValue(canonical, dim);
}

std::string DeskUnits::ConditionLevel(const std::string& condition,
                                      const std::string& series) const {
  static const std::regex comparison(
      R"(^\s*\(?\s*(.+?)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)(bp|%|mn|bn|tn)?\s*\)?\s*$)");
  std::string first;
  for (const auto& clause : Clauses(condition)) {
    std::smatch m;
    if (!std::regex_match(clause, m, comparison)) continue;
    const std::string lhs = m[1];
    double value = std::stod(m[3]);
    std::string shown;
    if (!m[4].matched) {
      shown = lhs == series ? SeriesValue(series, value) : FormatValue(value, Dimension::kIndex);
    } else if (m[4] == "bp") {
      shown = FormatBasisPoints(value / 100);
    } else if (auto suffix = QuantitySuffix(m[4].str())) {
      shown = FormatValue(value * suffix->to_canonical, suffix->dimension);
    }
    if (lhs == series) return m[2].str() + " " + shown;
    if (first.empty()) first = lhs + " " + m[2].str() + " " + shown;
  }
  return first;
}

std::vector<DeskLevel> DeskUnits::Levels(const Config& c, const RuleConfig& r) const {
  std::vector<DeskLevel> out;
  if (!r.series.empty()) {  // series op threshold
    out.push_back({r.series, std::string(ComparisonText(r.op)), r.threshold,
                   std::string(SeverityName(r.severity)), SeriesValue(r.series, r.threshold)});
    return out;
  }
  if (!r.expr) return out;
  static const std::regex comparison(
      R"(^\s*\(?\s*([A-Za-z_]\w*)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)(bp|%|mn|bn|tn)?\s*\)?\s*$)");
  const std::string warn_kind =
      std::string(SeverityName(r.expr->has_crit() ? Severity::kWarning : r.expr->warn_severity));
  std::set<std::tuple<std::string, std::string, double, std::string>> seen;
  for (const auto& inst : r.expr->instances) {
    const std::pair<const std::optional<RuleCondition>*, std::string> conditions[] = {
        {&inst.warn, warn_kind}, {&inst.crit, "critical"}, {&inst.clear, "clear"}};
    for (const auto& [cond, kind] : conditions) {
      if (!*cond) continue;
      for (const auto& clause : Clauses((*cond)->text)) {
        std::smatch m;
        if (!std::regex_match(clause, m, comparison)) continue;
        const std::string series = m[1];
        if (!dimension_.count(series) || !c.rule_set) continue;
        double value = std::stod(m[3]);
        const Dimension dim = SeriesDimension(series);
        if (m[4].matched) {
          auto suffix = QuantitySuffix(m[4].str());
          if (!suffix || suffix->dimension != dim) continue;
          value *= suffix->to_canonical;
        }
        if (!seen.emplace(series, m[2], value, kind).second) continue;
        out.push_back({series, m[2], value, kind, SeriesValue(series, value)});
      }
    }
  }
  return out;
}

}  // namespace liqwatch::config
