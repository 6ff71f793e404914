// Replaying history through the rule engine: shared by the live daemon (evaluate
// the dates a new batch brought) and `liqwatch backtest` (evaluate every date in a range).
//
// Contract: pure functions of their arguments (no clock, no I/O, nothing sent). BuildHistory
// fills an InMemoryHistory indexed by the config's RuleSet catalog from per-series points of
// the fetched series (canonical units, sorted, missing values left out) and computes every
// derived series over them. Backtest walks observation dates in order; on each date it
// evaluates every rule instance whose clock series has an observation that day
// (instances with age() are evaluated on every US business day), with now = the end of that
// day, and returns every transition in (date, rule and instance order). Output is deterministic
// for a given input.
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
// in date order; the reference it returns must stay valid until its next call.
using HistoryAt = std::function<const expr::SeriesHistory&(Date)>;
std::vector<store::Transition> Backtest(const config::Config& c, const expr::SeriesHistory& dates,
                                        const HistoryAt& history_at, Date from, Date to);

}  // namespace liqwatch::alerts
