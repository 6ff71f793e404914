// liqwatch backtest: replay history through the rule engine (every rule); sends nothing.
#include <cstdio>
#include <map>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/json.hpp>

#include "alerts/history_input.h"
#include "alerts/replay.h"
#include "cli/command.h"
#include "cli/output.h"
#include "config/config.h"
#include "config/desk_units.h"
#include "config/rules_config.h"
#include "core/json.h"
#include "core/log.h"
#include "core/release.h"
#include "core/units.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

struct BacktestArgs {
  std::string from, to;
  std::optional<std::string> data;
  bool strict = false;   // a series file a rule needs is missing: exit 2
  bool summary = false;  // alerts per rule per month instead of the transitions
};

// "firing -> firing (escalated)": the kind is shown where the states do not name it
// (escalated, deescalated, reminder).
std::string TransitionText(const store::Transition& t) {
  std::string_view to = AlertStateName(t.to);
  std::string out = fmt::format("{} -> {}", AlertStateName(t.from), to);
  if (t.kind != to) out += fmt::format(" ({})", t.kind);
  return out;
}

// A missing series file blinds the rules that read it: said on stderr, an error under --strict.
// Returns false when the replay must not run.
bool ReportMissing(const config::Config& c, const std::string& dir,
                   const std::vector<std::string>& missing, bool strict) {
  bool blinded = false;
  for (const auto& id : missing) {
    auto rules = alerts::RulesReading(c, id);
    if (rules.empty()) continue;  // nothing reads it: nothing is lost
    blinded = true;
    std::fprintf(
        stderr, "liqwatch backtest: %s: no %s/%s.csv: %s %s no data\n",
        strict ? "error" : "warning", dir.c_str(), id.c_str(), rules.size() == 1 ? "rule" : "rules",
        fmt::format("{} {}", fmt::join(rules, ", "), rules.size() == 1 ? "sees" : "see").c_str());
  }
  return !(strict && blinded);
}

// The transitions of the replay, or the exit code when it cannot run.
std::variant<std::vector<store::Transition>, int> Replay(const Command& cmd,
                                                         const config::Config& c,
                                                         const BacktestArgs& a, Date from,
                                                         Date to) {
  if (a.data) {
    alerts::FetchedHistory data;
    std::vector<std::string> missing;
    Status st = alerts::LoadDataDir(c, *a.data, data, missing);
    if (!st.ok()) return cmd.Usage(st.message());
    if (!ReportMissing(c, *a.data, missing, a.strict)) return kExitUsage;
    auto history = alerts::BuildHistory(*c.rule_set, c, data);
    return alerts::Backtest(c, history, from, to);
  }
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly, &c);
  if (!store.ok()) return cmd.Fail(store.status());
  // Values as known on each date: revisions seen after it are rolled back.
  auto known = alerts::KnownHistory::Load(**store, c);
  if (!known.ok()) return cmd.Fail(known.status());
  return alerts::BacktestAsKnown(c, *known, from, to);
}

void PrintJson(const std::vector<store::Transition>& transitions) {
  boost::json::array arr;
  for (const auto& t : transitions) {
    boost::json::object o;
    o["date"] = FormatDate(t.obs_date);
    o["sent_at"] = FormatTime(t.eval_time);     // UTC, RFC 3339
    o["sent_et"] = FormatNewYork(t.eval_time);  // "2025-10-31 08:00 ET"
    o["rule"] = t.rule;
    o["labels"] = t.labels;
    o["kind"] = t.kind;
    o["from"] = std::string(AlertStateName(t.from));
    o["to"] = std::string(AlertStateName(t.to));
    o["severity"] = std::string(SeverityName(t.severity));
    o["series"] = t.series;
    if (t.value)
      o["value"] = *t.value;
    else
      o["value"] = nullptr;
    o["message"] = t.message;
    arr.push_back(std::move(o));
  }
  std::printf("%s\n", WriteJson(arr).c_str());
}

void PrintTable(const config::Config& c, const std::vector<store::Transition>& transitions,
                const BacktestArgs& a) {
  const auto desk = config::DeskUnits::Build(c);  // VALUE as the message writes it: 16bp
  auto value_text = [&](const store::Transition& t) -> std::string {
    return t.value ? desk.AlertValue(t.rule, t.series, *t.value) : "";
  };
  Table table;
  table.header = {"DATE", "SENT (ET)", "RULE", "TRANSITION", "SEVERITY", "VALUE", "MESSAGE"};
  for (const auto& t : transitions) {
    // SENT: when the alert would have gone out (the last input's release time), New York.
    std::string sent = FormatNewYork(t.eval_time);
    if (sent.size() > 3 && sent.ends_with(" ET")) sent.resize(sent.size() - 3);
    table.rows.push_back({FormatDate(t.obs_date), sent, InstanceName(t.rule, t.labels),
                          TransitionText(t), std::string(SeverityName(t.severity)), value_text(t),
                          t.message});
  }
  std::printf("%s", RenderTable(table, 90).c_str());
  std::printf("%zu transitions, %s..%s\n", transitions.size(), a.from.c_str(), a.to.c_str());
}

// --summary: alerts opened (a transition into firing from another state) per rule and month,
// every rule of the config listed, so a quiet rule shows as zeros and a noisy one stands out.
void PrintSummary(const config::Config& c, const std::vector<store::Transition>& transitions,
                  Date from, Date to, Format format) {
  std::vector<std::string> months;
  for (Date d = from; d <= to;) {
    months.push_back(FormatDate(d).substr(0, 7));
    const auto ymd = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(d)};
    d = std::chrono::sys_days{(ymd.year() / ymd.month() + std::chrono::months{1}) / 1};
  }
  std::map<std::string, std::map<std::string, int>> opened;  // rule -> month -> alerts
  for (const auto& t : transitions)
    if (t.to == AlertState::kFiring && t.from != AlertState::kFiring)
      ++opened[t.rule][FormatDate(t.obs_date).substr(0, 7)];
  if (format == Format::kJson) {
    boost::json::array rules;
    for (const auto& rule : c.rules) {
      boost::json::object per_month;
      int total = 0;
      for (const auto& m : months) {
        const int n = opened[rule.name][m];
        per_month[m] = n;
        total += n;
      }
      rules.push_back({{"rule", rule.name}, {"alerts", std::move(per_month)}, {"total", total}});
    }
    boost::json::object out{
        {"from", FormatDate(from)}, {"to", FormatDate(to)}, {"rules", std::move(rules)}};
    std::printf("%s\n", WriteJson(out).c_str());
    return;
  }
  Table table;
  table.header = {"RULE"};
  table.header.insert(table.header.end(), months.begin(), months.end());
  table.header.push_back("TOTAL");
  int all = 0;
  for (const auto& rule : c.rules) {
    std::vector<std::string> row{rule.name};
    int total = 0;
    for (const auto& m : months) {
      const int n = opened[rule.name][m];
      row.push_back(std::to_string(n));
      total += n;
    }
    row.push_back(std::to_string(total));
    all += total;
    table.rows.push_back(std::move(row));
  }
  std::printf("%s", RenderTable(table).c_str());
  std::printf("%d alerts opened by %zu rules, %s..%s\n", all, c.rules.size(),
              FormatDate(from).c_str(), FormatDate(to).c_str());
}

int RunBacktest(Command& cmd, const BacktestArgs& a) {
  const Format format = cmd.format();
  auto loaded = cmd.LoadConfig(config::SecretRefs::kSkip);
  if (!loaded) return kExitUsage;
  const config::Config& c = *loaded;
  auto from = ParseDate(a.from);
  auto to = ParseDate(a.to);
  if (!from.ok() || !to.ok()) return cmd.Usage("--from/--to must be YYYY-MM-DD");
  if (*from > *to)
    return cmd.Usage(fmt::format("--from {} is after --to {} (a reversed range)", a.from, a.to));
  auto replay = Replay(cmd, c, a, *from, *to);
  if (const int* code = std::get_if<int>(&replay)) return *code;
  const auto& transitions = std::get<std::vector<store::Transition>>(replay);
  if (a.summary)
    PrintSummary(c, transitions, *from, *to, format);
  else if (format == Format::kJson)
    PrintJson(transitions);
  else
    PrintTable(c, transitions, a);
  return 0;
}

}  // namespace

void RegisterBacktest(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<BacktestArgs>();
  auto cmd = Command::Add(
      app, "backtest",
      "Replay history through the rules and print the timeline of transitions (sends nothing). "
      "Each observation becomes known at its release time (the series' release calendar), so "
      "SENT (ET) is when the alert would have gone out, and a rule over several series waits "
      "for each input's print for the date. History comes from --data DIR (<series-id>.csv "
      "files with header date,value) or from the database.");
  cmd->WithConfig(Command::ConfigFile::kRequired);
  auto& a = cmd->app();
  a.add_option("--from", args->from, "First observation date (YYYY-MM-DD)")->required();
  a.add_option("--to", args->to, "Last observation date (YYYY-MM-DD)")->required();
  a.add_option("--data", args->data, "Folder of <series-id>.csv files");
  cmd->WithDbOverride("SQLite database (default: storage.path of the config)");
  cmd->WithFormat(Command::kTableOrJson);
  a.add_flag("--strict", args->strict,
             "With --data: a missing <series-id>.csv that a rule reads is an error (exit 2), "
             "not a warning");
  a.add_flag("--summary", args->summary,
             "Print alerts opened per rule per month (every rule listed) instead of the "
             "transitions");
  cmd->Run(run, [args](Command& c) { return RunBacktest(c, *args); });
}

}  // namespace liqwatch::cli
