// liqwatch test-rules FILE...: promtool-style rule tests, run through the backtest engine
// (alerts::BuildHistory + alerts::Backtest, exactly what `liqwatch backtest` runs).
//
// A test file (docs/rules.md, "Rule tests"):
//
//   config: ../../config/rules/funding.yaml   # a path (relative to this file) or an inline
//                                             # config as a block mapping
//   tests:
//     - name: october squeeze                 # optional
//       data: ../../data/example              # optional: <series-id>.csv folder (relative)
//       series:                               # optional: inline points, in the series' unit;
//         sofr: [[2025-10-27, 4.27], [2025-10-28, 4.31]]   # null = missing. Replaces data/.
//         iorb: {2025-10-27: 4.15, 2025-10-28: 4.15}       # a date -> value map works too
//       from: 2025-10-20                      # evaluation range (history before it is read)
//       to: 2025-11-07
//       rules: [sofr_above_iorb]              # optional: only these rules' transitions count
//       expect:                               # every transition in the range, no more
//         - {date: 2025-10-28, rule: sofr_above_iorb, transition: inactive -> firing,
//            severity: warning, sent: "2025-10-29 08:00 ET"}   # sent: optional, the replay's
//                                                              # send time (New York)
//         - {date: 2025-11-20, rule: credit_oas_widening, labels: {series: hy_oas},
//            transition: inactive -> firing, severity: warning}   # a for_each instance
//
// Exit status: 0 all tests pass, 1 a test failed (the diff is printed: "-" expected but not
// produced, "+" produced but not expected), 2 a file is malformed (FILE:LINE:COL errors) or its
// config does not load.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "alerts/history_input.h"
#include "alerts/replay.h"
#include "cli/command.h"
#include "config/config.h"
#include "config/desk_units.h"
#include "config/rules_config.h"
#include "config/yaml_reader.h"
#include "core/defaults.h"
#include "core/file.h"
#include "core/log.h"
#include "core/model.h"
#include "core/release.h"
#include "core/time.h"
#include "core/units.h"

namespace liqwatch::cli {

namespace {

namespace fs = std::filesystem;

struct Expected {
  Date date{};
  std::string rule;
  std::string labels;  // sorted by name, as rule instances are; "" without for_each
  AlertState from{}, to{};
  Severity severity{};
  std::optional<std::string> sent;  // "2025-10-31 08:00 ET": the replay's send time, if given
};

struct RawPoint {
  Date date{};
  std::optional<double> value;
};

struct TestCase {
  std::string name;
  config::Position pos;
  std::optional<std::string> data;                      // resolved path
  std::map<std::string, std::vector<RawPoint>> series;  // inline points, declared unit
  Date from{}, to{};
  std::optional<std::vector<std::string>> rules;
  std::vector<Expected> expect;
};

struct TestFile {
  std::optional<config::Config> config;
  std::vector<TestCase> tests;
};

// "k=v,k2=v2" with the pairs sorted, as rule instances sort theirs, so an expectation matches
// whatever order its labels were written in.
std::string SortedLabels(const std::string& labels) {
  Labels pairs = SplitLabels(labels);
  std::sort(pairs.begin(), pairs.end());
  return JoinLabels(pairs);
}

bool SameKey(const Expected& e, const store::Transition& t) {
  return e.date == t.obs_date && e.rule == t.rule && e.labels == t.labels && e.from == t.from &&
         e.to == t.to && e.severity == t.severity &&
         (!e.sent || *e.sent == FormatNewYork(t.eval_time));
}

// An inline `config:` block mapping is loaded from the file's own text with every other line
// blanked and the block dedented, so the loader's FILE:LINE:COL errors point into the test file.
config::LoadResult LoadInlineConfig(const std::string& text, const std::string& file,
                                    const YAML::Node& root, const YAML::Node& node) {
  const int start = node.Mark().line;
  const int indent = node.Mark().column;
  int end = 1 << 30;
  for (const auto& kv : root) {
    int l = kv.first.Mark().line;
    if (l > start) end = std::min(end, l);
  }
  std::istringstream in(text);
  std::string line, out;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i >= start && i < end) {
      size_t strip = 0;
      while (strip < line.size() && int(strip) < indent && line[strip] == ' ') ++strip;
      out += line.substr(strip);
    }
    out += '\n';
  }
  auto result = config::LoadConfigFromString(out, file, config::SecretRefs::kSkip);
  for (auto& e : result.errors)
    if (e.pos.line > start && e.pos.line <= end) e.pos.column += indent;
  return result;
}

std::optional<Date> DateAt(config::YamlReader& r, const YAML::Node& n, const std::string& what) {
  if (!n || !n.IsScalar()) {
    r.Error(n, what + ": expected a date YYYY-MM-DD");
    return std::nullopt;
  }
  auto d = ParseDate(n.Scalar());
  if (!d.ok()) {
    r.Error(n, fmt::format("{}: expected a date YYYY-MM-DD, got '{}'", what, n.Scalar()));
    return std::nullopt;
  }
  return *d;
}

std::optional<std::optional<double>> ValueAt(config::YamlReader& r, const YAML::Node& n,
                                             const std::string& what) {
  if (n.IsNull()) return std::optional<double>();
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    try {
      size_t used = 0;
      double v = std::stod(s, &used);
      if (used == s.size()) return std::optional<double>(v);
    } catch (const std::exception&) {
    }
  }
  r.Error(n, what + ": expected a number or null (missing)");
  return std::nullopt;
}

void ReadSeries(config::YamlReader& r, const YAML::Node& node, const std::string& path,
                const config::Config& c, TestCase& tc) {
  if (!node.IsMap()) {
    r.Error(node, path + ": expected a map of series id -> points");
    return;
  }
  for (const auto& kv : node) {
    std::string id = kv.first.Scalar();
    std::string p = path + "." + id;
    if (c.FindSeries(id) == nullptr) {
      r.Error(kv.first,
              fmt::format("{}: unknown series '{}' (not in the config's series)", path, id));
      continue;
    }
    auto& pts = tc.series[id];
    auto add = [&](const YAML::Node& dn, const YAML::Node& vn) {
      auto d = DateAt(r, dn, p);
      auto v = ValueAt(r, vn, p);
      if (d && v) pts.push_back({*d, *v});
    };
    const YAML::Node& list = kv.second;
    if (list.IsMap()) {
      for (const auto& dv : list) add(dv.first, dv.second);
    } else if (list.IsSequence()) {
      for (const auto& item : list) {
        if (!item.IsSequence() || item.size() != 2) {
          r.Error(item, p + ": expected a [date, value] pair");
          continue;
        }
        add(item[0], item[1]);
      }
    } else {
      r.Error(list, p + ": expected a list of [date, value] pairs or a date -> value map");
    }
    std::stable_sort(pts.begin(), pts.end(),
                     [](const RawPoint& a, const RawPoint& b) { return a.date < b.date; });
    for (size_t i = 1; i < pts.size(); ++i)
      if (pts[i].date == pts[i - 1].date)
        r.Error(list, fmt::format("{}: date {} given twice", p, FormatDate(pts[i].date)));
  }
}

// The rule's place in the config (diff lines of a date sort by it), -1 if unknown.
int RuleIndex(const config::Config& c, const std::string& name) {
  for (size_t i = 0; i < c.rules.size(); ++i)
    if (c.rules[i].name == name) return int(i);
  return -1;
}

bool KnownRule(const config::Config& c, const std::string& name) { return RuleIndex(c, name) >= 0; }

// An expectation's `date:`; false (after an error) when missing or not a date.
bool ReadExpectDate(config::YamlReader& r, const YAML::Node& n, const std::string& p, Expected& e) {
  if (!r.Has(n, "date", p, true)) return false;
  auto d = DateAt(r, n["date"], p + ".date");
  if (!d) return false;
  e.date = *d;
  return true;
}

// An expectation's `rule:`, a rule of the config; false when missing (reported by the reader)
// or unknown.
bool ReadExpectRule(config::YamlReader& r, const YAML::Node& n, const std::string& p,
                    const config::Config& c, Expected& e) {
  auto rule = r.String(n, "rule", p, true);
  if (!rule) return false;
  if (!KnownRule(c, *rule)) {
    r.Error(n["rule"], fmt::format("{}.rule: unknown rule '{}'", p, *rule));
    return false;
  }
  e.rule = *rule;
  return true;
}

// An expectation's optional `labels:`: {series: hy_oas} as for_each writes an item, or the text
// form "series=hy_oas". False (after an error) when it is neither.
bool ReadExpectLabels(config::YamlReader& r, const YAML::Node& n, const std::string& p,
                      Expected& e) {
  const YAML::Node labels = n["labels"];
  if (!labels) return true;
  if (labels.IsMap()) {
    Labels pairs;
    for (const auto& kv : labels)
      pairs.emplace_back(kv.first.as<std::string>(""), kv.second.as<std::string>(""));
    e.labels = SortedLabels(JoinLabels(pairs));
  } else if (labels.IsScalar()) {
    e.labels = SortedLabels(labels.Scalar());
  } else {
    r.Error(labels, fmt::format("{}.labels: expected a map of label to value", p));
    return false;
  }
  return true;
}

// `s` without leading and trailing spaces (spaces only, as around the "->" of a transition).
std::string TrimSpaces(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

// An expectation's `transition: FROM -> TO`; false when missing (reported by the reader) or not
// two state names around "->".
bool ReadExpectTransition(config::YamlReader& r, const YAML::Node& n, const std::string& p,
                          Expected& e) {
  auto tr = r.String(n, "transition", p, true);
  if (!tr) return false;
  auto arrow = tr->find("->");
  std::optional<AlertState> from, to;
  if (arrow != std::string::npos) {
    from = ParseAlertState(TrimSpaces(tr->substr(0, arrow)));
    to = ParseAlertState(TrimSpaces(tr->substr(arrow + 2)));
  }
  if (!from || !to) {
    r.Error(n["transition"], fmt::format("{}.transition: expected 'FROM -> TO' with states "
                                         "inactive, pending, firing, resolved, no_data; got '{}'",
                                         p, *tr));
    return false;
  }
  e.from = *from;
  e.to = *to;
  return true;
}

// An expectation's `severity:`; false when missing (reported by the reader) or not a severity.
bool ReadExpectSeverity(config::YamlReader& r, const YAML::Node& n, const std::string& p,
                        Expected& e) {
  auto sev = r.String(n, "severity", p, true);
  if (!sev) return false;
  auto s = ParseSeverity(*sev);
  if (!s) {
    r.Error(n["severity"],
            fmt::format("{}.severity: expected info, warning or critical, got '{}'", p, *sev));
    return false;
  }
  e.severity = *s;
  return true;
}

// One item of `expect:`; nullopt after reporting its problems. Every field is read (no early
// return), so one item's errors all show at once.
std::optional<Expected> ReadExpected(config::YamlReader& r, const YAML::Node& n,
                                     const std::string& p, const config::Config& c) {
  Expected e;
  const bool date = ReadExpectDate(r, n, p, e);
  e.sent = r.String(n, "sent", p, false);
  const bool rule = ReadExpectRule(r, n, p, c, e);
  const bool labels = ReadExpectLabels(r, n, p, e);
  const bool transition = ReadExpectTransition(r, n, p, e);
  const bool severity = ReadExpectSeverity(r, n, p, e);
  if (!date || !rule || !labels || !transition || !severity) return std::nullopt;
  return e;
}

void ReadExpect(config::YamlReader& r, const YAML::Node& node, const std::string& path,
                const config::Config& c, TestCase& tc) {
  if (!node.IsSequence()) {
    r.Error(node, path + ": expected a list of transitions (or [])");
    return;
  }
  int i = 0;
  for (const auto& n : node) {
    std::string p = fmt::format("{}[{}]", path, i++);
    if (!r.CheckMap(n, p, {"date", "sent", "rule", "labels", "transition", "severity"})) continue;
    if (auto e = ReadExpected(r, n, p, c)) tc.expect.push_back(std::move(*e));
  }
}

// A path written in a test file: relative to the file's folder unless absolute.
std::string ResolvePath(const fs::path& dir, const std::string& p) {
  return fs::path(p).is_absolute() || dir.empty() ? p : (dir / p).string();
}

// The file's `config:`, a path or an inline block mapping; nullopt after adding its problems to
// `errors` (the reader's, or the config loader's).
std::optional<config::Config> ReadTestConfig(config::YamlReader& r,
                                             std::vector<config::ConfigError>& errors,
                                             const std::string& text, const YAML::Node& root,
                                             const fs::path& dir) {
  const YAML::Node cfg = root["config"];
  config::LoadResult loaded;
  if (cfg.IsScalar()) {
    std::string path = ResolvePath(dir, cfg.Scalar());
    if (!fs::is_regular_file(path)) {
      r.Error(cfg, fmt::format("config: cannot read '{}'", path));
      return std::nullopt;
    }
    loaded = config::LoadConfig(path, config::SecretRefs::kSkip);
  } else if (cfg.IsMap() && cfg.Style() == YAML::EmitterStyle::Block) {
    loaded = LoadInlineConfig(text, r.file(), root, cfg);
  } else {
    r.Error(cfg, "config: expected a path or an inline config (a block mapping)");
    return std::nullopt;
  }
  if (!loaded.config) errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
  return std::move(loaded.config);
}

// One item of `tests:` (already checked to be a map with known keys). Problems go to the
// reader; the case is returned either way.
TestCase ReadTestCase(config::YamlReader& r, const YAML::Node& n, const std::string& path,
                      const config::Config& c, const fs::path& dir) {
  TestCase tc;
  tc.pos = config::YamlReader::PositionOf(n);
  tc.name = r.String(n, "name", path, false).value_or(path);
  if (auto d = r.String(n, "data", path, false)) {
    tc.data = ResolvePath(dir, *d);
    if (!fs::is_directory(*tc.data))
      r.Error(n["data"], fmt::format("{}.data: '{}' is not a folder", path, *tc.data));
  }
  if (r.Has(n, "series", path, false)) ReadSeries(r, n["series"], path + ".series", c, tc);
  if (r.Has(n, "from", path, true)) {
    if (auto d = DateAt(r, n["from"], path + ".from")) tc.from = *d;
  }
  if (r.Has(n, "to", path, true)) {
    if (auto d = DateAt(r, n["to"], path + ".to")) tc.to = *d;
  }
  if (tc.to < tc.from) r.Error(n["to"], path + ".to: before from");
  if (auto names = r.StringList(n, "rules", path, false)) {
    for (const auto& name : *names)
      if (!KnownRule(c, name))
        r.Error(n["rules"], fmt::format("{}.rules: unknown rule '{}'", path, name));
    tc.rules = *names;
  }
  if (r.Has(n, "expect", path, true)) ReadExpect(r, n["expect"], path + ".expect", c, tc);
  if (tc.rules) {
    for (const auto& e : tc.expect)
      if (std::find(tc.rules->begin(), tc.rules->end(), e.rule) == tc.rules->end())
        r.Error(n["expect"],
                fmt::format("{}.expect: rule '{}' is not in {}.rules", path, e.rule, path));
  }
  return tc;
}

// Parses a test file; on any problem returns nullopt with `errors` filled.
std::optional<TestFile> ReadTestFile(const std::string& file,
                                     std::vector<config::ConfigError>& errors) {
  // Same limits as a config file: a regular file of at most 1 MiB (not /dev/zero, not a FIFO).
  auto content = ReadSmallFile(file, config::defaults::kMaxConfigBytes);
  config::YamlReader r(file, &errors);
  if (!content.ok()) {
    errors.push_back({file, {}, "test file " + content.status().message()});
    return std::nullopt;
  }
  const std::string& text = *content;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    r.ErrorAt({e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (!r.CheckMap(root, "top level", {"config", "tests"})) return std::nullopt;
  if (!r.Has(root, "config", "top level", true) || !r.Has(root, "tests", "top level", true))
    return std::nullopt;
  const fs::path dir = fs::path(file).parent_path();
  std::optional<config::Config> loaded = ReadTestConfig(r, errors, text, root, dir);
  if (!loaded) return std::nullopt;
  const YAML::Node tests = root["tests"];
  if (!tests.IsSequence() || tests.size() == 0) {
    r.Error(tests, "tests: expected a non-empty list");
    return std::nullopt;
  }
  TestFile tf;
  int i = 0;
  for (const auto& n : tests) {
    std::string path = fmt::format("tests[{}]", i++);
    if (!r.CheckMap(n, path, {"name", "data", "series", "from", "to", "rules", "expect"})) continue;
    tf.tests.push_back(ReadTestCase(r, n, path, *loaded, dir));
  }
  if (!errors.empty()) return std::nullopt;
  tf.config = std::move(loaded);
  return tf;
}

std::string Row(char tag, const Date& date, const std::string& rule, AlertState from, AlertState to,
                Severity sev, const std::string& extra) {
  std::string s = fmt::format("  {} {}  {:<24} {:<22} {:<9}", tag, FormatDate(date), rule,
                              fmt::format("{} -> {}", AlertStateName(from), AlertStateName(to)),
                              SeverityName(sev));
  if (!extra.empty()) s += "  " + extra;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The case's input: its data/ folder, then its inline `series:` (each replaces that series'
// points, converted to the canonical unit). False after printing why the folder does not load.
bool LoadCaseData(const std::string& file, const config::Config& c, const TestCase& tc,
                  alerts::FetchedHistory& data) {
  if (tc.data) {
    std::vector<std::string> missing;  // inline `series:` may supply them
    Status st = alerts::LoadDataDir(c, *tc.data, data, missing);
    if (!st.ok()) {
      std::fprintf(stderr, "%s:%d:%d: test '%s': %s\n", file.c_str(), tc.pos.line, tc.pos.column,
                   tc.name.c_str(), st.message().c_str());
      return false;
    }
  }
  for (const auto& [id, raw] : tc.series) {
    auto& pts = data[id];
    pts.clear();
    Unit unit = c.FindSeries(id)->unit;
    for (const auto& p : raw)
      if (p.value) pts.push_back({p.date, ToCanonical(*p.value, unit)});
  }
  return true;
}

// The backtest's transitions over the case's range, only those of its `rules:` when given.
std::vector<store::Transition> CaseTransitions(const config::Config& c, const TestCase& tc,
                                               const alerts::FetchedHistory& data) {
  auto history = alerts::BuildHistory(*c.rule_set, c, data);
  auto all = alerts::Backtest(c, history, tc.from, tc.to);
  std::vector<store::Transition> got;
  for (auto& t : all)
    if (!tc.rules || std::find(tc.rules->begin(), tc.rules->end(), t.rule) != tc.rules->end())
      got.push_back(std::move(t));
  return got;
}

// Expected transitions paired with produced ones, each produced one used at most once, in
// expectation order.
struct CaseMatch {
  std::vector<bool> used;   // per produced transition: matched an expectation
  std::vector<bool> found;  // per expectation: matched a produced transition
  size_t missing = 0;       // expectations not produced
  size_t unexpected = 0;    // produced transitions not expected
};

CaseMatch MatchExpected(const std::vector<Expected>& expect,
                        const std::vector<store::Transition>& got) {
  CaseMatch m;
  m.used.assign(got.size(), false);
  m.found.assign(expect.size(), false);
  for (size_t e = 0; e < expect.size(); ++e)
    for (size_t g = 0; g < got.size(); ++g)
      if (!m.used[g] && SameKey(expect[e], got[g])) {
        m.used[g] = m.found[e] = true;
        break;
      }
  m.missing = size_t(std::count(m.found.begin(), m.found.end(), false));
  m.unexpected = size_t(std::count(m.used.begin(), m.used.end(), false));
  return m;
}

// What a "+" line adds after the severity: the value as the messages write it (1bp), then the
// condition part of the message.
std::string UnexpectedDetail(const config::Config& c, const config::DeskUnits& desk,
                             const store::Transition& t) {
  std::string extra = t.value ? desk.AlertValue(t.rule, t.series, *t.value) : "no value";
  // The engine appends ": " and the rule's description to the condition (the condition itself
  // may hold ": ", as in a NoData reason).
  std::string_view condition = t.message;
  int r = RuleIndex(c, t.rule);
  if (r >= 0 && !c.rules[size_t(r)].description.empty()) {
    std::string suffix = ": " + c.rules[size_t(r)].description;
    if (condition.ends_with(suffix)) condition.remove_suffix(suffix.size());
  }
  if (!condition.empty()) extra += "  " + std::string(condition);
  return extra;
}

// The diff of a failed case: every produced transition (" " matched, "+" unexpected) and every
// missing expectation ("-"), by date, then the rule's place in the config (ties keep produced
// before missing, each in its own order).
std::vector<std::string> DiffLines(const config::Config& c, const TestCase& tc,
                                   const std::vector<store::Transition>& got, const CaseMatch& m) {
  struct Line {
    Date date;
    int rule;
    int order;
    std::string text;
  };
  std::vector<Line> lines;
  int order = 0;
  const auto desk = config::DeskUnits::Build(c);
  for (size_t g = 0; g < got.size(); ++g) {
    const auto& t = got[g];
    std::string extra = m.used[g] ? "" : UnexpectedDetail(c, desk, t);
    lines.push_back({t.obs_date, RuleIndex(c, t.rule), order++,
                     Row(m.used[g] ? ' ' : '+', t.obs_date, InstanceName(t.rule, t.labels), t.from,
                         t.to, t.severity, extra)});
  }
  for (size_t e = 0; e < tc.expect.size(); ++e) {
    if (m.found[e]) continue;
    const auto& x = tc.expect[e];
    lines.push_back(
        {x.date, RuleIndex(c, x.rule), order++,
         Row('-', x.date, InstanceName(x.rule, x.labels), x.from, x.to, x.severity, "")});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return std::tie(a.date, a.rule) < std::tie(b.date, b.rule);
  });
  std::vector<std::string> texts;
  for (auto& l : lines) texts.push_back(std::move(l.text));
  return texts;
}

// Runs one test case; prints its diff on failure. Returns 0 (pass), 1 (fail) or 2 (bad data).
int RunCase(const std::string& file, const config::Config& c, const TestCase& tc) {
  alerts::FetchedHistory data;
  if (!LoadCaseData(file, c, tc, data)) return 2;
  const std::vector<store::Transition> got = CaseTransitions(c, tc, data);
  const CaseMatch m = MatchExpected(tc.expect, got);
  if (m.missing == 0 && m.unexpected == 0) return 0;
  const std::vector<std::string> diff = DiffLines(c, tc, got, m);
  std::printf(
      "%s:%d:%d: FAIL: test '%s' (%s..%s): %zu expected transition%s missing (-), %zu "
      "unexpected (+)\n",
      file.c_str(), tc.pos.line, tc.pos.column, tc.name.c_str(), FormatDate(tc.from).c_str(),
      FormatDate(tc.to).c_str(), m.missing, m.missing == 1 ? "" : "s", m.unexpected);
  for (const auto& line : diff) std::printf("%s\n", line.c_str());
  return 1;
}

struct TestRulesArgs {
  std::vector<std::string> files;
};

int RunTestRules(const TestRulesArgs& a) {
  int worst = 0;
  for (const auto& file : a.files) {
    std::vector<config::ConfigError> errors;
    auto tf = ReadTestFile(file, errors);
    if (!tf) {
      for (const auto& e : errors) std::fprintf(stderr, "%s\n", ScrubSecrets(e.ToString()).c_str());
      worst = 2;
      continue;
    }
    int failed = 0, bad = 0;
    for (const auto& tc : tf->tests) {
      int rc = RunCase(file, *tf->config, tc);
      failed += rc == 1;
      bad += rc == 2;
    }
    if (bad)
      worst = 2;
    else if (failed && worst == 0)
      worst = 1;
    std::printf("%s: %zu test%s, %d failed%s\n", file.c_str(), tf->tests.size(),
                tf->tests.size() == 1 ? "" : "s", failed, bad ? ", some could not run" : "");
  }
  if (worst == 0) std::printf("PASS\n");
  return worst;
}

}  // namespace

void RegisterTestRules(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<TestRulesArgs>();
  auto cmd = Command::Add(
      app, "test-rules",
      "Run rule test files (input series + expected transitions, in the spirit of promtool's "
      "rule tests) through the backtest engine. Exit 0: all pass; 1: a test failed (diff "
      "printed); 2: a malformed file. Format: docs/rules.md.");
  cmd->app().add_option("files", args->files, "Rule test files (YAML)")->required();
  cmd->Run(run, [args](Command&) { return RunTestRules(*args); });
}

}  // namespace liqwatch::cli
