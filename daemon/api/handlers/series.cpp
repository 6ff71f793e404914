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
#include "core/release.h"
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

// The rules with an instance driven by series `id`, with the levels they draw.
boost::json::array RulesOn(const config::Config& c, const config::DeskUnits& desk,
                           const std::string& id) {
  boost::json::array rules;
  for (const auto& r : c.rules) {
    auto instances = RuleInstances(c, r);
    if (std::any_of(instances.begin(), instances.end(),
                    [&](const auto& inst) { return inst.second == id; })) {
      boost::json::object o = RuleInfoJson(c, r);
      o["levels"] = LevelsJson(c, desk, r);
      rules.push_back(std::move(o));
    }
  }
  return rules;
}

// What the dashboard shows of the series' values, written by the formatting layer: its desk
// unit (for chart axis ticks) and its latest print with the change on the print before.
void AddDisplay(const config::DeskUnits& desk, const std::string& id,
                const std::vector<Observation>& history, boost::json::object& o) {
  o["unit_display"] = std::string(config::DeskUnitName(desk.SeriesUnit(id)));
  const Observation* last = nullptr;
  const Observation* prev = nullptr;
  for (const auto& ob : history) {
    if (!ob.value) continue;
    prev = last;
    last = &ob;
  }
  if (!last) {
    o["latest"] = nullptr;
    return;
  }
  boost::json::object latest{{"date", FormatDate(last->date)},
                             {"value", *last->value},
                             {"value_display", desk.SeriesValue(id, *last->value)},
                             {"change_display", nullptr}};
  if (prev) latest["change_display"] = desk.SeriesChange(id, *last->value - *prev->value);
  o["latest"] = std::move(latest);
}

// When each served print was published, from the series' release calendar: a chart marks
// the publication days (a weekly or lagged series' print lands days after its date). The
// newest kMaxReleases prints only: a chart draws about a year.
boost::json::array ReleasesJson(const ReleaseSchedule& schedule,
                                const std::vector<Observation>& history) {
  constexpr std::size_t kMaxReleases = 400;
  boost::json::array out;
  const std::size_t from = history.size() > kMaxReleases ? history.size() - kMaxReleases : 0;
  for (std::size_t i = from; i < history.size(); ++i) {
    auto due = DueTime(schedule, history[i].date);
    if (!due.ok()) continue;
    out.push_back(boost::json::object{
        {"date", FormatDate(history[i].date)},
        {"publication_day", FormatDate(PublicationDay(schedule, history[i].date))},
        {"due", FormatTime(*due)},
        {"due_display", FormatNewYork(*due)}});
  }
  return out;
}

// `o` with the firing and resolved events on series `id` added, as the answer.
Reply WithEvents(store::Store& s, const config::DeskUnits& desk, const std::string& id,
                 std::optional<Date> since, boost::json::object o) {
  auto events = s.SeriesEvents(id, since);
  if (!events.ok()) return FromStatus(events.status());
  boost::json::array ev;
  for (const auto& e : *events) {
    boost::json::object event = store::AlertEventJson(e);
    AddAlertDisplay(desk, event);
    ev.push_back(std::move(event));
  }
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
  const auto desk = config::DeskUnits::Build(c);
  o["observations"] = ObservationsJson(*history);
  AddDisplay(desk, d.id, *history, o);
  o["releases"] = boost::json::array();  // computed: published when its inputs are
  o["rules"] = RulesOn(c, desk, d.id);
  return WithEvents(s, desk, d.id, since, std::move(o));
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
  const auto desk = config::DeskUnits::Build(c);
  o["observations"] = ObservationsJson(*history);
  AddDisplay(desk, id, *history, o);
  o["releases"] = sc && sc->release ? ReleasesJson(*sc->release, *history) : boost::json::array();
  o["rules"] = RulesOn(c, desk, id);
  return WithEvents(s, desk, id, since, std::move(o));
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
