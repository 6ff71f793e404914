// Retry-After (RFC 9110 10.2.3): the one parser the poller and the notifiers share.
//
// Contract: pure and thread-safe, never throws. ParseRetryAfter turns the header's value (a
// number of seconds or an IMF-fixdate) into a delay from `now`, at most `max`: a server cannot
// park a feed or a notifier for longer than the configured ceiling, however large the number or
// however far the date (no overflow: digits beyond what fits saturate to `max`). A date in the
// past is a zero delay. nullopt when the header is absent or unreadable (the caller's own
// backoff applies).
#pragma once

#include <optional>
#include <string_view>

#include "core/time.h"

namespace liqwatch::http {

std::optional<Duration> ParseRetryAfter(std::string_view value, TimePoint now, Duration max);

}  // namespace liqwatch::http
