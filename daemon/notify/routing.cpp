#include "notify/routing.h"

#include <fnmatch.h>

#include <algorithm>

#include "notify/silences.h"

namespace liqwatch::notify {

bool GlobMatch(std::string_view p, std::string_view t) {
  return fnmatch(std::string(p).c_str(), std::string(t).c_str(), 0) == 0;
}

namespace {

bool Matches(const config::RouteConfig& r, const config::RuleConfig& rule,
             const std::string& labels, Severity severity) {
  if (!r.severities.empty() && std::find(r.severities.begin(), r.severities.end(),
                                         SeverityName(severity)) == r.severities.end())
    return false;
  if (!r.rules.empty() && std::none_of(r.rules.begin(), r.rules.end(), [&](const std::string& g) {
        return GlobMatch(g, rule.name);
      }))
    return false;
  std::string want;
  for (const auto& [k, v] : r.labels) want += (want.empty() ? "" : ",") + k + "=" + v;
  return LabelsMatch(want, labels);
}

}  // namespace

std::vector<std::string> Targets(const config::Config& c, const config::RuleConfig& rule,
                                 const std::string& labels, std::optional<Severity> severity) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& n) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto& n : rule.notify) add(n);
  for (const auto& r : c.routes) {
    if (!Matches(r, rule, labels, severity.value_or(rule.severity))) continue;
    for (const auto& n : r.notify) add(n);
    if (!r.continue_matching) break;
  }
  if (out.empty())
    for (const auto& n : c.notifiers) out.push_back(n.name);
  return out;
}

}  // namespace liqwatch::notify
