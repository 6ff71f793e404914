// Small Boost.JSON helpers shared by the JSON feed parsers (internal to sources/formats).
//
// Contract: pure, thread-safe, never throw (all Boost.JSON calls use the error_code forms or
// check kinds before access).
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "core/status.h"
#include "sources/formats/number.h"

namespace liqwatch::sources {

// Parses a whole body as JSON. On failure: ParseError "<what>: invalid JSON at offset N: ...".
Result<boost::json::value> ParseJsonBody(std::string_view body, std::string_view what);

// What a value is, for "expected X, found Y" messages: "an array of 3 elements",
// "an object with keys [a, b]", "the string \"abc\"", "the number 4.5", "null", "true".
std::string DescribeJson(const boost::json::value& v);

// A JSON string or number as text; "" for other kinds. Numbers keep their JSON spelling
// as closely as Boost.JSON allows (integers exact, doubles via serialize()).
std::string JsonScalarText(const boost::json::value& v);

// A JSON number is a number; a JSON string goes through CleanNumber(style); null is missing;
// anything else (bool, array, object) is invalid.
NumberCell JsonNumberCell(const boost::json::value& v, const NumberStyle& style);

// Case-insensitive ASCII comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace liqwatch::sources
