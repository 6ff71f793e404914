// /api/v1/series/{id}: a series' description, freshness, observations, rules and alert events.
// A derived series (sofr_iorb = sofr - iorb) is served too, computed from the stored
// history of the series it reads exactly as the rules compute it, so its chart and the alerts
// on it agree.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "alerts/replay.h"
#include "api/config_json.h"
#include "api/handlers.h"
#include "config/rules_config.h"
#include "store/alert_json.h"

namespace liqwatch::api {

namespace {

boost::json::array ObservationsJson(const std::vector<Observation>& history) {
  boost::json::array obs;
  for (const auto& ob : history)
    obs.push_back(
        boost::json::object{{"date", FormatDate(ob.date)},
                            {"value", store::OptJson(ob.value)},
                            {"source", ob.source.empty() ? boost::json::value(nullptr)
                                                         : boost::json::value(ob.source)}});
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

// `o` with the firing and resolved events on series `id` added, as the answer.
Reply WithEvents(store::Store& s, const std::string& id, std::optional<Date> since,
                 boost::json::object o) {
  auto events = s.SeriesEvents(id, since);
  if (!events.ok()) return FromStatus(events.status());
  boost::json::array ev;
  for (const auto& e : *events) ev.push_back(store::AlertEventJson(e));
  o["events"] = std::move(ev);
  return Json(o);
}

const config::DerivedConfig* FindDerived(const config::Config& c, const std::string& id) {
  if (!c.rule_set) return nullptr;
  auto index = c.rule_set->catalog.Find(id);
  return index ? c.rule_set->FindDerived(*index) : nullptr;
}

// The derived series' values (gaps left out) from `since`, computed over the full stored
// history of every fetched series it reads (windows need the history before `since`).
Result<std::vector<Observation>> DerivedHistory(store::Store& s, const config::Config& c,
                                                const config::DerivedConfig& d,
                                                std::optional<Date> since) {
  const config::RuleSet& rs = *c.rule_set;
  std::set<int> fetched_inputs;
  auto collect = [&](auto& self, int index) -> void {
    if (const auto* inner = rs.FindDerived(index)) {
      for (int input : inner->series.program.inputs()) self(self, input);
    } else {
      fetched_inputs.insert(index);
    }
  };
  collect(collect, d.series.index);
  std::map<std::string, std::vector<expr::Point>> fetched;
  for (int index : fetched_inputs) {
    const std::string& input = rs.catalog.spec(index).id;
    auto stored = s.History(input, std::nullopt);
    if (!stored.ok()) return stored.status();
    auto& points = fetched[input];
    for (const auto& ob : *stored)
      if (ob.value) points.push_back({ob.date, *ob.value});
  }
  expr::InMemoryHistory history = alerts::BuildHistory(rs, c, fetched);
  std::vector<Observation> out;
  for (const auto& p : history.Points(d.series.index)) {
    if (expr::IsGap(p) || (since && p.date < *since)) continue;
    out.push_back({d.id, p.date, p.value});
  }
  return out;
}

Reply DerivedReply(store::Store& s, const config::Config& c, const config::DerivedConfig& d,
                   std::optional<Date> since) {
  auto history = DerivedHistory(s, c, d, since);
  if (!history.ok()) return FromStatus(history.status());
  boost::json::object o{{"id", d.id},
                        {"derived", true},
                        {"expr", d.text},
                        {"unit", std::string(UnitName(CanonicalUnit(d.series.dimension)))},
                        {"description", d.description},
                        {"release", nullptr},
                        {"freshness", nullptr}};
  o["observations"] = ObservationsJson(*history);
  o["rules"] = RulesOn(c, d.id);
  return WithEvents(s, d.id, since, std::move(o));
}

Reply SeriesReply(store::Store& s, const config::Config& c, const std::string& id,
                  std::optional<Date> since, TimePoint now) {
  const auto* sc = c.FindSeries(id);
  if (!sc) {
    if (const auto* d = FindDerived(c, id)) return DerivedReply(s, c, *d, since);
  }
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
  return WithEvents(s, id, since, std::move(o));
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
