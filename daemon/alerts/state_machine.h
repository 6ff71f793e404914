// The alert state machine for threshold rules.
//
// Contract: pure; `now` is passed in, never read. Given a rule, its previous persisted state
// (nullptr: never evaluated) and a new observation, returns the transition to record, or
// nullopt when the state does not change:
//   not firing + breach        -> firing   (an alert opens; notified)
//   firing + breach            -> nothing  (no repeat)
//   firing + back inside       -> resolved (the alert closes; notified)
//   missing value (holiday)    -> nothing
#pragma once

#include <optional>

#include "config/config.h"
#include "core/model.h"
#include "store/store.h"

namespace liqwatch::alerts {

std::optional<store::Transition> Evaluate(const config::RuleConfig& rule,
                                          const config::SeriesConfig& series,
                                          const store::RuleState* previous,
                                          const Observation& observation, TimePoint now);

// Whether a transition of this kind is sent to notifiers.
bool IsNotified(const store::Transition& t);

}  // namespace liqwatch::alerts
