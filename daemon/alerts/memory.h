// Persistence of RuleMemory (alerts/engine.h) in the rule_memory table (migration 0002).
//
// Contract: Load returns the stored memory, or nullopt for a rule never evaluated. Save
// upserts it. Both run on the store thread (the caller's Store); errors are kIoError values.
#pragma once

#include <optional>
#include <string>

#include "alerts/engine.h"
#include "store/store.h"

namespace liqwatch::alerts {

Result<std::optional<RuleMemory>> LoadMemory(store::Store& s, const std::string& rule,
                                             const std::string& labels);
Status SaveMemory(store::Store& s, const std::string& rule, const std::string& labels,
                  const RuleMemory& m);
// Forgets an instance (a rule or for_each item removed from the config): if it comes back, it
// starts from inactive. No-op if absent.
Status DeleteMemory(store::Store& s, const std::string& rule, const std::string& labels);

}  // namespace liqwatch::alerts
