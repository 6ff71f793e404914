#include "alerts/ingest.h"

#include <map>

namespace liqwatch::alerts {

namespace {

struct Ingested {
  int deliveries = 0;
  bool new_observations = false;  // inserted or revised
};

// Store one series' observations and evaluate the rules on what changed.
Result<Ingested> IngestSeries(store::Store& s, const config::Config& c,
                              const config::SeriesConfig& series,
                              const std::vector<Observation>& batch, TimePoint now,
                              const TargetsFn& targets) {
  // A fallback feed stores under the series it feeds; a print the primary already delivered
  // is not reported changed, so it is not judged again (store/store.h).
  const store::Provenance from{series.source, !series.fallback_of.empty()};
  auto stats = s.IngestObservations(series.stored_id(), CanonicalUnit(DimensionOf(series.unit)),
                                    batch, now, from);
  if (!stats.ok()) return stats.status();
  auto deliveries = EvaluateRules(s, c, series.stored_id(), stats->changed, now, targets);
  if (!deliveries.ok()) return deliveries.status();
  return Ingested{*deliveries, stats->inserted + stats->revised > 0};
}

}  // namespace

Result<int> IngestPoll(store::Store& s, const config::Config& c, const config::SeriesConfig& series,
                       const std::vector<Observation>& batch, TimePoint now,
                       const TargetsFn& targets, const FinishFn& finish) {
  std::map<std::string, std::vector<Observation>> by_series;
  for (const auto& o : batch) by_series[o.series].push_back(o);
  auto own = by_series.extract(series.id);  // empty after a 304
  return s.Atomically([&]() -> Result<int> {
    int deliveries = 0;
    bool fresh = false;
    auto ingest = [&](const config::SeriesConfig& se, const std::vector<Observation>& obs) {
      auto r = IngestSeries(s, c, se, obs, now, targets);
      if (!r.ok()) return r.status();
      deliveries += r->deliveries;
      fresh = fresh || r->new_observations;
      return Status::Ok();
    };
    for (const auto& [id, obs] : by_series) {
      config::SeriesConfig sub = series;
      sub.id = id;
      sub.fallback_of.clear();
      if (auto st = ingest(sub, obs); !st.ok()) return st;
    }
    std::vector<Observation> mine = own ? std::move(own.mapped()) : std::vector<Observation>{};
    for (auto& o : mine) o.series = series.stored_id();
    if (auto st = ingest(series, mine); !st.ok()) return st;
    if (finish) {
      if (auto st = finish(s, fresh); !st.ok()) return st;
    }
    return deliveries;
  });
}

}  // namespace liqwatch::alerts
