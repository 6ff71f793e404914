// The alert state machine, for every rule (a threshold rule is an expression rule once loaded,
// config/rules_config.h).
//
// Contract: pure; `now` is passed in, never read. Step() takes a rule instance's memory (what it
// knew after its previous evaluation), the verdict for a new observation date and returns the
// transition to record, if any, updating `memory` in place. States:
//
//   inactive/resolved --breach--> pending (for: not yet met) --breach held--> firing
//   pending --no breach--> inactive          firing --level changes--> firing (escalated/...)
//   firing --no breach and (clear holds, if given) and min_time elapsed--> resolved
//   firing --still breaching, repeat elapsed since last notification--> firing (reminder)
//   any state but firing --NoData--> no_data --data back--> inactive (or pending/firing)
//
// A firing alert stays open through NoData (missing data neither resolves nor re-sends it). A
// missing input is never a silent false: non-firing rules enter no_data. `for:` counts
// consecutive breaching observation dates (a date judged again, by the age() timer or when a
// late input arrives, counts once) and/or time between the first breaching observation date
// and this one; min_time is measured in observation dates; repeat in evaluation time.
#pragma once

#include <optional>
#include <string>

#include "alerts/judge.h"
#include "config/config.h"
#include "config/rules_config.h"
#include "core/model.h"
#include "store/store.h"

namespace liqwatch::alerts {

struct RuleMemory {
  AlertState state = AlertState::kInactive;
  Severity severity = Severity::kWarning;  // of the open alert or pending level
  Date since_date{};                       // observation date the state was entered
  int breach_count = 0;                    // consecutive breaching evaluations
  Date breach_start{};                     // observation date of the first of them
  std::optional<TimePoint> last_notified;
  std::optional<Date> last_obs;  // newest observation date evaluated
};

// `labels` names the rule instance (config::RuleInstance, "" unless the rule has for_each) and
// `series` its clock series; both are copied into the transition.
std::optional<store::Transition> Step(const config::RuleConfig& rule, const std::string& series,
                                      const std::string& labels, RuleMemory& memory,
                                      const Verdict& verdict, Date obs_date, TimePoint now);

// Whether a transition of this kind is sent to notifiers (opening, closing, reminding and
// changing the level of an alert; not pending, inactive or no_data).
bool IsNotified(const store::Transition& t);

}  // namespace liqwatch::alerts
