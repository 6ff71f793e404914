// FRED feeds: the API's /fred/series/observations JSON and the keyless fredgraph.csv.
//
// Contract (all functions): pure functions over the response body; thread-safe; never throw.
// On success they return one RawPoint per observation row, in the order of the body (FRED
// sends ascending dates), with `column` empty and `provisional` false. A published missing
// value ("." in JSON, "" or "." in CSV) is a point with value == nullopt, not an error.
// On failure they return a non-OK Status whose message says what was expected and what was
// found (and the line for CSV):
//   kParseError     body is not valid JSON/CSV, a date or a number cell is malformed, or the
//                   body is cut short (truncated last line);
//   kLayoutChanged  the body parsed but has another shape (no "observations" array, header
//                   naming another series or other columns);
//   kInvalidArgument / kUnavailable / kHttpError
//                   the body is FRED's error JSON {"error_code": N, "error_message": "..."}:
//                   400 -> kInvalidArgument, 429 and 5xx -> kUnavailable (retryable), other
//                   codes -> kHttpError. The message carries FRED's error_message verbatim
//                   (FRED never echoes the api_key in it).
// URL builders return a URL; api_key is placed in the query as given, so callers must redact
// URLs before logging them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace liqwatch::sources {

// Body of GET {base}/fred/series/observations?series_id=..&api_key=..&file_type=json.
Result<std::vector<RawPoint>> ParseFredJson(std::string_view body);

// Body of GET {base}/graph/fredgraph.csv?id=<series_id>. Header must be
// "observation_date,<series_id>" or the legacy "DATE,<series_id>" (series id compared
// case-insensitively). Tolerates a UTF-8 BOM, CRLF, and a missing final newline as long as
// the last line is complete (a well-formed date and value).
Result<std::vector<RawPoint>> ParseFredGraphCsv(std::string_view body, std::string_view series_id);

// "{base}/fred/series/observations?series_id=ID&api_key=KEY&file_type=json
//  [&observation_start=YYYY-MM-DD]". `base` is e.g. "https://api.stlouisfed.org" (a trailing
// '/' is tolerated). Parameters are percent-encoded.
std::string FredJsonUrl(std::string_view base, std::string_view series_id, std::string_view api_key,
                        std::optional<Date> start = std::nullopt);

// "{base}/graph/fredgraph.csv?id=ID[&cosd=YYYY-MM-DD]"; `base` e.g.
// "https://fred.stlouisfed.org".
std::string FredGraphCsvUrl(std::string_view base, std::string_view series_id,
                            std::optional<Date> start = std::nullopt);

}  // namespace liqwatch::sources
