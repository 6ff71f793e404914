// Generic JSON parser addressed with RFC 6901 JSON Pointers.
//
// Contract: pure function over the body; thread-safe; never throws. `rows_pointer` selects
// an array in the document ("" = the root itself); for each element, `date_pointer` and each
// value pointer are resolved relative to that element. On success: one RawPoint per (row,
// value), in array order, `column` = JsonValue::column. Values may be JSON numbers or strings
// (strings are cleaned with CleanNumber and `number_style`); JSON null and missing markers
// give value nullopt. A value pointer that does not resolve in a row is an error unless
// `missing_value_is_null`.
// Dates: kString parses a string with `date_format`; kUnixSeconds takes a number or a numeric
// string of seconds since 1970-01-01 UTC and uses its UTC calendar day; kAuto picks
// kUnixSeconds for numbers and all-digit strings, else kString.
// Errors (message prefixed with `name`, naming the pointer and the row index):
//   kParseError       invalid or truncated JSON, an unparsable date or value;
//   kLayoutChanged    rows_pointer does not resolve or is not an array, a row lacks the date;
//   kInvalidArgument  a malformed pointer (must be "" or start with '/'), rows after `today`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"
#include "sources/formats/number.h"

namespace liqwatch::sources {

enum class JsonDateKind { kString, kUnixSeconds, kAuto };

struct JsonValue {
  std::string column;   // RawPoint::column for this value ("" for a single-series feed)
  std::string pointer;  // relative to the row, e.g. "/value" or "/rates/0/percentRate"
};

struct JsonPointerOptions {
  std::string name = "JSON";  // prefix of error messages
  std::string rows_pointer;   // e.g. "/data", "/refRates", "" for a top-level array
  std::string date_pointer = "/date";
  JsonDateKind date_kind = JsonDateKind::kAuto;
  std::string date_format = "%Y-%m-%d";
  std::vector<JsonValue> values = {{"", "/value"}};
  NumberStyle number_style;  // default: "" and "." missing, plain numbers
  bool missing_value_is_null = false;
  std::optional<Date> today;
};

Result<std::vector<RawPoint>> ParseJsonPointer(std::string_view body,
                                               const JsonPointerOptions& options);

// The UTC calendar day of a unix timestamp in seconds.
Date DateFromUnixSeconds(int64_t seconds);

}  // namespace liqwatch::sources
