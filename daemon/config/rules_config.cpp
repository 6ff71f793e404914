#include "config/rules_config.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace liqwatch::config {

namespace {

// Position of the first character of a scalar's text (after an opening quote).
Position TextPosition(const YAML::Node& n) {
  Position p = YamlReader::PositionOf(n);
  if (n.Tag() == "!") ++p.column;  // yaml-cpp tags quoted scalars "!"
  return p;
}

std::optional<expr::Program> CompileAt(YamlReader& r, const YAML::Node& n, const std::string& what,
                                       const expr::SeriesCatalog& catalog) {
  expr::CompileError err;
  auto prog = expr::Compile(n.Scalar(), catalog, &err);
  if (!prog.ok()) {
    Position p = TextPosition(n);
    p.column += std::max(err.column, 1) - 1;
    r.ErrorAt(p, fmt::format("{}: {}", what, err.message));
    return std::nullopt;
  }
  return std::move(*prog);
}

std::optional<std::chrono::days> MaxAgeDays(Duration d) {
  auto days = std::chrono::ceil<std::chrono::days>(d);
  if (days.count() < 1) return std::nullopt;
  return days;
}

}  // namespace

const DerivedConfig* RuleSet::FindDerived(int index) const {
  for (const auto& d : derived)
    if (d.series.index == index) return &d;
  return nullptr;
}

int RuleSet::RootClock(int index) const {
  for (int guard = 0; guard < 64 && index >= 0; ++guard) {
    const DerivedConfig* d = FindDerived(index);
    if (d == nullptr) return index;
    index = d->series.program.first_input();
  }
  return index;
}

void ReadDerived(YamlReader& r, const YAML::Node& node, const Config& c, RuleSet& rs) {
  for (const auto& s : c.series) {
    expr::SeriesSpec spec;
    spec.id = s.id;
    spec.dimension = DimensionOf(s.unit);
    if (s.max_age) {
      if (auto d = MaxAgeDays(*s.max_age)) spec.max_age = *d;
    }
    auto added = rs.catalog.Add(spec);
    if (!added.ok())
      r.ErrorAt(s.pos, fmt::format("series '{}': {}", s.id, added.status().message()));
  }
  rs.fetched_count = rs.catalog.size();
  if (!node) return;
  if (!node.IsSequence()) {
    r.Error(node, "derived: expected a list");
    return;
  }
  int i = 0;
  for (const auto& n : node) {
    std::string path = fmt::format("derived[{}]", i++);
    if (!r.CheckMap(n, path, {"id", "expr", "max_age", "description"})) continue;
    auto id = r.String(n, "id", path, true);
    auto text = r.String(n, "expr", path, true);
    (void)r.String(n, "description", path, false);
    auto max_age = r.DurationValue(n, "max_age", path, false);
    if (!id || !text) continue;
    DerivedConfig d;
    d.id = *id;
    d.text = *text;
    d.pos = TextPosition(n["expr"]);
    if (max_age) d.max_age = MaxAgeDays(*max_age).value_or(std::chrono::days{1});
    expr::CompileError err;
    auto def = expr::DefineDerived(rs.catalog, d.id, d.text, d.max_age, &err);
    if (!def.ok()) {
      Position p = d.pos;
      if (err.column > 0)
        p.column += err.column - 1;
      else
        p = YamlReader::PositionOf(n["id"]);
      r.ErrorAt(p, fmt::format("{}: {}", path,
                               err.message.empty() ? def.status().message() : err.message));
      continue;
    }
    d.series = std::move(*def);
    rs.derived.push_back(std::move(d));
  }
}

bool IsExprRule(const YAML::Node& n) {
  if (!n.IsMap()) return false;
  for (const char* k : {"expr", "warn", "crit", "clear", "for", "min_time", "repeat"})
    if (n[k]) return true;
  return false;
}

void ReadExprRule(YamlReader& r, const YAML::Node& n, const std::string& path, const RuleSet& rs,
                  RuleConfig& rule) {
  auto e = std::make_shared<ExprRule>();
  for (const char* legacy : {"series", "op", "threshold"}) {
    if (n[legacy])
      r.Error(n[legacy], fmt::format("{}: '{}' cannot be combined with expr/warn/crit; write the "
                                     "comparison as an expression",
                                     path, legacy));
  }
  const bool has_expr = bool(n["expr"]);
  if (has_expr && (n["warn"] || n["crit"]))
    r.Error(n["expr"],
            fmt::format("{}: use either expr (with severity) or warn/crit levels", path));
  if (!has_expr && !n["warn"] && !n["crit"]) {
    r.Error(n, fmt::format("{}: missing required key 'expr' (or 'warn'/'crit')", path));
    return;
  }
  bool ok = true;
  auto condition = [&](const char* key) -> std::optional<RuleCondition> {
    if (!r.Has(n, key, path, false)) return std::nullopt;
    auto text = r.String(n, key, path, false);
    if (!text) {
      ok = false;
      return std::nullopt;
    }
    auto prog = CompileAt(r, n[key], fmt::format("{}.{}", path, key), rs.catalog);
    if (!prog) {
      ok = false;
      return std::nullopt;
    }
    if (prog->result_kind() != expr::Kind::kBool) {
      r.Error(n[key], fmt::format("{}.{}: expected a condition (true/false), got {}", path, key,
                                  expr::KindName(prog->result_kind())));
      ok = false;
      return std::nullopt;
    }
    return RuleCondition{*text, TextPosition(n[key]), std::move(*prog)};
  };
  if (has_expr) {
    auto c = condition("expr");
    if (rule.severity == Severity::kCritical)
      e->crit = std::move(c);
    else
      e->warn = std::move(c);
    e->warn_severity = rule.severity == Severity::kCritical ? Severity::kWarning : rule.severity;
  } else {
    e->warn = condition("warn");
    e->crit = condition("crit");
    if (n["severity"])
      r.Error(n["severity"], fmt::format("{}: severity is implied by warn/crit", path));
  }
  e->clear = condition("clear");
  if (r.Has(n, "for", path, false)) {
    auto text = r.String(n, "for", path, false);
    if (text && !text->empty() &&
        std::all_of(text->begin(), text->end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      e->for_observations = std::stoi(*text);
    } else if (auto d = r.DurationValue(n, "for", path, false)) {
      e->for_duration = *d;
    } else {
      ok = false;
    }
  }
  if (auto d = r.DurationValue(n, "min_time", path, false)) e->min_time = *d;
  if (auto d = r.DurationValue(n, "repeat", path, false)) e->repeat = *d;
  if (!ok || (!e->warn && !e->crit)) return;
  std::set<int> inputs;
  for (const auto* c : {&e->warn, &e->crit, &e->clear}) {
    if (!*c) continue;
    for (int i : (*c)->program.inputs()) inputs.insert(i);
    if ((*c)->text.find("age(") != std::string::npos) e->uses_age = true;
  }
  e->inputs.assign(inputs.begin(), inputs.end());
  e->clock = e->primary().program.first_input();
  rule.expr = std::move(e);
}

}  // namespace liqwatch::config
