#include <climits>
#include <cstdio>
#include <map>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/output.h"
#include "core/json.h"
#include "core/units.h"
#include "store/alert_filter.h"
#include "store/alert_json.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

// The filters as typed, by name (store/alert_filter.h parses them, as for the API).
using AlertFilters = std::map<std::string, std::string>;

int RunAlerts(Command& cmd, const AlertFilters& filters) {
  const Format format = cmd.format();
  auto q = store::ParseAlertFilter(filters, Clock::now(), "--", /*max_limit=*/0);
  if (!q.ok()) return cmd.Usage(q.status().message());
  config::DeskUnits desk;  // VALUE as the alert's message writes it ("22bp"), with --config
  if (!cmd.LoadDeskUnits(desk)) return kExitUsage;
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly);
  if (!store.ok()) return cmd.Fail(store.status());
  const int limit = q->limit;
  if (limit < INT_MAX) ++q->limit;  // one more than asked tells whether a next page exists
  auto rows = (*store)->QueryAlerts(*q);
  if (!rows.ok()) return cmd.Fail(rows.status());
  std::string next;
  if (static_cast<int>(rows->size()) > limit) {
    rows->pop_back();
    next = store::FormatAlertCursor(rows->back());
  }
  if (format == Format::kJson) {
    boost::json::array arr;
    for (const auto& a : *rows) arr.push_back(store::AlertJson(a));
    std::printf("%s\n", WriteJson(arr).c_str());
    return 0;
  }
  Table t;
  t.header = {"ID", "OPENED", "RULE", "SEV", "STATE", "OBS DATE", "VALUE", "DELIVERY"};
  if (format == Format::kCsv) t.header = store::AlertCsvHeader();
  for (const auto& a : *rows) {
    auto num = [&](const std::optional<double>& v) {
      return v ? desk.AlertValue(a.rule, a.series, *v) : "";
    };
    if (format == Format::kCsv) {
      t.rows.push_back(store::AlertCsvCells(a));
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
  // On stderr, so JSON and CSV on stdout stay one document.
  if (!next.empty()) std::fprintf(stderr, "more: --cursor %s\n", next.c_str());
  return 0;
}

}  // namespace

void RegisterAlerts(CLI::App& app, CommandFn& run) {
  auto filters = std::make_shared<AlertFilters>();
  auto cmd = Command::Add(app, "alerts",
                          "List alerts from the database, newest first. Safe while the daemon "
                          "runs.");
  cmd->WithDb();
  cmd->WithConfig(Command::ConfigFile::kDefaultPath,
                  "Config file: values in desk units (22bp, $2.848tn) as in the alerts' "
                  "messages (plain numbers if absent)");
  const std::pair<const char*, const char*> kHelp[] = {
      {"since", "Opened at or after: YYYY-MM-DD or a duration (7d)"},
      {"until", "Opened before: YYYY-MM-DD or a duration"},
      {"rule", "Only this rule"},
      {"state", "firing or resolved"},
      {"severity", "info, warning or critical"},
      {"series", "Only alerts on this series"},
      {"text", "Message contains this text (case-insensitive)"},
      {"limit", "At most this many alerts (default 100)"},
      {"cursor", "Continue after this cursor (printed as \"more: --cursor ...\" by a full page)"}};
  for (const auto& [name, help] : kHelp) {
    std::string key = name;
    auto* opt = cmd->app().add_option_function<std::string>(
        "--" + key, [filters, key](const std::string& v) { (*filters)[key] = v; }, help);
    if (key == "limit") opt->type_name("INT");
  }
  cmd->WithFormat(Command::kAllFormats);
  cmd->Run(run, [filters](Command& c) { return RunAlerts(c, *filters); });
}

}  // namespace liqwatch::cli
