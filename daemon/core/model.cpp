#include "core/model.h"

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

}  // namespace liqwatch
