// Live evaluation of the rules after a batch of observations was stored.
//
// Contract: runs on the store thread with the caller's Store. For every rule instance
// (config::RuleInstance: one per for_each item) whose clock series (through derived series) is
// `series`, evaluates each newly stored observation date later than the instance's last evaluated
// date, in date order (an instance never evaluated starts at the newest date: history is for
// backtests, not pages), records each transition with RecordTransition (event + alert + outbox rows
// in one transaction, notified transitions to `targets(rule, transition)`) and saves the instance's
// memory (keyed by rule name and labels). An instance that merely reads `series` (not its clock),
// last judged on its clock's newest date D, is judged on D again when it is in no_data or when a
// new observation of `series` dated after the clock's previous date and on or before D arrived: an
// input published after the clock series (IORB after SOFR, a new target range on an FOMC day)
// corrects the state the same day instead of at the clock's next print. A date judged again counts
// once for `for:`. Returns the number of deliveries queued. The caller runs it inside
// Store::Atomically with the ingest of `changed` (alerts/ingest.h), so the observations, the
// transitions and the saved memory commit together: memory is never ahead of or behind the alerts,
// and a stored date is never left unevaluated. The same holds for EvaluateAgeRules and
// RetireRemovedInstances below.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/model.h"
#include "store/store.h"

namespace liqwatch::alerts {

// The notifiers a notified transition of `rule` goes to (routes match its labels and severity).
using TargetsFn =
    std::function<std::vector<std::string>(const config::RuleConfig&, const store::Transition&)>;

Result<int> EvaluateRules(store::Store& s, const config::Config& c, const std::string& series,
                          const std::vector<Observation>& changed, TimePoint now,
                          const TargetsFn& targets);

// The timer side of live evaluation (the daemon calls it every `evaluation.age_interval`), same
// thread and persistence contract as EvaluateRules: every rule instance whose
// conditions use age() is judged with `now` as of the newest observation date of its clock
// series (or the date it last evaluated, if later), so a feed that stops publishing trips its
// staleness rule without any new observation. An instance whose clock series has no
// observation is skipped.
// Returns the number of deliveries queued.
// On start and on every reload, with the same thread contract: an alert instance that is
// firing (or pending) but no longer in the config (its rule, or its for_each item, was removed
// or renamed) would stay open forever. Each firing one is resolved with kind "resolved" and a
// message saying why, delivered to the notifiers that received its opening (its alert's
// deliveries), so receivers can close it; a pending or no_data one is reset to inactive
// without notification. Its rule memory is forgotten either way. Returns the deliveries queued.
Result<int> RetireRemovedInstances(store::Store& s, const config::Config& c, TimePoint now);

Result<int> EvaluateAgeRules(store::Store& s, const config::Config& c, TimePoint now,
                             const TargetsFn& targets);

}  // namespace liqwatch::alerts
