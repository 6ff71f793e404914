// Judging a rule instance as of one observation date.
//
// Contract: pure; `now` only feeds age(). Judge evaluates one rule instance's crit, warn and clear
// conditions against `history` (indexed by the RuleSet's catalog, derived series included) as
// of `as_of` and returns the level reached. Missing inputs never read as false: if the
// conditions that decide the level are NoData the verdict is kNoData with the reason. Never
// throws; allocates only for `message` (Explain text of the deciding condition).
// The deciding condition: the highest level that holds (crit, else warn); with no breach, the
// clear condition if the rule has one and it holds, else the lowest level (warn, else crit),
// whose Explain then states why it does not hold ("sofr_iorb = 12bp < 15bp").
// A warn-level breach on a date the rule's `seasonal` condition holds is marked `seasonal`
// (the engine raises it at info) and its message ends with why: "...; routine: 2025-09-19 is
// 4bd after the 2025-09-15 tax date". NoData in `seasonal` counts as not seasonal.
// A rule written as `series op threshold` (RuleInstance::threshold) keeps that form's wording,
// "sofr 4.31% > 4.30% on 2025-10-28" or "sofr 4.20% back within 4.30% on 2025-10-29", and its
// verdict carries the threshold.
#pragma once

#include <optional>
#include <string>

#include "config/rules_config.h"
#include "rules/expr/program.h"

namespace liqwatch::alerts {

struct Verdict {
  enum class Level { kNone, kWarn, kCrit, kNoData };
  Level level = Level::kNone;
  std::optional<bool> clear;        // clear condition: nullopt if absent or NoData
  std::optional<double> value;      // left-hand value of the deciding condition, if numeric
  std::optional<double> threshold;  // a threshold rule's threshold
  bool seasonal = false;            // kWarn on a date the rule's `seasonal` condition holds
  std::string message;              // Explain() of the deciding condition, or the NoData reason
};

Verdict Judge(const config::RuleInstance& rule, const expr::SeriesHistory& history, Date as_of,
              TimePoint now, bool explain = true);

}  // namespace liqwatch::alerts
