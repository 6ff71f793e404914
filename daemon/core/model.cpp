#include "core/model.h"

#include <algorithm>

namespace liqwatch {

namespace {
constexpr std::pair<Severity, std::string_view> kSeverities[] = {
    {Severity::kInfo, "info"}, {Severity::kWarning, "warning"}, {Severity::kCritical, "critical"}};
constexpr std::pair<AlertState, std::string_view> kStates[] = {{AlertState::kInactive, "inactive"},
                                                               {AlertState::kPending, "pending"},
                                                               {AlertState::kFiring, "firing"},
                                                               {AlertState::kResolved, "resolved"},
                                                               {AlertState::kNoData, "no_data"}};

template <typename E, size_t N>
std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N], E e) {
  for (const auto& [v, name] : table)
    if (v == e) return name;
  return "?";
}
template <typename E, size_t N>
std::optional<E> ValueOf(const std::pair<E, std::string_view> (&table)[N], std::string_view s) {
  for (const auto& [v, name] : table)
    if (name == s) return v;
  return std::nullopt;
}
}  // namespace

std::string_view SeverityName(Severity s) { return NameOf(kSeverities, s); }
std::optional<Severity> ParseSeverity(std::string_view s) { return ValueOf(kSeverities, s); }
std::string_view AlertStateName(AlertState s) { return NameOf(kStates, s); }
std::optional<AlertState> ParseAlertState(std::string_view s) { return ValueOf(kStates, s); }

std::string JoinLabels(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out.append(out.empty() ? "" : ",").append(k + "=" + v);
  return out;
}

Labels SplitLabels(std::string_view text) {
  Labels out;
  while (!text.empty()) {
    size_t comma = std::min(text.find(','), text.size());
    std::string_view pair = text.substr(0, comma);
    if (size_t eq = pair.find('='); eq != std::string_view::npos)
      out.emplace_back(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
    text.remove_prefix(std::min(comma + 1, text.size()));
  }
  return out;
}

std::string InstanceName(std::string_view rule, std::string_view labels) {
  std::string out(rule);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  return out;
}

}  // namespace liqwatch
