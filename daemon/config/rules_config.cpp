#include "config/rules_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/defaults.h"
#include "core/fomc.h"

namespace liqwatch::config {

namespace {

// Position of the first character of a scalar's text (after an opening quote).
Position TextPosition(const YAML::Node& n) {
  Position p = YamlReader::PositionOf(n);
  if (n.Tag() == "!") ++p.column;  // yaml-cpp tags quoted scalars "!"
  return p;
}

// `v` as a decimal that the expression lexer (which has no exponent form) reads back as exactly
// `v`: the shortest fixed-point text that round-trips.
std::string DecimalText(double v) {
  std::string text;
  for (int digits = 0; digits <= 1100; ++digits) {  // a double has at most 1074 decimals
    text = fmt::format("{:.{}f}", std::abs(v), digits);
    double back = 0;
    std::from_chars(text.data(), text.data() + text.size(), back);
    if (back == std::abs(v)) break;
  }
  return v < 0 ? "-" + text : text;
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

Duration RuleGroupWait(const RuleConfig& r) {
  if (r.group_wait) return *r.group_wait;
  if (r.expr && r.expr->fans_out() && r.expr->uses_age()) return defaults::kStaleRuleGroupWait;
  return Duration{};
}

std::string RuleSet::ClockId(const RuleInstance& instance) const {
  return instance.clock >= 0 ? catalog.spec(instance.clock).id : std::string();
}

int RuleSet::RootClock(int index) const {
  for (int guard = 0; guard < 64 && index >= 0; ++guard) {
    const DerivedConfig* d = FindDerived(index);
    if (d == nullptr) return index;
    index = d->series.program.first_input();
  }
  return index;
}

std::set<int> RuleSet::FetchedInputs(const RuleInstance& instance) const {
  std::set<int> out;
  std::vector<int> todo = instance.inputs;
  if (instance.clock >= 0) todo.push_back(instance.clock);
  while (!todo.empty()) {
    const int i = todo.back();
    todo.pop_back();
    if (const DerivedConfig* d = FindDerived(i)) {
      for (int in : d->series.program.inputs()) todo.push_back(in);
    } else {
      out.insert(i);
    }
  }
  return out;
}

std::optional<double> ReadThreshold(YamlReader& r, const YAML::Node& rule, const std::string& path,
                                    const SeriesConfig* series) {
  auto text = r.String(rule, "threshold", path, true);
  if (!text) return std::nullopt;
  const YAML::Node at = rule["threshold"];
  const std::string key = path + ".threshold";
  double v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || !std::isfinite(v)) {  // nan, inf, "high", "-$500mn"
    r.Error(at, fmt::format("{}: expected a number, found '{}'{}", key, *text,
                            text->find('$') != std::string::npos
                                ? " (write the unit after the number, without '$': -500mn)"
                                : ""));
    return std::nullopt;
  }
  const std::string_view suffix(end, static_cast<size_t>(text->data() + text->size() - end));
  if (series == nullptr) return v;
  const Dimension dim = DimensionOf(series->unit);
  const std::string canonical(UnitName(CanonicalUnit(dim)));
  if (suffix.empty()) {
    if (v == 0 || series->unit == CanonicalUnit(dim)) return v;
    const std::string_view own = SuffixOf(series->unit);
    const std::string as_published =
        own.empty() ? ""
                    : fmt::format("{}{} ({} as published) or ", *text, own, UnitName(series->unit));
    r.Error(at,
            fmt::format("{}: '{}' is ambiguous: series '{}' is published in {} but a threshold "
                        "is compared in {} ({} would mean {}); write the unit: {}{}{}",
                        key, *text, series->id, UnitName(series->unit), canonical, *text,
                        FormatValue(v, dim), as_published, *text, SuffixOf(CanonicalUnit(dim))));
    return std::nullopt;
  }
  auto unit = QuantitySuffix(suffix);
  if (!unit) {
    r.Error(at, fmt::format("{}: unknown unit '{}' in '{}', expected a number with an optional "
                            "unit: 4.3%, 10bp, 500mn, 25bn, 1tn",
                            key, suffix, *text));
    return std::nullopt;
  }
  if (unit->dimension != dim) {
    r.Error(at, fmt::format("{}: '{}' is {} but series '{}' is {} ({})", key, *text,
                            DimensionName(unit->dimension), series->id, DimensionName(dim),
                            UnitName(series->unit)));
    return std::nullopt;
  }
  return v * unit->to_canonical;
}

namespace {

// The catalog's first entries: the configured (fetched) series, in config order.
void AddFetchedSeries(YamlReader& r, const Config& c, RuleSet& rs) {
  for (const auto& s : c.series) {
    expr::SeriesSpec spec;
    spec.id = s.id;
    spec.dimension = DimensionOf(s.unit);
    if (s.unit != CanonicalUnit(spec.dimension)) spec.published_unit = UnitName(s.unit);
    if (s.max_age) {
      if (auto d = MaxAgeDays(*s.max_age)) spec.max_age = *d;
    }
    spec.release = s.release;
    if (const SourceConfig* src = c.FindSource(s.source))
      spec.policy_rate = IsPolicyRate(src->type, s.remote_id);
    auto added = rs.catalog.Add(spec);
    if (!added.ok())
      r.ErrorAt(s.pos, fmt::format("series '{}': {}", s.id, added.status().message()));
  }
  rs.fetched_count = rs.catalog.size();
}

// One `derived:` item, compiled into the catalog; nullopt (reported) when it does not compile.
std::optional<DerivedConfig> ReadOneDerived(YamlReader& r, const YAML::Node& n,
                                            const std::string& path, RuleSet& rs) {
  if (!r.CheckMap(n, path, {"id", "expr", "max_age", "description"})) return std::nullopt;
  auto id = r.String(n, "id", path, true);
  auto text = r.String(n, "expr", path, true);
  auto description = r.String(n, "description", path, false);
  auto max_age = r.DurationValue(n, "max_age", path, false);
  if (!id || !text) return std::nullopt;
  DerivedConfig d;
  d.id = *id;
  d.text = *text;
  d.description = description.value_or("");
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
    r.ErrorAt(
        p, fmt::format("{}: {}", path, err.message.empty() ? def.status().message() : err.message));
    return std::nullopt;
  }
  d.series = std::move(*def);
  return d;
}

}  // namespace

void ReadDerived(YamlReader& r, const YAML::Node& node, const Config& c, RuleSet& rs) {
  AddFetchedSeries(r, c, rs);
  if (!node) return;
  if (!node.IsSequence()) {
    r.Error(node, "derived: expected a list");
    return;
  }
  std::vector<int> levels(size_t(rs.catalog.size()), 0);  // by catalog index; fetched: 0
  int i = 0;
  for (const auto& n : node) {
    const std::string path = fmt::format("derived[{}]", i++);
    auto d = ReadOneDerived(r, n, path, rs);
    if (!d) continue;
    // Its place in the longest chain of derived series it reads: evaluation resolves chains
    // down to fetched series (RuleSet::RootClock, live inputs), so they must stay short.
    int level = 1;
    for (int input : d->series.program.inputs()) {
      if (input >= rs.fetched_count) level = std::max(level, levels[size_t(input)] + 1);
    }
    levels.resize(size_t(rs.catalog.size()), 0);
    levels[size_t(d->series.index)] = level;
    if (level > kMaxDerivedChain) {
      r.ErrorAt(d->pos, fmt::format("{}: derived series '{}' would be number {} in a chain of "
                                    "derived series built on each other (at most {})",
                                    path, d->id, level, kMaxDerivedChain));
      continue;
    }
    rs.derived.push_back(std::move(*d));
  }
}

bool IsExprRule(const YAML::Node& n) {
  if (!n.IsMap()) return false;
  for (const char* k :
       {"expr", "warn", "crit", "clear", "seasonal", "for", "min_time", "repeat", "for_each"})
    if (n[k]) return true;
  return false;
}

Result<Substituted> SubstituteLabels(std::string_view text, const Labels& labels,
                                     int* error_column) {
  auto ident = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  Substituted out;
  out.text.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '$' || i + 1 >= text.size() || !ident(text[i + 1])) {
      out.text += text[i];
      out.column_map.push_back(int(i) + 1);
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && ident(text[end])) ++end;
    std::string_view name = text.substr(i + 1, end - i - 1);
    auto it = std::find_if(labels.begin(), labels.end(),
                           [&](const auto& kv) { return kv.first == name; });
    if (it == labels.end()) {
      if (error_column != nullptr) *error_column = int(i) + 1;
      // A loop, not `labels | std::views::keys`: clang 14 (the sanitizer and fuzz builds)
      // cannot compile libstdc++ 12's views.
      std::vector<std::string_view> names;
      for (const auto& kv : labels) names.push_back(kv.first);
      return Status::InvalidArgument(
          labels.empty()
              ? fmt::format("unknown label ${}: only rules with for_each have labels", name)
              : fmt::format("unknown label ${}: for_each defines {}", name,
                            fmt::join(names, ", ")));
    }
    out.text += it->second;
    out.column_map.insert(out.column_map.end(), it->second.size(), int(i) + 1);
    i = end;
  }
  return out;
}

bool ExprRule::uses_age() const {
  return std::any_of(instances.begin(), instances.end(),
                     [](const RuleInstance& i) { return i.uses_age; });
}

namespace {

bool IsLabelName(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
  });
}

// The label sets of `for_each:` (a list of scalars = {series: X}, or of flat maps, all with the
// same keys). An empty result with no error recorded means the rule does not fan out.
std::optional<std::vector<Labels>> ReadForEach(YamlReader& r, const YAML::Node& n,
                                               const std::string& path) {
  std::vector<Labels> out;
  const YAML::Node list = n["for_each"];
  if (!list) return out;
  if (!list.IsSequence() || list.size() == 0) {
    r.Error(list, fmt::format("{}.for_each: expected a non-empty list of series ids or of "
                              "label maps",
                              path));
    return std::nullopt;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string where = fmt::format("{}.for_each[{}]", path, i);
    Labels labels;
    if (item.IsScalar()) {
      labels.emplace_back("series", item.Scalar());
    } else if (item.IsMap()) {
      for (const auto& kv : item) {
        std::string key = kv.first.as<std::string>("");
        if (!IsLabelName(key) || !kv.second.IsScalar()) {
          r.Error(kv.first, fmt::format("{}: '{}' must be a label name (letters, digits, '_') "
                                        "with a scalar value",
                                        where, key));
          return std::nullopt;
        }
        labels.emplace_back(key, kv.second.Scalar());
      }
    } else {
      r.Error(item, fmt::format("{}: expected a series id or a map of labels", where));
      return std::nullopt;
    }
    auto keys = [](const Labels& l) {
      std::vector<std::string> k;
      for (const auto& kv : l) k.push_back(kv.first);
      std::sort(k.begin(), k.end());
      return k;
    };
    if (!out.empty() && keys(labels) != keys(out.front())) {
      r.Error(item, fmt::format("{}: every item needs the same labels as for_each[0] ({})", where,
                                fmt::join(keys(out.front()), ", ")));
      return std::nullopt;
    }
    for (const auto& [k, v] : labels) {
      if (v.empty() || v.find_first_of(",={}") != std::string::npos) {
        r.Error(item,
                fmt::format("{}: label {} needs a value without ',', '=', '{{' or '}}'", where, k));
        return std::nullopt;
      }
    }
    std::sort(labels.begin(), labels.end());  // the instance's identity: order-independent
    if (!seen.insert(JoinLabels(labels)).second) {
      r.Error(item, fmt::format("{}: duplicate item", where));
      return std::nullopt;
    }
    out.push_back(std::move(labels));
  }
  return out;
}

// The keys an expression rule is written with: expr (+ severity) or warn/crit levels, never
// the threshold form's keys. false: the rule has no condition at all (reported).
bool CheckExprRuleKeys(YamlReader& r, const YAML::Node& n, const std::string& path) {
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
    return false;
  }
  if (!has_expr && n["severity"])
    r.Error(n["severity"], fmt::format("{}: severity is implied by warn/crit", path));
  return true;
}

// Compiles one rule's conditions for each for_each item; an error is reported at the column
// of the rule's text it comes from, and sets `ok` false.
struct ConditionCompiler {
  YamlReader& r;
  const YAML::Node& n;
  const std::string& path;
  const RuleSet& rs;
  bool fans_out = false;
  bool ok = true;

  // The condition under `key` for the instance with `labels`; nullopt if absent or on error.
  std::optional<RuleCondition> Compile(const char* key, const Labels& labels) {
    if (!r.Has(n, key, path, false)) return std::nullopt;
    auto text = r.String(n, key, path, false);
    if (!text) return Fail();
    const Position at = TextPosition(n[key]);
    std::string what = fmt::format("{}.{}", path, key);
    if (fans_out) what += fmt::format(" ({})", JoinLabels(labels));
    int column = 0;
    auto sub = SubstituteLabels(*text, labels, &column);
    if (!sub.ok()) {
      r.ErrorAt(Position{at.line, at.column + column - 1},
                fmt::format("{}: {}", what, sub.status().message()));
      return Fail();
    }
    expr::CompileError err;
    auto prog = expr::Compile(sub->text, rs.catalog, &err);
    if (!prog.ok()) {
      int c = std::max(err.column, 1);
      if (size_t(c - 1) < sub->column_map.size())
        c = sub->column_map[size_t(c - 1)];
      else if (!sub->column_map.empty())
        c = int(text->size()) + 1;  // at the end
      r.ErrorAt(Position{at.line, at.column + c - 1}, fmt::format("{}: {}", what, err.message));
      return Fail();
    }
    if (prog->result_kind() != expr::Kind::kBool) {
      r.Error(n[key], fmt::format("{}: expected a condition (true/false), got {}", what,
                                  expr::KindName(prog->result_kind())));
      return Fail();
    }
    return RuleCondition{std::move(sub->text), *text, at, std::move(*prog)};
  }

  // One instance of the rule; nullopt when a condition failed or the levels do not fit.
  std::optional<RuleInstance> Instance(const Labels& labels, bool has_expr, bool expr_is_crit) {
    RuleInstance inst;
    inst.labels = JoinLabels(labels);
    if (has_expr) {
      (expr_is_crit ? inst.crit : inst.warn) = Compile("expr", labels);
    } else {
      inst.warn = Compile("warn", labels);
      inst.crit = Compile("crit", labels);
    }
    inst.clear = Compile("clear", labels);
    inst.seasonal = Compile("seasonal", labels);
    if (!ok || (!inst.warn && !inst.crit)) return std::nullopt;
    if (inst.seasonal && !inst.warn) {
      r.Error(n["seasonal"], fmt::format("{}.seasonal: lowers the warning level to info, but the "
                                         "rule has no warning level (only critical)",
                                         path));
      return Fail();
    }
    std::set<int> inputs;
    for (const auto* c : {&inst.warn, &inst.crit, &inst.clear, &inst.seasonal}) {
      if (!*c) continue;
      for (int x : (*c)->program.inputs()) inputs.insert(x);
      if ((*c)->program.reads_now()) inst.uses_age = true;
    }
    inst.inputs.assign(inputs.begin(), inputs.end());
    inst.clock = inst.primary().program.first_input();
    return inst;
  }

 private:
  std::nullopt_t Fail() {
    ok = false;
    return std::nullopt;
  }
};

// for: N (observations in a row) or a duration. false: reported as invalid.
bool ReadForKey(YamlReader& r, const YAML::Node& n, const std::string& path, ExprRule& e) {
  if (!r.Has(n, "for", path, false)) return true;
  auto text = r.String(n, "for", path, false);
  if (text && !text->empty() &&
      std::all_of(text->begin(), text->end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    int count = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), count);
    if (ec != std::errc() || end != text->data() + text->size() ||
        count > defaults::kMaxForObservations) {
      r.Error(n["for"], fmt::format("{}.for: '{}' observations is too many (at most {})", path,
                                    *text, defaults::kMaxForObservations));
      return false;
    }
    e.for_observations = count;
    return true;
  }
  if (auto d = r.DurationValue(n, "for", path, false)) {
    e.for_duration = *d;
    return true;
  }
  return false;
}

}  // namespace

void ReadExprRule(YamlReader& r, const YAML::Node& n, const std::string& path, const RuleSet& rs,
                  RuleConfig& rule) {
  if (!CheckExprRuleKeys(r, n, path)) return;
  const bool has_expr = bool(n["expr"]);
  auto e = std::make_shared<ExprRule>();
  auto items = ReadForEach(r, n, path);
  ConditionCompiler compiler{r, n, path, rs};
  compiler.ok = items.has_value();
  compiler.fans_out = compiler.ok && !items->empty();
  if (compiler.ok && items->empty()) items->emplace_back();  // one instance, no labels

  if (has_expr)
    e->warn_severity = rule.severity == Severity::kCritical ? Severity::kWarning : rule.severity;
  const bool expr_is_crit = has_expr && rule.severity == Severity::kCritical;
  for (size_t i = 0; compiler.ok && i < items->size(); ++i) {
    auto inst = compiler.Instance((*items)[i], has_expr, expr_is_crit);
    if (!inst) break;
    e->instances.push_back(std::move(*inst));
  }
  bool ok = ReadForKey(r, n, path, *e) && compiler.ok;
  if (auto d = r.DurationValue(n, "min_time", path, false)) e->min_time = *d;
  if (auto d = r.DurationValue(n, "repeat", path, false)) e->repeat = *d;
  if (!ok || e->instances.size() != items->size()) return;
  rule.expr = std::move(e);
}

void CompileThresholdRules(YamlReader& r, Config& c) {
  const RuleSet& rs = *c.rule_set;
  for (auto& rule : c.rules) {
    if (rule.expr) continue;
    const auto index = rs.catalog.Find(rule.series);
    if (!index) continue;  // an unknown series: the cross-check reported it
    // The canonical threshold with its canonical unit written out: a bare number on a series
    // published in another unit (usd_mn, bp) is refused as ambiguous by the compiler.
    const Dimension dim = rs.catalog.spec(*index).dimension;
    const char* unit = dim == Dimension::kMoney ? "bn" : dim == Dimension::kRate ? "%" : "";
    const std::string text = fmt::format("{} {} {}{}", rule.series, ComparisonText(rule.op),
                                         DecimalText(rule.threshold), unit);
    expr::CompileError err;
    auto prog = expr::Compile(text, rs.catalog, &err);
    if (!prog.ok()) {  // cannot happen for a known series; said rather than dropped
      r.ErrorAt(rule.pos, fmt::format("rule '{}': {} in '{}'", rule.name, err.message, text));
      continue;
    }
    RuleInstance inst;
    inst.inputs = prog->inputs();
    inst.clock = prog->first_input();
    inst.threshold = RuleInstance::Threshold{rule.series, rule.op, rule.threshold,
                                             rs.catalog.spec(*index).dimension};
    RuleCondition condition{text, text, rule.pos, std::move(*prog)};
    // As `expr:` with `severity:`: a critical rule's one level is crit, any other is warn.
    (rule.severity == Severity::kCritical ? inst.crit : inst.warn) = std::move(condition);
    auto e = std::make_shared<ExprRule>();
    e->warn_severity = rule.severity == Severity::kCritical ? Severity::kWarning : rule.severity;
    e->instances.push_back(std::move(inst));
    rule.expr = std::move(e);
  }
}

}  // namespace liqwatch::config
