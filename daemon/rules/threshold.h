// Single-comparison rules: `series op threshold`.
//
// Contract: pure and thread-safe. The full expression language lives in rules/expr/.
#pragma once

#include "config/config.h"

namespace liqwatch::rules {

// True when `value` breaches the rule's threshold (value op threshold holds).
bool Breaches(const config::RuleConfig& rule, double value);

}  // namespace liqwatch::rules
