// Expression rules and derived series in the config: types and the loader's rules pass.
//
// Contract: everything here is filled by LoadConfig and then immutable (shared_ptr<const>), so a
// Config stays a cheap copyable value. Expressions are compiled exactly once, at load, against
// the RuleSet's catalog (every series, then every derived series in file order). A compile
// error is reported at FILE:LINE:COL where COL = the YAML scalar's column + the expression
// column - 1 (+1 for a quoted scalar's opening quote). Not thread-safe while loading.
//
// A rule is written either as the single comparison (series/op/threshold) or as an expression
// rule; either way it is an expression rule once loaded (CompileThresholdRules), so one engine
// evaluates, replays and tests both:
//   expr: <bool>           condition, at `severity` (default warning)
//   warn: / crit: <bool>   two levels in one rule (crit wins when both hold)
//   clear: <bool>          hysteresis: a firing alert resolves only once this holds
//   seasonal: <bool>       a routine season (tax_date(10bd), quarter_end(2bd)): an episode that
//                          opens at the warning level while it holds is raised at info instead,
//                          and stays info until it resolves (critical is never lowered)
//   for: 3 | 2d            observations in a row / time (by observation date) before firing
//   min_time: 2d           a firing alert stays open at least this long (by observation date)
//   repeat: 1d             reminder interval while firing (by evaluation time)
//   for_each: [...]        fan out: one alert instance per item (see RuleInstance)
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.h"
#include "config/yaml_reader.h"
#include "rules/expr/derived.h"
#include "rules/expr/program.h"
#include "rules/expr/series.h"

namespace liqwatch::config {

struct RuleCondition {
  std::string text;     // as compiled: for_each labels substituted
  std::string written;  // as in the config (with $labels)
  Position pos;         // of the expression's first character
  expr::Program program;
};

// One alert instance of a rule: its compiled conditions and what drives them. A rule without
// `for_each` has one instance with empty labels. With `for_each`, each item is a label set
// (a scalar item X is short for {series: X}) and the conditions are compiled once per item
// with every `$label` replaced by the item's value, e.g.
//   for_each: [{series: hy_oas, widening: 50bp}, {series: ig_oas, widening: 20bp}]
//   expr: change($series, 5bd) > $widening
// Each instance has its own state, alert and rule memory, keyed by (rule name, labels). Labels
// are sorted by name, so reordering an item's keys in the YAML keeps the instance's identity.
struct RuleInstance {
  std::string labels;                 // "series=hy_oas,widening=50bp" (sorted by name); "" if none
  std::optional<RuleCondition> warn;  // the lower level (expr: lands here unless critical)
  std::optional<RuleCondition> crit;
  std::optional<RuleCondition> clear;
  std::optional<RuleCondition> seasonal;  // routine season: a warning opens at info
  int clock = -1;                         // catalog index whose observations drive evaluation
  std::vector<int> inputs;                // catalog indexes read by any condition
  bool uses_age = false;                  // has age() or late(): also evaluate on a timer
  // Set when the rule was written as `series op threshold`: its alerts carry the threshold and
  // keep that form's wording (alerts/judge.h).
  struct Threshold {
    std::string series;
    Comparison op = Comparison::kGreater;
    double value = 0;  // canonical unit of the series' dimension
    Dimension dimension = Dimension::kIndex;
  };
  std::optional<Threshold> threshold;

  const RuleCondition& primary() const { return crit ? *crit : *warn; }
};

struct ExprRule {
  Severity warn_severity = Severity::kWarning;  // severity of the `warn` slot (expr: severity)
  int for_observations = 0;                     // 0: no count requirement
  Duration for_duration{};                      // 0: none
  Duration min_time{};
  Duration repeat{};                    // 0: no reminders
  std::vector<RuleInstance> instances;  // at least one, in for_each order; all alike in shape

  bool fans_out() const { return !instances.front().labels.empty(); }  // has for_each
  bool has_crit() const { return instances.front().crit.has_value(); }
  bool has_clear() const { return instances.front().clear.has_value(); }
  bool uses_age() const;  // any instance has age()
};

// `text` with every `$name` replaced by labels[name]. Fails with the 1-based column of the
// first `$name` that is not a label. `column_map[i]` is the column in `text` of byte i of the
// result (a substituted value maps to its `$`), so compile errors point into what was written.
struct Substituted {
  std::string text;
  std::vector<int> column_map;
};
Result<Substituted> SubstituteLabels(std::string_view text, const Labels& labels,
                                     int* error_column = nullptr);

struct DerivedConfig {
  std::string id;
  std::string text;
  std::string description;  // optional, shown where the series is named (notifications)
  Position pos;
  std::chrono::days max_age{7};
  expr::DerivedSeries series;
};

struct RuleSet {
  expr::SeriesCatalog catalog;  // index i < fetched_count: config series i
  int fetched_count = 0;
  std::vector<DerivedConfig> derived;  // in definition (dependency) order

  // The derived definition with catalog index `index`, or nullptr for a fetched series.
  const DerivedConfig* FindDerived(int index) const;
  // The id of an instance's clock series, reported as its alerts' series; "" if it has none.
  std::string ClockId(const RuleInstance& instance) const;
  // The fetched series a catalog series ultimately reads from (a derived series' clock chain
  // ends at a fetched series): the series whose new observations trigger evaluation.
  int RootClock(int index) const;
  // The fetched series (catalog indexes) an instance reads, through derived series, its clock
  // included: the files a replay needs for it.
  std::set<int> FetchedInputs(const RuleInstance& instance) const;
};

// A derived series may read derived series that read derived series...: at most this many in a
// chain (a = x + y; b = a * 2; c = b - a is a chain of 3).
inline constexpr int kMaxDerivedChain = 16;

// A threshold rule's `threshold`, in the canonical unit of `series`' dimension (what the rule
// compares). Written as a bare number or with the unit suffix of the expression language:
// 4.3%, 10bp (rate), 500mn, 25bn, 1tn (money), e.g. `threshold: -500mn`. A bare number is
// accepted only when it cannot be misread: on a series published in its canonical unit
// (percent, usd_bn, index, count), or 0. On a series published in usd_mn, bp, usd, usd_k or
// usd_tn it is an error saying how to write it (`-500` on a usd_mn flow would otherwise mean
// -$500bn, a level no flow reaches). A suffix of another dimension than the series' is an
// error. `series` nullptr (an unknown id, reported elsewhere): read as canonical. Errors at the
// scalar's FILE:LINE:COL; nullopt after an error.
std::optional<double> ReadThreshold(YamlReader& r, const YAML::Node& rule, const std::string& path,
                                    const SeriesConfig* series);

// Builds the catalog from c.series and reads + compiles the top-level `derived:` list.
void ReadDerived(YamlReader& r, const YAML::Node& node, const Config& c, RuleSet& rs);
// Reads the expression keys of one rule item into rule.expr (compiling against rs.catalog).
void ReadExprRule(YamlReader& r, const YAML::Node& n, const std::string& path, const RuleSet& rs,
                  RuleConfig& rule);
// How long the first firing alert of rule `r` waits for the rule's other instances to fire, so
// they go out as one message: its `group_wait`, else kStaleRuleGroupWait for a staleness
// rule over several feeds (for_each with late()/age()), else zero (one message per alert).
Duration RuleGroupWait(const RuleConfig& r);

// Compiles every rule written as `series op threshold` into the expression rule
// `series op threshold` at the rule's severity (as `expr:` with `severity:` would be), so that
// every rule of `c` has `expr`. Runs after the references are checked (the series exists).
void CompileThresholdRules(YamlReader& r, Config& c);
// True if the item uses expression keys (expr, warn, crit, clear, for, min_time, repeat,
// for_each).
bool IsExprRule(const YAML::Node& n);

}  // namespace liqwatch::config
