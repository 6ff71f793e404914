// One poll's request and response, as pure functions: what the poller (and `liqwatch fetch`)
// sends for a series and what it makes of the answer. The source's driver (sources/driver.h)
// supplies the URL and the parser; everything here is shared by every source type.
//
// Contract: pure, thread-safe, never throw; no clock (`today` is passed in).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "http/client.h"
#include "sources/source_config.h"

namespace liqwatch::sources {

// The request for one poll of `series` from `source`, asking for data from `since` on (minus
// the revision overlap; with no `since`, feeds that need a start ask from `today` minus
// defaults::kInitialLookbackDays). `page` is the page number (1-based) of paged feeds.
http::HttpRequest BuildRequest(const SourceConfig& source, const SeriesConfig& series,
                               std::optional<Date> since, Date today, int page = 1);

struct ParsedPage {
  // Normalised to the canonical unit. `series` is the series id, except for the per-operation
  // values of NY Fed operations feeds, which go to "<id>:op:<operationId>" (and small value
  // exercises to "<id>:sve:<operationId>"); the day's sum goes to <id>.
  std::vector<Observation> observations;
  bool not_modified = false;     // HTTP 304: nothing new, not an error
  std::optional<int> next_page;  // paged feeds (Treasury): another page to fetch
};

// Turns a response into observations, or an error (kHttpError "HTTP 404 from <url>", with the
// URL RedactUrl'ed and secrets scrubbed, kUnavailable for 429 and 5xx, the parser's
// kParseError / kLayoutChanged / kInvalidArgument). Rows dated after `today` are rejected for
// every type (CheckNoFutureDates), and every page passes CheckObservations.
Result<ParsedPage> ParsePage(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today);

// The shared post-parse check every format's output passes (per page, and over all pages of
// a poll): each value finite (a unit conversion that overflows is caught here), each date in
// the CheckObservationDate range, and no series with two observations for one date: a
// response that repeats a date is ambiguous (storing either value would make alerts flap on
// every poll) and is rejected whole, kInvalidArgument naming the series, date and values.
Status CheckObservations(const std::vector<Observation>& observations, std::string_view what);

// Adds If-None-Match (the ETag) and If-Modified-Since (the Last-Modified) for `known`.
void AddConditionalHeaders(http::HttpRequest& request, const HttpValidators& known);
// The validators to remember after `response` to a request sent with `known` (nullopt: none
// sent): a 200's own (empty if it has none); a 304's, each header falling back on the known
// value (a 304 may update them, RFC 9111 4.3.4); nullopt for any other status (keep them).
std::optional<HttpValidators> ValidatorsAfter(const http::HttpResponse& response,
                                              const std::optional<HttpValidators>& known);

// The host[:port] of a URL, without userinfo ("" if none): the key of per-host politeness.
std::string HostOf(const std::string& url);

}  // namespace liqwatch::sources
