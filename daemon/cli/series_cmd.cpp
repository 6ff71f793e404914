// `liqwatch series [ID]`: stored observations with their revisions and unit; without ID, the
// list of stored series. An ID with no stored observation at all exits 1 (a typo, or a derived
// series, which is computed by the rules and not stored). JSON keys (stable, docs/sources.md): with
// ID, an array of {series, date, value, unit, provisional, fetched_at, updated_at, revisions:
// [{old_value, new_value, seen_at}]}; without ID, an array of {series, unit, observations,
// first_date, last_date}.
#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

struct SeriesArgs {
  std::string db = "/var/lib/liqwatch/liqwatch.db";
  std::optional<std::string> id;
  std::optional<std::string> since;
  std::string format = "table";
};

boost::json::value Num(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
std::string NumText(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : ""; }

int Fail(const Status& s) {
  std::fprintf(stderr, "liqwatch series: %s\n", s.message().c_str());
  return 1;
}

int RunSeries(const SeriesArgs& args) {
  Format format;
  if (!ParseFormat(args.format, format)) {
    std::fprintf(stderr, "liqwatch series: unknown --format '%s', expected table, json or csv\n",
                 args.format.c_str());
    return 2;
  }
  std::string since = "0000-00-00";
  if (args.since) {
    auto t = ParseSince(*args.since, Clock::now());
    if (!t.ok()) {
      std::fprintf(stderr, "liqwatch series: %s\n", t.status().message().c_str());
      return 2;
    }
    since = FormatDate(std::chrono::floor<std::chrono::days>(*t));
  }
  auto store = store::Store::Open(args.db, store::Store::Mode::kReadOnly);
  if (!store.ok()) return Fail(store.status());
  auto& db = (*store)->db();
  Table t;
  boost::json::array arr;
  if (!args.id) {
    auto st = db.Prepare(
        "SELECT series, unit, count(*), min(obs_date), max(obs_date) FROM observations "
        "GROUP BY series ORDER BY series");
    if (!st.ok()) return Fail(st.status());
    t.header = {"series", "unit", "observations", "first_date", "last_date"};
    while (true) {
      auto r = st->Step();
      if (!r.ok()) return Fail(r.status());
      if (!*r) break;
      arr.push_back(boost::json::object{{"series", st->Text(0)},
                                        {"unit", st->Text(1)},
                                        {"observations", st->Int(2)},
                                        {"first_date", st->Text(3)},
                                        {"last_date", st->Text(4)}});
      t.rows.push_back(
          {st->Text(0), st->Text(1), std::to_string(st->Int(2)), st->Text(3), st->Text(4)});
    }
  } else {
    auto st = db.Prepare(
        "SELECT obs_date, value, unit, provisional, fetched_at, updated_at FROM observations "
        "WHERE series = ?1 AND obs_date >= ?2 ORDER BY obs_date");
    auto rev = db.Prepare(
        "SELECT old_value, new_value, seen_at FROM observation_revisions WHERE series = ?1 "
        "AND obs_date = ?2 ORDER BY id");
    if (!st.ok()) return Fail(st.status());
    if (!rev.ok()) return Fail(rev.status());
    st->Bind(1, *args.id).Bind(2, since);
    t.header = {"date", "value", "unit", "provisional", "updated_at", "revisions"};
    while (true) {
      auto r = st->Step();
      if (!r.ok()) return Fail(r.status());
      if (!*r) break;
      const std::string date = st->Text(0);
      boost::json::array revs;
      std::string rev_text;
      rev->Reset().Bind(1, *args.id).Bind(2, date);
      while (true) {
        auto rr = rev->Step();
        if (!rr.ok()) return Fail(rr.status());
        if (!*rr) break;
        revs.push_back(boost::json::object{{"old_value", Num(rev->OptDouble(0))},
                                           {"new_value", Num(rev->OptDouble(1))},
                                           {"seen_at", rev->Text(2)}});
        rev_text +=
            fmt::format("{}{} -> {} at {}", rev_text.empty() ? "" : "; ",
                        NumText(rev->OptDouble(0)), NumText(rev->OptDouble(1)), rev->Text(2));
      }
      arr.push_back(boost::json::object{{"series", *args.id},
                                        {"date", date},
                                        {"value", Num(st->OptDouble(1))},
                                        {"unit", st->Text(2)},
                                        {"provisional", st->Int(3) != 0},
                                        {"fetched_at", st->Text(4)},
                                        {"updated_at", st->Text(5)},
                                        {"revisions", revs}});
      t.rows.push_back({date, NumText(st->OptDouble(1)), st->Text(2), st->Int(3) != 0 ? "yes" : "",
                        st->Text(5), rev_text});
    }
    if (t.rows.empty()) {
      // Nothing at all under this id (not just nothing since --since): a typo, or a derived
      // series (computed by the rules, not stored). Say so rather than print an empty table.
      auto any = db.Prepare("SELECT 1 FROM observations WHERE series = ?1 LIMIT 1");
      if (!any.ok()) return Fail(any.status());
      any->Bind(1, *args.id);
      auto found = any->Step();
      if (!found.ok()) return Fail(found.status());
      if (!*found) {
        std::fprintf(stderr,
                     "liqwatch series: no observations of '%s' are stored (derived series are "
                     "not stored; `liqwatch series` lists the stored ones)\n",
                     args.id->c_str());
        return 1;
      }
    }
  }
  if (format == Format::kJson) {
    std::printf("%s\n", boost::json::serialize(arr).c_str());
  } else if (format == Format::kCsv) {
    std::fputs(RenderCsv(t).c_str(), stdout);
  } else {
    std::fputs(RenderTable(t, 80).c_str(), stdout);
    if (t.rows.empty()) std::printf("(no observations)\n");
  }
  return 0;
}

}  // namespace

void RegisterSeries(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<SeriesArgs>();
  auto* cmd = app.add_subcommand(
      "series",
      "Stored observations of a series (canonical unit) with their revisions; without "
      "ID, the stored series. Safe while the daemon runs.");
  cmd->add_option("id", args->id, "Series id (as in the config)");
  cmd->add_option("--db", args->db, "SQLite database path")->capture_default_str();
  cmd->add_option("--since", args->since, "Observation date from: YYYY-MM-DD or a duration (30d)");
  cmd->add_option("--format", args->format, "table, json or csv")->capture_default_str();
  cmd->callback([&run, args] { run = [args] { return RunSeries(*args); }; });
}

}  // namespace liqwatch::cli
