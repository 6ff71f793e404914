#include "alerts/ingest.h"

#include <map>

#include "alerts/state_machine.h"
#include "core/log.h"

namespace liqwatch::alerts {

namespace {

struct Ingested {
  int deliveries = 0;
  bool new_observations = false;  // inserted or revised
};

// Threshold rules on `series`: each changed observation newer than the rule's last one.
Result<int> EvaluateThresholdRules(store::Store& s, const config::Config& c,
                                   const config::SeriesConfig& series,
                                   const std::vector<Observation>& changed, TimePoint now,
                                   const TargetsFn& targets) {
  int deliveries = 0;
  for (const auto& rule : c.rules) {
    if (rule.expr || rule.series != series.id) continue;
    auto prev = s.GetRuleState(rule.name, "");
    if (!prev.ok()) return prev.status();
    std::vector<const Observation*> todo;
    for (const auto& o : changed) {
      if (!o.value || (o.provisional && !series.alert_on_provisional)) continue;
      // A rule never evaluated starts at the newest value: history is for backtests, not pages.
      if (*prev && (*prev)->last_obs_date && FormatDate(o.date) < *(*prev)->last_obs_date) continue;
      todo.push_back(&o);
    }
    if (!*prev && todo.size() > 1) todo.erase(todo.begin(), todo.end() - 1);
    for (const Observation* o : todo) {
      auto state = s.GetRuleState(rule.name, "");
      if (!state.ok()) return state.status();
      const store::RuleState* p = *state ? &**state : nullptr;
      auto t = Evaluate(rule, series, p, *o, now);
      if (!t) {
        auto st = p ? s.TouchRuleState(rule.name, "", o->date, o->value)
                    : s.InitRuleState(rule.name, "", o->date, o->value, now);
        if (!st.ok()) return st;
        continue;
      }
      auto to = IsNotified(*t) ? targets(rule, *t) : std::vector<std::string>{};
      auto rec = s.RecordTransition(*t, to);
      if (!rec.ok()) return rec.status();
      Logger("alerts")->info(
          "event=transition rule={} from={} to={} obs_date={} value={} "
          "deliveries={} message=\"{}\"",
          t->rule, AlertStateName(t->from), AlertStateName(t->to), FormatDate(t->obs_date),
          t->value.value_or(0), rec->deliveries, t->message);
      deliveries += rec->deliveries;
    }
  }
  return deliveries;
}

// Store one series' observations and evaluate the rules on what changed.
Result<Ingested> IngestSeries(store::Store& s, const config::Config& c,
                              const config::SeriesConfig& series,
                              const std::vector<Observation>& batch, TimePoint now,
                              const TargetsFn& targets) {
  auto stats = s.IngestObservations(series.id, CanonicalUnit(DimensionOf(series.unit)), batch, now);
  if (!stats.ok()) return stats.status();
  auto threshold = EvaluateThresholdRules(s, c, series, stats->changed, now, targets);
  if (!threshold.ok()) return threshold.status();
  auto expr = EvaluateExprRules(s, c, series.id, stats->changed, now, targets);
  if (!expr.ok()) return expr.status();
  return Ingested{*threshold + *expr, stats->inserted + stats->revised > 0};
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
      if (auto st = ingest(sub, obs); !st.ok()) return st;
    }
    if (auto st = ingest(series, own ? own.mapped() : std::vector<Observation>{}); !st.ok())
      return st;
    if (finish) {
      if (auto st = finish(s, fresh); !st.ok()) return st;
    }
    return deliveries;
  });
}

}  // namespace liqwatch::alerts
