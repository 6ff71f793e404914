// /api/v1/series/{id}: a series' description, freshness, observations, rules and alert events.
#include <algorithm>

#include <fmt/format.h>

#include "api/config_json.h"
#include "api/handlers.h"
#include "store/alert_json.h"

namespace liqwatch::api {

namespace {

boost::json::array ObservationsJson(const std::vector<Observation>& history) {
  boost::json::array obs;
  for (const auto& ob : history)
    obs.push_back(
        boost::json::object{{"date", FormatDate(ob.date)}, {"value", store::OptJson(ob.value)}});
  return obs;
}

// The rules with an instance driven by series `id`.
boost::json::array RulesOn(const config::Config& c, const std::string& id) {
  boost::json::array rules;
  for (const auto& r : c.rules) {
    auto instances = RuleInstances(c, r);
    if (std::any_of(instances.begin(), instances.end(),
                    [&](const auto& inst) { return inst.second == id; }))
      rules.push_back(RuleInfoJson(c, r));
  }
  return rules;
}

Reply SeriesReply(store::Store& s, const config::Config& c, const std::string& id,
                  std::optional<Date> since, TimePoint now) {
  const auto* sc = c.FindSeries(id);
  auto history = s.History(id, since);
  if (!history.ok()) return FromStatus(history.status());
  if (!sc && history->empty()) return Error(404, fmt::format("no series '{}'", id));
  boost::json::object o = sc ? SeriesInfoJson(*sc) : boost::json::object{{"id", id}};
  if (sc) {
    auto latest = s.LatestObservations();
    if (!latest.ok()) return FromStatus(latest.status());
    o["freshness"] = FreshnessJson(*sc, LatestDate(*latest, id), now);
  }
  o["observations"] = ObservationsJson(*history);
  o["rules"] = RulesOn(c, id);
  auto events = s.SeriesEvents(id, since);
  if (!events.ok()) return FromStatus(events.status());
  boost::json::array ev;
  for (const auto& e : *events) ev.push_back(store::AlertEventJson(e));
  o["events"] = std::move(ev);
  return Json(o);
}

}  // namespace

boost::asio::awaitable<Reply> ShowSeries(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {"since"})) co_return *bad;
  std::optional<Date> since;
  if (auto it = call.target.query.find("since"); it != call.target.query.end()) {
    auto tp = ParseSince(it->second, call.now);
    if (!tp.ok()) co_return Error(400, "since: " + tp.status().message());
    since = std::chrono::floor<std::chrono::days>(*tp);
  }
  auto job = [config = call.config, id = call.args[0], since, now = call.now](store::Store& s) {
    return SeriesReply(s, *config, id, since, now);
  };
  co_return co_await svc.reader.Run(job);
}

}  // namespace liqwatch::api
