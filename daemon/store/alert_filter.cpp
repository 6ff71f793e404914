#include "store/alert_filter.h"

#include <climits>

#include <fmt/format.h>

namespace liqwatch::store {

namespace {

std::optional<AlertCursor> ParseCursor(const std::string& text) {
  auto tilde = text.rfind('~');
  if (tilde == std::string::npos) return std::nullopt;
  AlertCursor c;
  c.opened_at = text.substr(0, tilde);
  const std::string id = text.substr(tilde + 1);
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  c.id = std::stoll(id);
  auto t = ParseTime(c.opened_at);
  if (!t.ok() || FormatTime(*t) != c.opened_at) return std::nullopt;  // exactly as stored
  return c;
}

}  // namespace

std::string FormatAlertCursor(const AlertRow& last) {
  return fmt::format("{}~{}", last.opened_at, last.id);
}

Result<AlertQuery> ParseAlertFilter(const std::map<std::string, std::string>& given, TimePoint now,
                                    std::string_view name_prefix, int max_limit) {
  auto get = [&](const char* k) -> std::optional<std::string> {
    auto it = given.find(k);
    return it == given.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto bad = [&](const char* k, const std::string& problem) {
    return Status::InvalidArgument(fmt::format("{}{}: {}", name_prefix, k, problem));
  };
  AlertQuery q;
  for (auto [key, target] : {std::pair{"since", &q.since}, std::pair{"until", &q.until}}) {
    auto text = get(key);
    if (!text) continue;
    auto t = ParseSince(*text, now);
    if (!t.ok()) return bad(key, t.status().message());
    *target = *t;
  }
  q.rule = get("rule");
  q.series = get("series");
  q.text = get("text");
  q.severity = get("severity");
  if (q.severity && *q.severity != "info" && *q.severity != "warning" && *q.severity != "critical")
    return bad("severity",
               fmt::format("unknown '{}', expected info, warning or critical", *q.severity));
  q.state = get("state");
  if (q.state && *q.state != "firing" && *q.state != "resolved")
    return bad("state", fmt::format("unknown '{}', expected firing or resolved", *q.state));
  if (auto text = get("limit")) {
    const int64_t most = max_limit > 0 ? max_limit : INT_MAX;
    int64_t n = 0;
    bool digits = !text->empty() && text->size() <= 18;  // fits int64_t
    for (char c : *text) {
      digits = digits && c >= '0' && c <= '9';
      if (digits) n = n * 10 + (c - '0');
    }
    if (!digits || n < 1 || n > most)
      return bad("limit", max_limit > 0 ? fmt::format("expected a number from 1 to {}", max_limit)
                                        : std::string("expected a positive number"));
    q.limit = static_cast<int>(n);
  }
  if (auto text = get("cursor")) {
    q.after = ParseCursor(*text);
    if (!q.after)
      return bad("cursor",
                 fmt::format("'{}' is not a cursor; pass the `next` of a previous page", *text));
  }
  return q;
}

}  // namespace liqwatch::store
