// Replaying history through the rule engine: shared by the live daemon (evaluate
// the dates a new batch brought) and `liqwatch backtest` (evaluate every date in a range).
//
// Contract: pure functions of their arguments (no clock, no I/O, nothing sent). BuildHistory
// fills an InMemoryHistory indexed by the config's RuleSet catalog from per-series points of
// the fetched series (canonical units, sorted, missing values left out) and computes every
// derived series over them. Backtest replays in release-time order: each observation becomes
// known at its release time (the series' release calendar; the end of its date without one).
// A rule instance is judged as of each date its clock series has an observation, at the time
// every input's print for that date is in or late (alerts/readiness.h, the same rule as live),
// with `now` = that time; the transition's eval_time is that time, the moment the alert would
// have been sent. Instances with age() or late() are judged when each print of their clock
// lands and when each goes late (due + grace), as of the newest print known then; without a
// calendar, at the end of every US business day. Transitions come in send-time order (rule and
// instance order within the same instant). Output is deterministic for a given input.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/engine.h"
#include "config/config.h"
#include "config/rules_config.h"
#include "rules/expr/series.h"

namespace liqwatch::alerts {

// `fetched`: series id -> points. Ids not in the config are ignored.
expr::InMemoryHistory BuildHistory(const config::RuleSet& rs, const config::Config& c,
                                   const std::map<std::string, std::vector<expr::Point>>& fetched);

// The evaluation time used for an observation date in replays: the end of that day (UTC).
TimePoint EndOfDay(Date d);

// The newest observation date of the fetched series that drives `instance` (its clock, through
// derived series): the date a rule instance is judged "as of now". nullopt if none.
std::optional<Date> NewestClockDate(const config::RuleSet& rs, const expr::SeriesHistory& history,
                                    const config::RuleInstance& instance);

std::vector<store::Transition> Backtest(const config::Config& c, const expr::SeriesHistory& history,
                                        Date from, Date to);

// The same replay over a history that changes with the evaluation date (data as known on each
// date, alerts/history_input.h KnownHistory): the dates to evaluate come from `dates` (the
// history as known now), each date is judged against `history_at(date)`. `history_at` is called
// in send-time order (dates mostly ascending); the reference it returns must stay valid until
// its next call.
using HistoryAt = std::function<const expr::SeriesHistory&(Date)>;
std::vector<store::Transition> Backtest(const config::Config& c, const expr::SeriesHistory& dates,
                                        const HistoryAt& history_at, Date from, Date to);

}  // namespace liqwatch::alerts
