// liqwatch backtest: replay history through the expression-rule engine; sends nothing.
#include <cstdio>
#include <map>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "alerts/history_input.h"
#include "alerts/replay.h"
#include "cli/commands.h"
#include "cli/load_config.h"
#include "cli/output.h"
#include "config/config.h"
#include "config/rules_config.h"
#include "core/log.h"
#include "core/units.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

struct BacktestArgs {
  std::string config, from, to, format = "table";
  std::optional<std::string> data, db;
};

// "firing -> firing (escalated)": the kind is shown where the states do not name it
// (escalated, deescalated, reminder).
std::string TransitionText(const store::Transition& t) {
  std::string_view to = AlertStateName(t.to);
  std::string out = fmt::format("{} -> {}", AlertStateName(t.from), to);
  if (t.kind != to) out += fmt::format(" ({})", t.kind);
  return out;
}

int RunBacktest(const BacktestArgs& a) {
  auto loaded = LoadConfigOrReport(a.config, config::SecretRefs::kSkip);
  if (!loaded) return 2;
  const config::Config& c = *loaded;
  auto from = ParseDate(a.from);
  auto to = ParseDate(a.to);
  Format format;
  if (!from.ok() || !to.ok() || !ParseFormat(a.format, format) || format == Format::kCsv) {
    std::fprintf(stderr,
                 "liqwatch backtest: --from/--to must be YYYY-MM-DD and --format table "
                 "or json\n");
    return 2;
  }
  std::vector<store::Transition> transitions;
  if (a.data) {
    alerts::FetchedHistory data;
    Status st = alerts::LoadDataDir(c, *a.data, data);
    if (!st.ok()) {
      std::fprintf(stderr, "liqwatch backtest: %s\n", st.message().c_str());
      return 2;
    }
    auto history = alerts::BuildHistory(*c.rule_set, c, data);
    transitions = alerts::Backtest(c, history, *from, *to);
  } else {
    auto store = store::Store::Open(a.db.value_or(c.storage_path), store::Store::Mode::kReadOnly);
    if (!store.ok()) {
      std::fprintf(stderr, "liqwatch backtest: %s\n", store.status().message().c_str());
      return 1;
    }
    // Values as known on each date: revisions seen after it are rolled back.
    auto known = alerts::KnownHistory::Load(**store, c);
    if (!known.ok()) {
      std::fprintf(stderr, "liqwatch backtest: %s\n", known.status().message().c_str());
      return 1;
    }
    transitions = alerts::BacktestAsKnown(c, *known, *from, *to);
  }
  auto value_text = [&](const store::Transition& t) -> std::string {
    if (!t.value) return "";
    auto idx = c.rule_set->catalog.Find(t.series);
    Dimension dim = idx ? c.rule_set->catalog.spec(*idx).dimension : Dimension::kIndex;
    return FormatValue(*t.value, dim);
  };
  if (format == Format::kJson) {
    boost::json::array arr;
    for (const auto& t : transitions) {
      boost::json::object o;
      o["date"] = FormatDate(t.obs_date);
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
    std::printf("%s\n", boost::json::serialize(arr).c_str());
    return 0;
  }
  Table table;
  table.header = {"DATE", "RULE", "TRANSITION", "SEVERITY", "VALUE", "MESSAGE"};
  for (const auto& t : transitions) {
    table.rows.push_back({FormatDate(t.obs_date), InstanceName(t.rule, t.labels), TransitionText(t),
                          std::string(SeverityName(t.severity)), value_text(t), t.message});
  }
  std::printf("%s", RenderTable(table, 90).c_str());
  std::printf("%zu transitions, %s..%s\n", transitions.size(), a.from.c_str(), a.to.c_str());
  return 0;
}

}  // namespace

void RegisterBacktest(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<BacktestArgs>();
  auto* cmd = app.add_subcommand(
      "backtest",
      "Replay history through the rules (observation-date order; sends nothing) and print the "
      "timeline of transitions. History comes from --data DIR (<series-id>.csv files with "
      "header date,value) or from the database.");
  cmd->add_option("--config,-c", args->config, "Config file (YAML)")->required();
  cmd->add_option("--from", args->from, "First observation date (YYYY-MM-DD)")->required();
  cmd->add_option("--to", args->to, "Last observation date (YYYY-MM-DD)")->required();
  cmd->add_option("--data", args->data, "Folder of <series-id>.csv files");
  cmd->add_option("--db", args->db, "SQLite database (default: storage.path of the config)");
  cmd->add_option("--format", args->format, "table or json");
  cmd->callback([&run, args] { run = [args] { return RunBacktest(*args); }; });
}

}  // namespace liqwatch::cli
