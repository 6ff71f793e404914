// `liqwatch series [ID]`: stored observations with their revisions and unit; without ID, the
// list of stored series. An ID with no stored observation at all exits 1 (a typo, or a derived
// series, which is computed by the rules and not stored). JSON keys (stable, docs/sources.md): with
// ID, an array of {series, date, value, unit, provisional, fetched_at, updated_at, source,
// revisions: [{old_value, new_value, seen_at}]} (source: the config source that delivered the
// value, null if not recorded); without ID, an array of {series, unit, observations,
// first_date, last_date}.
#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/output.h"
#include "core/json.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

boost::json::value Num(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
std::string NumText(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : ""; }

// The rows of `liqwatch series` without ID: one per stored series.
int AddSummaries(Command& cmd, store::Store& store, Table& t, boost::json::array& arr) {
  auto list = store.SeriesSummaries();
  if (!list.ok()) return cmd.Fail(list.status());
  t.header = {"series", "unit", "observations", "first_date", "last_date"};
  for (const auto& s : *list) {
    arr.push_back(boost::json::object{{"series", s.series},
                                      {"unit", s.unit},
                                      {"observations", s.observations},
                                      {"first_date", s.first_date},
                                      {"last_date", s.last_date}});
    t.rows.push_back({s.series, s.unit, std::to_string(s.observations), s.first_date, s.last_date});
  }
  return kExitOk;
}

// A value of series `id` as the output writes it: in desk units in the table (plain with no
// --config), exact in CSV; "" when missing.
struct ShownValue {
  Format format;
  const config::DeskUnits& desk;
  const std::string& id;

  std::string operator()(const std::optional<double>& v) const {
    if (format == Format::kCsv || !v) return NumText(v);
    return desk.SeriesValue(id, *v);
  }
};

// One stored observation of series `id` as its JSON object and its table row.
void AddObservation(const std::string& id, const store::StoredObservation& o,
                    const ShownValue& shown, Table& t, boost::json::array& arr) {
  boost::json::array revs;
  std::string rev_text;
  for (const auto& r : o.revisions) {
    revs.push_back(boost::json::object{
        {"old_value", Num(r.old_value)}, {"new_value", Num(r.new_value)}, {"seen_at", r.seen_at}});
    rev_text += fmt::format("{}{} -> {} at {}", rev_text.empty() ? "" : "; ", shown(r.old_value),
                            shown(r.new_value), r.seen_at);
  }
  arr.push_back(boost::json::object{
      {"series", id},
      {"date", o.obs_date},
      {"value", Num(o.value)},
      {"unit", o.unit},
      {"provisional", o.provisional},
      {"fetched_at", o.fetched_at},
      {"updated_at", o.updated_at},
      {"source", o.source.empty() ? boost::json::value(nullptr) : boost::json::value(o.source)},
      {"revisions", revs}});
  t.rows.push_back({o.obs_date, shown(o.value), o.unit, o.provisional ? "yes" : "", o.source,
                    o.updated_at, rev_text});
}

// The rows of `liqwatch series ID`: its observations since `since`. Fails when nothing at all
// is stored under `id`.
int AddObservations(Command& cmd, store::Store& store, const std::string& id,
                    std::optional<Date> since, const ShownValue& shown, Table& t,
                    boost::json::array& arr) {
  auto observations = store.StoredObservations(id, since);
  if (!observations.ok()) return cmd.Fail(observations.status());
  t.header = {"date", "value", "unit", "provisional", "source", "updated_at", "revisions"};
  for (const auto& o : *observations) AddObservation(id, o, shown, t, arr);
  if (t.rows.empty()) {
    // Nothing at all under this id (not just nothing since --since): a typo, or a derived
    // series (computed by the rules, not stored). Say so rather than print an empty table.
    auto found = store.HasObservations(id);
    if (!found.ok()) return cmd.Fail(found.status());
    if (!*found)
      return cmd.Fail(
          fmt::format("no observations of '{}' are stored (derived series are not "
                      "stored; `liqwatch series` lists the stored ones)",
                      id));
  }
  return kExitOk;
}

int RunSeries(Command& cmd, const std::optional<std::string>& id,
              const std::optional<std::string>& since_text) {
  const Format format = cmd.format();
  std::optional<Date> since;
  if (since_text) {
    auto t = ParseSince(*since_text, Clock::now());
    if (!t.ok()) return cmd.Usage(t.status().message());
    since = std::chrono::floor<std::chrono::days>(*t);
  }
  config::DeskUnits desk;  // the table's values in desk units with --config; JSON/CSV exact
  if (!cmd.LoadDeskUnits(desk)) return kExitUsage;
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly);
  if (!store.ok()) return cmd.Fail(store.status());
  Table t;
  boost::json::array arr;
  const int rc =
      id ? AddObservations(cmd, **store, *id, since, ShownValue{format, desk, *id}, t, arr)
         : AddSummaries(cmd, **store, t, arr);
  if (rc != kExitOk) return rc;
  if (format == Format::kJson) {
    std::printf("%s\n", WriteJson(arr).c_str());
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
  auto id = std::make_shared<std::optional<std::string>>();
  auto since = std::make_shared<std::optional<std::string>>();
  auto cmd = Command::Add(app, "series",
                          "Stored observations of a series (canonical unit) with their "
                          "revisions; without ID, the stored series. Safe while the daemon runs.");
  cmd->app().add_option("id", *id, "Series id (as in the config)");
  cmd->WithDb();
  cmd->WithConfig(Command::ConfigFile::kDefaultPath,
                  "Config file: the table's values in desk units (4.31%, 280bp, $2.848tn; "
                  "plain numbers if absent)");
  cmd->app().add_option("--since", *since, "Observation date from: YYYY-MM-DD or a duration (30d)");
  cmd->WithFormat(Command::kAllFormats);
  cmd->Run(run, [id, since](Command& c) { return RunSeries(c, *id, *since); });
}

}  // namespace liqwatch::cli
