// Operator commands on the database: `alerts show ID`, `ack ID --comment`, `prune --before`
// and `backup --to`. Each opens its own connection, so they work while the daemon runs (SQLite
// WAL: readers never block the writer; ack and prune take a short write transaction).
#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/output.h"
#include "core/json.h"
#include "notify/operator_actions.h"
#include "store/alert_json.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

int RunShow(Command& cmd, int64_t id) {
  config::DeskUnits desk;  // values as the alert's message writes them, with --config
  if (!cmd.LoadDeskUnits(desk)) return kExitUsage;
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly);
  if (!store.ok()) return cmd.Fail(store.status());
  auto a = (*store)->GetAlert(id);
  if (!a.ok()) return cmd.Fail(a.status());
  if (!*a) return cmd.Fail(fmt::format("no alert with id {}", id));
  auto ev = (*store)->AlertEvents(id);
  if (!ev.ok()) return cmd.Fail(ev.status());
  auto dl = (*store)->AlertDeliveries(id);
  if (!dl.ok()) return cmd.Fail(dl.status());
  if (cmd.format() == Format::kJson) {
    std::printf("%s\n", WriteJson(store::AlertDetailJson(**a, *ev, *dl)).c_str());
    return 0;
  }
  const auto& x = **a;
  auto num = [&](const std::optional<double>& v) {
    return v ? desk.AlertValue(x.rule, x.series, *v) : "-";
  };
  std::printf("Alert %lld  %s  %s  %s\n", static_cast<long long>(x.id), x.rule.c_str(),
              x.severity.c_str(), x.state.c_str());
  std::printf("  series     %s\n  opened     %s\n  resolved   %s\n  observed   %s .. %s\n",
              x.series.c_str(), x.opened_at.c_str(), x.resolved_at.value_or("-").c_str(),
              x.first_obs_date.c_str(), x.last_obs_date.c_str());
  std::printf("  value      %s (threshold %s)\n  message    %s\n\nEvents\n", num(x.value).c_str(),
              num(x.threshold).c_str(), x.message.c_str());
  Table t;
  t.header = {"ID", "TIME", "KIND", "FROM", "TO", "OBS DATE", "VALUE"};
  for (const auto& e : *ev)
    t.rows.push_back({std::to_string(e.id), e.eval_time.substr(0, 19), e.kind, e.from_state,
                      e.to_state, e.obs_date, e.kind == "ack" ? e.message : num(e.value)});
  std::fputs(RenderTable(t, 30).c_str(), stdout);
  std::printf("\nDeliveries\n");
  Table d;
  d.header = {"ID", "EVENT", "NOTIFIER", "STATUS", "TRIES", "DELIVERED", "LAST ERROR"};
  for (const auto& r : *dl)
    d.rows.push_back({std::to_string(r.id), std::to_string(r.event_id), r.notifier, r.status,
                      std::to_string(r.attempts), r.delivered_at.value_or("-").substr(0, 19),
                      r.last_error.value_or("")});
  std::fputs(RenderTable(d, 24).c_str(), stdout);
  if (dl->empty()) std::printf("(none)\n");
  return 0;
}

int RunAck(Command& cmd, int64_t id, const std::string& comment) {
  if (comment.empty()) return cmd.Usage("--comment must not be empty");
  auto store = cmd.OpenStore(store::Store::Mode::kReadWrite);
  if (!store.ok()) return cmd.Fail(store.status());
  auto r = notify::AckAlertAudited(**store, id, comment, "cli:" + CliUser(), Clock::now());
  if (!r.ok()) return cmd.Fail(r.status());
  std::printf("acknowledged alert %lld (event %lld)\n", static_cast<long long>(id),
              static_cast<long long>(*r));
  return 0;
}

int RunPrune(Command& cmd, const std::string& before) {
  auto t = ParseSince(before, Clock::now());
  if (!t.ok()) return cmd.Usage("--before: " + t.status().message());
  auto store = cmd.OpenStore(store::Store::Mode::kReadWrite);
  if (!store.ok()) return cmd.Fail(store.status());
  auto r = (*store)->Prune(*t);
  if (!r.ok()) return cmd.Fail(r.status());
  std::printf("pruned before %s: %lld alerts, %lld events, %lld deliveries, %lld revisions\n",
              FormatTime(*t).c_str(), static_cast<long long>(r->alerts),
              static_cast<long long>(r->events), static_cast<long long>(r->deliveries),
              static_cast<long long>(r->revisions));
  return 0;
}

int RunBackup(Command& cmd, const std::string& to) {
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly);
  if (!store.ok()) return cmd.Fail(store.status());
  if (auto s = (*store)->BackupTo(to); !s.ok()) return cmd.Fail(s);
  // Verify the copy opens and has the same schema version.
  auto copy = store::Store::Open(to, store::Store::Mode::kReadOnly);
  if (!copy.ok()) return cmd.Fail("the copy does not open: " + copy.status().message());
  if (!(*copy)->CheckIntegrity().ok()) return cmd.Fail("integrity check of the copy failed");
  std::printf("backed up %s to %s (schema version %d)\n", cmd.db_path()->c_str(), to.c_str(),
              (*copy)->schema_version());
  return 0;
}

}  // namespace

void RegisterOps(CLI::App& app, CommandFn& run) {
  {
    // `alerts show ID` hangs off the existing `alerts` command.
    auto id = std::make_shared<int64_t>(0);
    auto cmd =
        Command::Add(*app.get_subcommand("alerts"), "show",
                     "One alert with every event (transitions, acks) and every delivery attempt.");
    cmd->app().add_option("id", *id, "Alert id")->required();
    cmd->WithDb().WithFormat(Command::kTableOrJson);
    cmd->WithConfig(Command::ConfigFile::kDefaultPath,
                    "Config file: values in desk units, as in the alert's message (plain "
                    "numbers if absent)");
    cmd->Run(run, [id](Command& c) { return RunShow(c, *id); });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto comment = std::make_shared<std::string>();
    auto cmd = Command::Add(
        app, "ack", "Acknowledge an alert with a comment (kept as an 'ack' event of the alert).");
    cmd->app().add_option("id", *id, "Alert id")->required();
    cmd->app().add_option("--comment,-m", *comment, "Why, who, what next")->required();
    cmd->WithDb();
    cmd->Run(run, [id, comment](Command& c) { return RunAck(c, *id, *comment); });
  }
  {
    auto before = std::make_shared<std::string>();
    auto cmd = Command::Add(app, "prune",
                            "Retention: delete alerts resolved before DATE with their events and "
                            "deliveries, and older revisions. Firing alerts, pending deliveries "
                            "and observations are kept.");
    cmd->app()
        .add_option("--before", *before, "YYYY-MM-DD or a duration back from now (90d)")
        ->required();
    cmd->WithDb();
    cmd->Run(run, [before](Command& c) { return RunPrune(c, *before); });
  }
  {
    auto to = std::make_shared<std::string>();
    auto cmd = Command::Add(app, "backup",
                            "Consistent copy of the database with SQLite's online backup API; "
                            "safe while the daemon runs. Restore: stop the daemon, copy the file "
                            "back.");
    cmd->app().add_option("--to", *to, "Destination file (overwritten)")->required();
    cmd->WithDb();
    cmd->Run(run, [to](Command& c) { return RunBackup(c, *to); });
  }
}

}  // namespace liqwatch::cli
