// /api/v1/sources: each configured source with its series, their health and freshness, and the
// derived series defined over them, and the scheduled FOMC decision days.
#include "api/config_json.h"
#include "api/handlers.h"
#include "config/rules_config.h"
#include "core/fomc.h"
#include "store/alert_json.h"

namespace liqwatch::api {

namespace {

Reply SourcesReply(store::Store& s, const config::Config& c, TimePoint now) {
  auto health = s.SourceHealth();
  if (!health.ok()) return FromStatus(health.status());
  auto latest = s.LatestObservations();
  if (!latest.ok()) return FromStatus(latest.status());
  boost::json::array sources;
  for (const auto& src : c.sources) {
    boost::json::array series;
    for (const auto& se : c.series) {
      if (se.source != src.name) continue;
      boost::json::object o = SeriesInfoJson(se);
      o["health"] = nullptr;
      for (const auto& h : *health) {
        const bool own = h.series == se.id;
        // The fallback feed's own polls (health row "<id>@<source>").
        const bool fallback = se.fallback && h.series == se.id + "@" + se.fallback->source;
        if (!own && !fallback) continue;
        boost::json::object hj = store::SourceHealthJson(h);
        AddTimeDisplay(hj, {"last_success_at", "last_error_at", "last_new_observation_at"});
        if (own)
          o["health"] = std::move(hj);
        else
          o["fallback"].as_object()["health"] = std::move(hj);
      }
      o["freshness"] = FreshnessJson(se, LatestDate(*latest, se.id), now);
      series.push_back(std::move(o));
    }
    sources.push_back(
        boost::json::object{{"name", src.name}, {"type", src.type}, {"series", std::move(series)}});
  }
  boost::json::array derived;
  if (c.rule_set)
    for (const auto& d : c.rule_set->derived)
      derived.push_back(
          boost::json::object{{"id", d.id}, {"expr", d.text}, {"description", d.description}});
  // The scheduled FOMC decision days (core/fomc.h), which the dashboard marks on its charts.
  boost::json::array fomc;
  for (Date d : FomcDecisionDates()) fomc.push_back(boost::json::string(FormatDate(d)));
  return Json(boost::json::object{{"sources", std::move(sources)},
                                  {"derived", std::move(derived)},
                                  {"fomc_decisions", std::move(fomc)}});
}

}  // namespace

boost::asio::awaitable<Reply> ListSources(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {})) co_return *bad;
  auto job = [config = call.config, now = call.now](store::Store& s) {
    return SourcesReply(s, *config, now);
  };
  co_return co_await svc.reader.Run(job);
}

}  // namespace liqwatch::api
