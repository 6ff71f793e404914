// Live evaluation of the rules after a batch of observations was stored.
//
// Contract: runs on the store thread with the caller's Store. For every rule instance
// (config::RuleInstance: one per for_each item) that reads `series` (as its clock, through
// derived series, or as another input), judges each stored date of its clock later than the
// instance's last judged date, in date order (an instance never judged starts at the newest date:
// history is for backtests, not pages), each only once every input's print for that date is in
// or past due + grace on its release calendar (alerts/readiness.h: SOFR landing before the new
// target range waits for it, so a spread never mixes a new print with a superseded one; a late
// input's older print is used and the message says so). A date still waiting stops the
// instance there; the waited-for input's arrival, or the age timer once it is late, judges it.
// When an input for the date last judged arrives after it was judged (it was late), or the rule
// is in no_data, that date is judged again (counted once for `for:`). Each transition is
// recorded with RecordTransition (event + alert + outbox rows in one transaction, notified
// transitions to `targets(rule, transition)`) and the instance's memory (keyed by rule name and
// labels) saved. Returns the number of deliveries queued. The caller runs it inside
// Store::Atomically with the ingest of `changed` (alerts/ingest.h), so the observations, the
// transitions and the saved memory commit together: memory is never ahead of or behind the
// alerts. The same holds for EvaluateAgeRules and RetireRemovedInstances below.
// Both read only the window of history the judging needs (expr::Program::ReadsBack through
// derived series, in days by each input's release cadence, plus max_age and two weeks'
// margin), not each input's whole history; an instance using age() or reading a series
// without a release calendar reads the whole history.
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
// thread and persistence contract as EvaluateRules: every rule instance whose conditions use
// age() or late() is judged with `now` as of the newest clock date it can judge (or the date it
// last judged), so a feed that stops publishing trips its staleness rule without any new
// observation; and every instance holding a clock date back for an input catches up once that
// input is late. An instance whose clock series has no observation is skipped. A late() rule
// is not judged while a late input's feed has had no poll attempt since the print's deadline
// (source health): a daemon starting on stale data does not raise one "late" alert per feed
// that its first polls then resolve. Returns the number of deliveries queued.
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
