#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/units.h"
#include "store/alert_json.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

struct AlertsArgs {
  std::string db = "/var/lib/liqwatch/liqwatch.db";
  std::optional<std::string> since, until, rule, state, severity, series, text;
  int limit = 100;
  std::string format = "table";
};

int RunAlerts(const AlertsArgs& args) {
  Format format;
  if (!ParseFormat(args.format, format)) {
    std::fprintf(stderr, "liqwatch alerts: unknown --format '%s', expected table, json or csv\n",
                 args.format.c_str());
    return 2;
  }
  store::AlertQuery q;
  const TimePoint now = Clock::now();
  for (auto [text, target] : {std::pair{&args.since, &q.since}, std::pair{&args.until, &q.until}}) {
    if (!*text) continue;
    auto t = ParseSince(**text, now);
    if (!t.ok()) {
      std::fprintf(stderr, "liqwatch alerts: %s\n", t.status().message().c_str());
      return 2;
    }
    *target = *t;
  }
  if (args.limit <= 0) {
    std::fprintf(stderr, "liqwatch alerts: --limit must be a positive number\n");
    return 2;
  }
  q.rule = args.rule;
  q.state = args.state;
  q.severity = args.severity;
  q.series = args.series;
  q.text = args.text;
  q.limit = args.limit;
  auto store = store::Store::Open(args.db, store::Store::Mode::kReadOnly);
  if (!store.ok()) {
    std::fprintf(stderr, "liqwatch alerts: %s\n", store.status().message().c_str());
    return 1;
  }
  auto rows = (*store)->QueryAlerts(q);
  if (!rows.ok()) {
    std::fprintf(stderr, "liqwatch alerts: %s\n", rows.status().message().c_str());
    return 1;
  }
  if (format == Format::kJson) {
    boost::json::array arr;
    for (const auto& a : *rows) arr.push_back(store::AlertJson(a));
    std::printf("%s\n", boost::json::serialize(arr).c_str());
    return 0;
  }
  Table t;
  t.header = {"ID", "OPENED", "RULE", "SEV", "STATE", "OBS DATE", "VALUE", "DELIVERY"};
  if (format == Format::kCsv)
    t.header = {"id",
                "opened_at",
                "rule",
                "severity",
                "state",
                "first_observation_date",
                "last_observation_date",
                "value",
                "threshold",
                "resolved_at",
                "message",
                "labels"};
  for (const auto& a : *rows) {
    auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : ""; };
    if (format == Format::kCsv) {
      t.rows.push_back({std::to_string(a.id), a.opened_at, a.rule, a.severity, a.state,
                        a.first_obs_date, a.last_obs_date, num(a.value), num(a.threshold),
                        a.resolved_at.value_or(""), a.message, a.labels});
    } else {
      std::string delivery = a.deliveries_dead > 0 ? fmt::format("{} dead", a.deliveries_dead)
                             : a.deliveries_pending > 0
                                 ? fmt::format("{} pending", a.deliveries_pending)
                                 : fmt::format("{} sent", a.deliveries_delivered);
      t.rows.push_back({std::to_string(a.id), a.opened_at.substr(0, 16),
                        InstanceName(a.rule, a.labels), a.severity, a.state, a.last_obs_date,
                        num(a.value), delivery});
    }
  }
  std::fputs(format == Format::kCsv ? RenderCsv(t).c_str() : RenderTable(t, 40).c_str(), stdout);
  if (format == Format::kTable && rows->empty()) std::printf("(no alerts)\n");
  return 0;
}

}  // namespace

void RegisterAlerts(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<AlertsArgs>();
  auto* cmd = app.add_subcommand(
      "alerts", "List alerts from the database, newest first. Safe while the daemon runs.");
  cmd->add_option("--db", args->db, "SQLite database path")->capture_default_str();
  cmd->add_option("--since", args->since, "Opened at or after: YYYY-MM-DD or a duration (7d)");
  cmd->add_option("--until", args->until, "Opened before: YYYY-MM-DD or a duration");
  cmd->add_option("--rule", args->rule, "Only this rule");
  cmd->add_option("--state", args->state, "firing or resolved")
      ->check(CLI::IsMember({"firing", "resolved"}));
  cmd->add_option("--severity", args->severity, "info, warning or critical")
      ->check(CLI::IsMember({"info", "warning", "critical"}));
  cmd->add_option("--series", args->series, "Only alerts on this series");
  cmd->add_option("--text", args->text, "Message contains this text (case-insensitive)");
  cmd->add_option("--limit", args->limit, "At most this many alerts")->capture_default_str();
  cmd->add_option("--format", args->format, "table, json or csv")->capture_default_str();
  cmd->callback([&run, args, cmd] {
    if (!cmd->get_subcommands().empty()) return;  // `alerts show ID` (cli/ops_cmd.cpp)
    run = [args] { return RunAlerts(*args); };
  });
}

}  // namespace liqwatch::cli
