// `liqwatch status`: source health per series, plus the outbox (pending and dead deliveries).
// JSON keys (stable, docs/sources.md): {"sources": [{series, source, last_attempt_at,
// last_success_at, last_error_at, last_error, consecutive_failures, last_new_observation_at,
// polls, errors}], "deliveries": {"pending": N, "dead": N}}.
#include <cstdio>

#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

struct StatusArgs {
  std::string db = "/var/lib/liqwatch/liqwatch.db";
  std::string format = "table";
};

int RunStatus(const StatusArgs& args) {
  Format format;
  if (!ParseFormat(args.format, format)) {
    std::fprintf(stderr, "liqwatch status: unknown --format '%s', expected table, json or csv\n",
                 args.format.c_str());
    return 2;
  }
  auto store = store::Store::Open(args.db, store::Store::Mode::kReadOnly);
  if (!store.ok()) {
    std::fprintf(stderr, "liqwatch status: %s\n", store.status().message().c_str());
    return 1;
  }
  auto& db = (*store)->db();
  auto st = db.Prepare(
      "SELECT series, source, last_attempt_at, last_success_at, last_error_at, last_error, "
      "consecutive_failures, last_new_observation_at, polls, errors FROM source_health "
      "ORDER BY source, series");
  if (!st.ok()) {
    std::fprintf(stderr, "liqwatch status: %s\n", st.status().message().c_str());
    return 1;
  }
  boost::json::array sources;
  Table t;
  t.header = {"SERIES", "SOURCE", "LAST SUCCESS", "FAILS", "LAST NEW OBS", "LAST ERROR"};
  if (format == Format::kCsv)
    t.header = {"series",        "source",     "last_attempt_at",      "last_success_at",
                "last_error_at", "last_error", "consecutive_failures", "last_new_observation_at",
                "polls",         "errors"};
  while (true) {
    auto row = st->Step();
    if (!row.ok()) {
      std::fprintf(stderr, "liqwatch status: %s\n", row.status().message().c_str());
      return 1;
    }
    if (!*row) break;
    auto opt = [&](int c) -> boost::json::value {
      auto v = st->OptText(c);
      return v ? boost::json::value(*v) : boost::json::value(nullptr);
    };
    auto text = [&](int c) { return st->OptText(c).value_or(""); };
    sources.push_back(boost::json::object{{"series", st->Text(0)},
                                          {"source", st->Text(1)},
                                          {"last_attempt_at", opt(2)},
                                          {"last_success_at", opt(3)},
                                          {"last_error_at", opt(4)},
                                          {"last_error", opt(5)},
                                          {"consecutive_failures", st->Int(6)},
                                          {"last_new_observation_at", opt(7)},
                                          {"polls", st->Int(8)},
                                          {"errors", st->Int(9)}});
    if (format == Format::kCsv) {
      t.rows.push_back({st->Text(0), st->Text(1), text(2), text(3), text(4), text(5),
                        std::to_string(st->Int(6)), text(7), std::to_string(st->Int(8)),
                        std::to_string(st->Int(9))});
    } else {
      t.rows.push_back({st->Text(0), st->Text(1), text(3).substr(0, 19), std::to_string(st->Int(6)),
                        text(7).substr(0, 19), st->Int(6) > 0 ? text(5) : ""});
    }
  }
  auto count = [&](const char* status) -> int64_t {
    auto q = db.Prepare("SELECT count(*) FROM deliveries WHERE status = ?1");
    if (!q.ok()) return -1;
    q->Bind(1, status);
    auto r = q->Step();
    return r.ok() && *r ? q->Int(0) : -1;
  };
  const int64_t pending = count("pending"), dead = count("dead");
  if (format == Format::kJson) {
    boost::json::object out{{"sources", sources},
                            {"deliveries", {{"pending", pending}, {"dead", dead}}}};
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return 0;
  }
  if (format == Format::kCsv) {
    std::fputs(RenderCsv(t).c_str(), stdout);
    return 0;
  }
  std::fputs(RenderTable(t, 80).c_str(), stdout);
  if (t.rows.empty()) std::printf("(no polls recorded)\n");
  std::printf("deliveries: %lld pending, %lld dead\n", static_cast<long long>(pending),
              static_cast<long long>(dead));
  return 0;
}

}  // namespace

void RegisterStatus(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<StatusArgs>();
  auto* cmd = app.add_subcommand(
      "status",
      "Source health per series (last success, last error, consecutive failures, last "
      "new observation) and the delivery outbox. Safe while the daemon runs.");
  cmd->add_option("--db", args->db, "SQLite database path")->capture_default_str();
  cmd->add_option("--format", args->format, "table, json or csv")->capture_default_str();
  cmd->callback([&run, args] { run = [args] { return RunStatus(*args); }; });
}

}  // namespace liqwatch::cli
