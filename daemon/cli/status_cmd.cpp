// `liqwatch status`: source health per series, whether each series' print is late on its
// release calendar (read from --config when that file exists), plus the outbox (pending and
// dead deliveries).
// JSON keys (stable, docs/sources.md): {"sources": [{series, source, last_attempt_at,
// last_success_at, last_error_at, last_error, consecutive_failures, last_new_observation_at,
// polls, errors, freshness}], "deliveries": {"pending": N, "dead": N}}; freshness is
// {state: up_to_date|due|late, late, missing, deadline, next_due, text} or null without a
// calendar (or without the config).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/output.h"
#include "config/config.h"
#include "core/json.h"
#include "core/release.h"
#include "store/alert_json.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

// A series' place on its release calendar, in desk wording (New York times):
// "LATE: 2026-03-02 print not in by 2026-03-03 08:45 ET", "due: 2026-03-02 print, late after
// 2026-03-03 08:45 ET", "on time, next due 2026-03-04 08:00 ET".
struct FreshnessView {
  boost::json::value json;
  std::string text;
};

FreshnessView ViewFreshness(const ReleaseSchedule& release, const std::string& id,
                            std::optional<Date> latest, TimePoint now) {
  Freshness f = AssessFreshness(release, id, latest, now);
  std::optional<TimePoint> next = NextDueTime(release, now);
  FreshnessView v;
  if (f.state == Freshness::State::kLate)
    v.text = fmt::format("LATE: {} print not in by {}", FormatDate(*f.missing),
                         FormatNewYork(f.deadline));
  else if (f.state == Freshness::State::kDue)
    v.text = fmt::format("due: {} print, late after {}", FormatDate(*f.missing),
                         FormatNewYork(f.deadline));
  else
    v.text = next ? "on time, next due " + FormatNewYork(*next) : "on time";
  boost::json::object o{{"state", std::string(FreshnessName(f.state))},
                        {"late", f.state == Freshness::State::kLate},
                        {"missing", nullptr},
                        {"deadline", nullptr},
                        {"next_due", nullptr},
                        {"text", v.text}};
  if (f.missing) {
    o["missing"] = FormatDate(*f.missing);
    o["deadline"] = FormatTime(f.deadline);
  }
  if (next) o["next_due"] = FormatTime(*next);
  v.json = std::move(o);
  return v;
}

// The config, for the series' release calendars, when its file exists; false after printing
// why it does not load.
bool LoadCalendars(const Command& cmd, std::optional<config::Config>& config) {
  std::error_code ec;
  if (!std::filesystem::exists(cmd.config_path(), ec)) return true;
  config = cmd.LoadConfig(config::SecretRefs::kSkip);
  return config.has_value();
}

// The freshness of a series: "-" (JSON null) without the config or without a release calendar.
struct FreshnessOf {
  const std::optional<config::Config>& config;
  std::map<std::string, Date> newest;
  TimePoint now;

  FreshnessView operator()(const std::string& id) const {
    const config::SeriesConfig* s = config ? config->FindSeries(id) : nullptr;
    if (s == nullptr || !s->release) return {nullptr, "-"};
    auto n = newest.find(id);
    return ViewFreshness(*s->release, id,
                         n == newest.end() ? std::nullopt : std::optional<Date>(n->second), now);
  }
};

// CSV has every field, under the JSON keys; the table the ones a desk scans.
std::vector<std::string> StatusHeader(Format format) {
  if (format == Format::kCsv)
    return {"series",
            "source",
            "last_attempt_at",
            "last_success_at",
            "last_error_at",
            "last_error",
            "consecutive_failures",
            "last_new_observation_at",
            "polls",
            "errors",
            "freshness"};
  return {"SERIES", "SOURCE", "LAST SUCCESS", "FAILS", "LAST NEW OBS", "LATE?", "LAST ERROR"};
}

// Adds one source's health as a row of StatusHeader(format).
void AddStatusRow(Table& t, Format format, const store::SourceHealthRow& h,
                  const std::string& freshness) {
  const std::string attempt = h.last_attempt_at.value_or(""),
                    success = h.last_success_at.value_or(""),
                    error_at = h.last_error_at.value_or(""), error = h.last_error.value_or(""),
                    new_obs = h.last_new_observation_at.value_or("");
  if (format == Format::kCsv) {
    t.rows.push_back({h.series, h.source, attempt, success, error_at, error,
                      std::to_string(h.consecutive_failures), new_obs, std::to_string(h.polls),
                      std::to_string(h.errors), freshness});
  } else {
    t.rows.push_back({h.series, h.source, success.substr(0, 19),
                      std::to_string(h.consecutive_failures), new_obs.substr(0, 19), freshness,
                      h.consecutive_failures > 0 ? error : ""});
  }
}

// The outbox: deliveries waiting to be sent, and those given up on.
struct DeliveryTotals {
  int64_t pending = 0;
  int64_t dead = 0;
};

DeliveryTotals CountDeliveries(const std::vector<std::pair<std::string, int64_t>>& counts) {
  DeliveryTotals d;
  for (const auto& [status, n] : counts) {
    if (status == "pending") d.pending = n;
    if (status == "dead") d.dead = n;
  }
  return d;
}

void PrintStatus(Format format, const Table& t, const boost::json::array& sources,
                 const DeliveryTotals& d) {
  if (format == Format::kJson) {
    boost::json::object out{{"sources", sources},
                            {"deliveries", {{"pending", d.pending}, {"dead", d.dead}}}};
    std::printf("%s\n", WriteJson(out).c_str());
    return;
  }
  if (format == Format::kCsv) {
    std::fputs(RenderCsv(t).c_str(), stdout);
    return;
  }
  std::fputs(RenderTable(t, 80).c_str(), stdout);
  if (t.rows.empty()) std::printf("(no polls recorded)\n");
  std::printf("deliveries: %lld pending, %lld dead\n", static_cast<long long>(d.pending),
              static_cast<long long>(d.dead));
}

int RunStatus(Command& cmd) {
  const Format format = cmd.format();
  // The calendars come from the config; without the file, no LATE column values.
  std::optional<config::Config> config;
  if (!LoadCalendars(cmd, config)) return kExitUsage;
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly);
  if (!store.ok()) return cmd.Fail(store.status());
  auto health = (*store)->SourceHealth();
  if (!health.ok()) return cmd.Fail(health.status());
  auto latest = (*store)->LatestObservations();
  if (!latest.ok()) return cmd.Fail(latest.status());
  const FreshnessOf freshness{config, store::NewestDates(*latest), Clock::now()};
  auto deliveries = (*store)->DeliveryCounts();
  if (!deliveries.ok()) return cmd.Fail(deliveries.status());
  // By source, then series.
  std::stable_sort(health->begin(), health->end(),
                   [](const auto& a, const auto& b) { return a.source < b.source; });
  boost::json::array sources;
  Table t;
  t.header = StatusHeader(format);
  for (const auto& h : *health) {
    FreshnessView fresh = freshness(h.series);
    boost::json::object row = store::SourceHealthJson(h);
    row["freshness"] = fresh.json;
    sources.push_back(std::move(row));
    AddStatusRow(t, format, h, fresh.text);
  }
  PrintStatus(format, t, sources, CountDeliveries(*deliveries));
  return 0;
}

}  // namespace

void RegisterStatus(CLI::App& app, CommandFn& run) {
  auto cmd =
      Command::Add(app, "status",
                   "Source health per series (last success, last error, consecutive failures, last "
                   "new observation), whether each series' print is late on its release calendar "
                   "(LATE?, New York times; needs --config) and the delivery outbox. Safe while "
                   "the daemon runs.");
  cmd->WithDb().WithFormat(Command::kAllFormats);
  cmd->WithConfig(Command::ConfigFile::kDefaultPath,
                  "Config file: the series' release calendars, for LATE? (skipped if absent)");
  cmd->Run(run, RunStatus);
}

}  // namespace liqwatch::cli
