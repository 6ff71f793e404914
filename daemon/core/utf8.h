// Well-formed UTF-8 for text that goes into JSON answers.
//
// Contract: pure, thread-safe, never throws. ValidUtf8 returns `text` unchanged when it is
// well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), and
// otherwise replaces each byte that does not start a well-formed sequence with U+FFFD. Boost.JSON
// serialises strings byte for byte, so an error message quoting a request's raw bytes would
// otherwise make the answer invalid JSON.
#pragma once

#include <string>
#include <string_view>

namespace liqwatch {

std::string ValidUtf8(std::string_view text);

}  // namespace liqwatch
