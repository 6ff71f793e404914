// Routing: which notifiers an alert event of a rule goes to.
//
// Contract: pure function of the config, thread-safe. Targets(c, rule) is the rule's own
// `notify:` list plus the notifiers of every matching route (`routes:`, in file order; a route
// without `continue: true` stops the search when it matches), without duplicates, in first-
// seen order. If that is empty, the alert goes to every notifier, so an alert is never
// dropped by a routing gap. A route matches when all its conditions hold: `severity` (one of,
// the event's severity),
// `rule` (one of; `*` globs), `labels` (every k=v among the rule's labels, "k=v,k2=v2").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace liqwatch::notify {

// `labels`: the alert instance's labels (config::RuleInstance); `severity`: the event's
// severity (a warn+crit rule alerts at either), default the rule's.
std::vector<std::string> Targets(const config::Config& c, const config::RuleConfig& rule,
                                 const std::string& labels = "",
                                 std::optional<Severity> severity = std::nullopt);
// Shell-style glob, fnmatch(3): '*' any run of characters, '?' one, [a-z] a class.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace liqwatch::notify
