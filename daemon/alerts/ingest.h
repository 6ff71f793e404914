// Storing one poll's observations and evaluating the rules on them, as one unit.
//
// Contract: IngestPoll runs on the store thread with the caller's Store. In ONE transaction
// (Store::Atomically) it stores the batch (per-operation series "<id>:op:.." first, the polled
// series last), evaluates every rule (alerts/live.h) on what changed, records each transition with
// its event, alert, rule_state and outbox rows, saves each rule instance's memory, and finally runs
// `finish(fresh)` (fresh: some observation was inserted or revised; the daemon records the source's
// health row and the response's validators there). Any error, or a crash before the commit, leaves
// nothing of it: the observations are not stored either, so the next poll brings them again and
// they are evaluated then. Hence each stored observation date is evaluated exactly once, and a
// conditional GET validator never claims data that was not stored. A fallback feed
// (SeriesConfig::fallback_of) stores under the series it feeds, each value with its source as
// provenance (store/store.h Provenance). Returns the deliveries queued.
#pragma once

#include <functional>
#include <vector>

#include "alerts/live.h"
#include "config/config.h"
#include "core/model.h"
#include "store/store.h"

namespace liqwatch::alerts {

using FinishFn = std::function<Status(store::Store&, bool fresh)>;

Result<int> IngestPoll(store::Store& s, const config::Config& c, const config::SeriesConfig& series,
                       const std::vector<Observation>& batch, TimePoint now,
                       const TargetsFn& targets, const FinishFn& finish);

}  // namespace liqwatch::alerts
