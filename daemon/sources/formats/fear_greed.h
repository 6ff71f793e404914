// alternative.me Crypto Fear & Greed index (https://api.alternative.me/fng/?limit=N).
//
// Contract: pure function over the body; thread-safe; never throws. On success: one RawPoint
// per element of "data", column "value", sorted oldest first (the API sends newest first);
// the date is the UTC day of "timestamp" (unix seconds as a string, 00:00 UTC). Values are
// index points 0..100 as published; a value outside 0..100 is a kParseError. A non-null
// "metadata.error" is returned as kUnavailable with its text. Other errors as for
// ParseJsonPointer (name "Fear&Greed"). Rows dated after `today` are rejected.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace liqwatch::sources {

struct FearGreedOptions {
  std::optional<Date> today;
};

Result<std::vector<RawPoint>> ParseFearGreed(std::string_view body,
                                             const FearGreedOptions& options);

// "{base}/fng/?limit=N" (N = 0: full history); `base` e.g. "https://api.alternative.me".
std::string FearGreedUrl(std::string_view base, int limit);

}  // namespace liqwatch::sources
