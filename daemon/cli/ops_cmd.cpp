// Operator commands on the database: `alerts show ID`, `ack ID --comment`, `prune --before`
// and `backup --to`. Each opens its own connection, so they work while the daemon runs (SQLite
// WAL: readers never block the writer; ack and prune take a short write transaction).
#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "store/alert_json.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

constexpr const char* kDefaultDb = "/var/lib/liqwatch/liqwatch.db";

std::string Num(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : "-"; }

int Fail(const char* cmd, const std::string& msg, int rc = 1) {
  std::fprintf(stderr, "liqwatch %s: %s\n", cmd, msg.c_str());
  return rc;
}

struct ShowArgs {
  std::string db = kDefaultDb;
  int64_t id = 0;
  std::string format = "table";
};

int RunShow(const ShowArgs& args) {
  Format format;
  if (!ParseFormat(args.format, format) || format == Format::kCsv)
    return Fail("alerts show",
                fmt::format("unknown --format '{}', expected table or json", args.format), 2);
  auto store = store::Store::Open(args.db, store::Store::Mode::kReadOnly);
  if (!store.ok()) return Fail("alerts show", store.status().message());
  auto a = (*store)->GetAlert(args.id);
  if (!a.ok()) return Fail("alerts show", a.status().message());
  if (!*a) return Fail("alerts show", fmt::format("no alert with id {}", args.id));
  auto ev = (*store)->AlertEvents(args.id);
  if (!ev.ok()) return Fail("alerts show", ev.status().message());
  auto dl = (*store)->AlertDeliveries(args.id);
  if (!dl.ok()) return Fail("alerts show", dl.status().message());
  if (format == Format::kJson) {
    std::printf("%s\n", boost::json::serialize(store::AlertDetailJson(**a, *ev, *dl)).c_str());
    return 0;
  }
  const auto& x = **a;
  std::printf("Alert %lld  %s  %s  %s\n", static_cast<long long>(x.id), x.rule.c_str(),
              x.severity.c_str(), x.state.c_str());
  std::printf("  series     %s\n  opened     %s\n  resolved   %s\n  observed   %s .. %s\n",
              x.series.c_str(), x.opened_at.c_str(), x.resolved_at.value_or("-").c_str(),
              x.first_obs_date.c_str(), x.last_obs_date.c_str());
  std::printf("  value      %s (threshold %s)\n  message    %s\n\nEvents\n", Num(x.value).c_str(),
              Num(x.threshold).c_str(), x.message.c_str());
  Table t;
  t.header = {"ID", "TIME", "KIND", "FROM", "TO", "OBS DATE", "VALUE"};
  for (const auto& e : *ev)
    t.rows.push_back({std::to_string(e.id), e.eval_time.substr(0, 19), e.kind, e.from_state,
                      e.to_state, e.obs_date, e.kind == "ack" ? e.message : Num(e.value)});
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

struct AckArgs {
  std::string db = kDefaultDb;
  int64_t id = 0;
  std::string comment;
};

int RunAck(const AckArgs& args) {
  if (args.comment.empty()) return Fail("ack", "--comment must not be empty", 2);
  auto store = store::Store::Open(args.db, store::Store::Mode::kReadWrite);
  if (!store.ok()) return Fail("ack", store.status().message());
  auto r = (*store)->AckAlert(args.id, args.comment, Clock::now());
  if (!r.ok()) return Fail("ack", r.status().message());
  std::printf("acknowledged alert %lld (event %lld)\n", static_cast<long long>(args.id),
              static_cast<long long>(*r));
  return 0;
}

struct PruneArgs {
  std::string db = kDefaultDb;
  std::string before;
  bool dry_run = false;
};

int RunPrune(const PruneArgs& args) {
  auto t = ParseSince(args.before, Clock::now());
  if (!t.ok()) return Fail("prune", "--before: " + t.status().message(), 2);
  auto store = store::Store::Open(args.db, store::Store::Mode::kReadWrite);
  if (!store.ok()) return Fail("prune", store.status().message());
  auto r = (*store)->Prune(*t);
  if (!r.ok()) return Fail("prune", r.status().message());
  std::printf("pruned before %s: %lld alerts, %lld events, %lld deliveries, %lld revisions\n",
              FormatTime(*t).c_str(), static_cast<long long>(r->alerts),
              static_cast<long long>(r->events), static_cast<long long>(r->deliveries),
              static_cast<long long>(r->revisions));
  return 0;
}

struct BackupArgs {
  std::string db = kDefaultDb;
  std::string to;
};

int RunBackup(const BackupArgs& args) {
  auto store = store::Store::Open(args.db, store::Store::Mode::kReadOnly);
  if (!store.ok()) return Fail("backup", store.status().message());
  if (auto s = (*store)->BackupTo(args.to); !s.ok()) return Fail("backup", s.message());
  // Verify the copy opens and has the same schema version.
  auto copy = store::Store::Open(args.to, store::Store::Mode::kReadOnly);
  if (!copy.ok()) return Fail("backup", "the copy does not open: " + copy.status().message());
  auto check = (*copy)->db().QueryInt(
      "SELECT count(*) FROM pragma_integrity_check WHERE "
      "integrity_check != 'ok'");
  if (!check.ok() || *check != 0) return Fail("backup", "integrity check of the copy failed");
  std::printf("backed up %s to %s (schema version %d)\n", args.db.c_str(), args.to.c_str(),
              (*copy)->schema_version());
  return 0;
}

}  // namespace

void RegisterOps(CLI::App& app, CommandFn& run) {
  // `alerts show ID` hangs off the existing `alerts` command.
  {
    auto* alerts = app.get_subcommand("alerts");
    auto args = std::make_shared<ShowArgs>();
    auto* show = alerts->add_subcommand(
        "show", "One alert with every event (transitions, acks) and every delivery attempt.");
    show->add_option("id", args->id, "Alert id")->required();
    show->add_option("--db", args->db, "SQLite database path")->capture_default_str();
    show->add_option("--format", args->format, "table or json")->capture_default_str();
    show->callback([&run, args] { run = [args] { return RunShow(*args); }; });
  }
  {
    auto args = std::make_shared<AckArgs>();
    auto* cmd = app.add_subcommand(
        "ack", "Acknowledge an alert with a comment (kept as an 'ack' event of the alert).");
    cmd->add_option("id", args->id, "Alert id")->required();
    cmd->add_option("--comment,-m", args->comment, "Why, who, what next")->required();
    cmd->add_option("--db", args->db, "SQLite database path")->capture_default_str();
    cmd->callback([&run, args] { run = [args] { return RunAck(*args); }; });
  }
  {
    auto args = std::make_shared<PruneArgs>();
    auto* cmd =
        app.add_subcommand("prune",
                           "Retention: delete alerts resolved before DATE with their events and "
                           "deliveries, and older revisions. Firing alerts, pending deliveries and "
                           "observations are kept.");
    cmd->add_option("--before", args->before, "YYYY-MM-DD or a duration back from now (90d)")
        ->required();
    cmd->add_option("--db", args->db, "SQLite database path")->capture_default_str();
    cmd->callback([&run, args] { run = [args] { return RunPrune(*args); }; });
  }
  {
    auto args = std::make_shared<BackupArgs>();
    auto* cmd = app.add_subcommand(
        "backup",
        "Consistent copy of the database with SQLite's online backup API; safe while "
        "the daemon runs. Restore: stop the daemon, copy the file back.");
    cmd->add_option("--to", args->to, "Destination file (overwritten)")->required();
    cmd->add_option("--db", args->db, "SQLite database path")->capture_default_str();
    cmd->callback([&run, args] { run = [args] { return RunBackup(*args); }; });
  }
}

}  // namespace liqwatch::cli
