// When a rule instance may be judged for an observation date, live and in the backtest.
//
// Contract: a rule over several inputs (a spread such as sofr - iorb, through derived
// series) is judged for date D only once every input's print for D is in, or past its due
// time + grace on the input's release calendar (core/release.h); then the older print is used
// and the verdict says so. A new print is never compared with a superseded one just because
// one feed published a second earlier (the 2025-10-30 FOMC day: SOFR landed before the new
// target range). A policy rate (IORB, the target range: SeriesSpec::policy_rate) changes only
// on FOMC effective dates (core/fomc.h), so its print for D counts as in when its newest stored
// print is dated on or after the last decision in effect on D: SOFR's spread over IORB is
// judged when SOFR lands (08:00 ET), not when FRED copies IORB (10:00 ET); the day a decision
// takes effect it waits for the new rate. An input whose calendar has no print on D (a weekly
// series mid-week), or that has no calendar, never holds a date back. Live (alerts/live.cpp) asks
// whether D is ready at `now`; the backtest (alerts/replay.cpp) asks when D became ready. Pure,
// never throws, reads no clock.
#pragma once

#include <string>

#include "config/rules_config.h"
#include "core/time.h"
#include "rules/expr/series.h"

namespace liqwatch::alerts {

// When the print of series `spec` for observation date `date` is known: its due time, or the
// end of `date` (UTC) for a series without a calendar.
TimePoint KnownAt(const expr::SeriesSpec& spec, Date date);

struct Readiness {
  bool ready = true;  // every input's print for the date is in, or past due + grace, at `now`
  TimePoint at{};     // when that became true, from the prints' due times (backtest send time)
  // Inputs judged on an older print because theirs was late, e.g. "iorb for 2025-10-30 not
  // published by 10:00 ET on 2025-11-01: its 2025-10-29 print used"; "" if none.
  std::string older;
};

// `history` holds what is stored (live) or the whole replayed history (backtest; pass
// TimePoint::max() as `now`). The instance's clock must have a print on `d`.
Readiness ReadyFor(const config::RuleSet& rs, const expr::SeriesHistory& history,
                   const config::RuleInstance& instance, Date d, TimePoint now);

}  // namespace liqwatch::alerts
