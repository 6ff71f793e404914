// URL helpers shared by the feed URL builders (internal to sources/formats).
//
// Contract: pure, thread-safe, never throw.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liqwatch::sources {

// RFC 3986 percent-encoding of everything except unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string PercentEncode(std::string_view text);

// base with any trailing '/' removed, followed by path (which should start with '/').
std::string JoinUrl(std::string_view base, std::string_view path);

// "?k=v&k2=v2" with values percent-encoded; keys are written as given (so "page[size]" stays
// readable: servers accept both the raw and the encoded bracket form). Empty list -> "".
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace liqwatch::sources
