// The set-up every feed-parser harness shares (fuzz/*_fuzz.cpp): take the input as text, parse
// it, check a failure against the contract's error codes, and check what every success
// promises (finite values, nothing after "today"), leaving each harness only its own
// properties.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/properties.h"

namespace liqwatch::fuzz {

// The error codes every feed parser may return for a body it cannot read.
inline const std::vector<Status::Code> kParseErrors = {
    Status::Code::kParseError, Status::Code::kLayoutChanged, Status::Code::kInvalidArgument};

// kParseErrors and `more`.
inline std::vector<Status::Code> ParseErrorsAnd(std::initializer_list<Status::Code> more) {
  std::vector<Status::Code> out = kParseErrors;
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

struct FeedHarness {
  const char* parser;                                // the name in failure messages
  std::vector<Status::Code> allowed = kParseErrors;  // the codes a failure may carry
  std::string_view prefix = {};                      // what a failure's message must start with
  bool dated_until_today = true;  // the parser takes FuzzToday() and rejects later rows
};

// The points `parse(body)` returns for the fuzz input (at most 64 KiB), checked finite and,
// when h.dated_until_today, not after FuzzToday(); nullopt when the input is skipped or the
// parse failed (its error checked against h).
template <typename Parse>
std::optional<std::vector<RawPoint>> FeedPoints(const uint8_t* data, size_t size,
                                                const FeedHarness& h, Parse parse) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return std::nullopt;
  auto r = parse(*body);
  if (!r.ok()) {
    CheckError(r.status(), h.allowed, h.parser, h.prefix);
    return std::nullopt;
  }
  CheckFinite(*r, h.parser);
  if (h.dated_until_today) CheckNotAfter(*r, FuzzToday(), h.parser);
  return std::move(*r);
}

}  // namespace liqwatch::fuzz
