// The alert filters of `liqwatch alerts` and GET /api/v1/alerts, parsed one way.
//
// Contract: ParseAlertFilter reads the filters in kAlertFilters from `given` (the text as the
// user typed it; a filter absent from the map is not applied) and returns the AlertQuery, or
// kInvalidArgument "NAME: problem" where NAME is the filter's name after `name_prefix` ("--"
// for CLI flags, "" for query parameters). since/until take YYYY-MM-DD or a duration back from
// `now` (core/time.h ParseSince); severity and state must be one of the values below; limit is
// a whole number from 1 to max_limit (0: no upper bound beyond int), default 100; cursor is a
// page's `next` (FormatAlertCursor), and the answer continues after it. Keys not in
// kAlertFilters are ignored (the caller rejects unknown ones as it sees fit). Pure.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace liqwatch::store {

inline constexpr std::array<std::string_view, 9> kAlertFilters = {
    "since", "until", "rule", "severity", "state", "series", "text", "limit", "cursor"};

// The cursor after `last`, the oldest row of a page: "OPENED_AT~ID" (only "~" and
// characters that need no escaping in a URL query).
std::string FormatAlertCursor(const AlertRow& last);

Result<AlertQuery> ParseAlertFilter(const std::map<std::string, std::string>& given, TimePoint now,
                                    std::string_view name_prefix, int max_limit);

}  // namespace liqwatch::store
