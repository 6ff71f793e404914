// What every API handler shares: the parsed request target, the reply it builds, and the
// checks of query parameters, path ids and JSON bodies.
//
// Contract: pure functions, no I/O. A Reply is what a handler computes (often on the store
// thread); ToResponse turns it into the HTTP response on the loop. Errors are JSON
// ({"error": {"status", "message"}}) with the message made valid UTF-8 (it may quote the
// request's own bytes).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json.hpp>

#include "core/status.h"
#include "http/server.h"

namespace liqwatch::api {

struct Reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
};

Reply Error(unsigned status, const std::string& message);
Reply Json(const boost::json::value& v, unsigned status = 200);
// The error of a failed store or domain call: NotFound 404, InvalidArgument 400,
// FailedPrecondition 409, anything else 500.
Reply FromStatus(const Status& s);
http::Response ToResponse(Reply r, unsigned version);

// A request target split into its decoded path and query parameters.
struct Target {
  std::string path;
  std::map<std::string, std::string> query;
};

// Splits and decodes the request target; an error message on malformed or repeated params.
std::variant<Target, std::string> ParseTarget(std::string_view target);

// An error message naming the first query parameter not in `allowed`, nullopt if none.
std::optional<std::string> CheckParams(const Target& t,
                                       const std::vector<std::string_view>& allowed);

// A positive decimal id ("17"), nullopt otherwise.
std::optional<int64_t> ParseId(const std::string& s);

// The request body as a JSON object whose keys are all in `allowed`, or an error message.
// An empty body is an empty object.
std::variant<boost::json::object, std::string> JsonBody(
    const http::Request& req, const std::vector<std::string_view>& allowed);

// Constant-time comparison, for secrets.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace liqwatch::api
