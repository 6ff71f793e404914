#include "rules/threshold.h"

namespace liqwatch::rules {

bool Breaches(const config::RuleConfig& rule, double value) {
  switch (rule.op) {
    case config::Comparison::kGreater:
      return value > rule.threshold;
    case config::Comparison::kGreaterEqual:
      return value >= rule.threshold;
    case config::Comparison::kLess:
      return value < rule.threshold;
    case config::Comparison::kLessEqual:
      return value <= rule.threshold;
  }
  return false;
}

}  // namespace liqwatch::rules
