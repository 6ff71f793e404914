// `liqwatch status`: source health per series, plus the outbox (pending and dead deliveries).
// JSON keys (stable, docs/sources.md): {"sources": [{series, source, last_attempt_at,
// last_success_at, last_error_at, last_error, consecutive_failures, last_new_observation_at,
// polls, errors}], "deliveries": {"pending": N, "dead": N}}.
#include <algorithm>
#include <cstdio>

#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/output.h"
#include "store/alert_json.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

int RunStatus(Command& cmd) {
  const Format format = cmd.format();
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly);
  if (!store.ok()) return cmd.Fail(store.status());
  auto health = (*store)->SourceHealth();
  if (!health.ok()) return cmd.Fail(health.status());
  auto deliveries = (*store)->DeliveryCounts();
  if (!deliveries.ok()) return cmd.Fail(deliveries.status());
  // By source, then series.
  std::stable_sort(health->begin(), health->end(),
                   [](const auto& a, const auto& b) { return a.source < b.source; });
  boost::json::array sources;
  Table t;
  t.header = {"SERIES", "SOURCE", "LAST SUCCESS", "FAILS", "LAST NEW OBS", "LAST ERROR"};
  if (format == Format::kCsv)
    t.header = {"series",        "source",     "last_attempt_at",      "last_success_at",
                "last_error_at", "last_error", "consecutive_failures", "last_new_observation_at",
                "polls",         "errors"};
  for (const auto& h : *health) {
    const std::string attempt = h.last_attempt_at.value_or(""),
                      success = h.last_success_at.value_or(""),
                      error_at = h.last_error_at.value_or(""), error = h.last_error.value_or(""),
                      new_obs = h.last_new_observation_at.value_or("");
    sources.push_back(store::SourceHealthJson(h));
    if (format == Format::kCsv) {
      t.rows.push_back({h.series, h.source, attempt, success, error_at, error,
                        std::to_string(h.consecutive_failures), new_obs, std::to_string(h.polls),
                        std::to_string(h.errors)});
    } else {
      t.rows.push_back({h.series, h.source, success.substr(0, 19),
                        std::to_string(h.consecutive_failures), new_obs.substr(0, 19),
                        h.consecutive_failures > 0 ? error : ""});
    }
  }
  int64_t pending = 0, dead = 0;
  for (const auto& [status, n] : *deliveries) {
    if (status == "pending") pending = n;
    if (status == "dead") dead = n;
  }
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
  auto cmd =
      Command::Add(app, "status",
                   "Source health per series (last success, last error, consecutive failures, last "
                   "new observation) and the delivery outbox. Safe while the daemon runs.");
  cmd->WithDb().WithFormat(Command::kAllFormats);
  cmd->Run(run, RunStatus);
}

}  // namespace liqwatch::cli
