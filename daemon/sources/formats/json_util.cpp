#include "sources/formats/json_util.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "core/json.h"
#include "sources/formats/number.h"

namespace liqwatch::sources {

Result<boost::json::value> ParseJsonBody(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) {
    if (body.empty()) {
      return Status::ParseError(
          fmt::format("{}: expected a JSON document, found an empty body", what));
    }
    return Status::ParseError(fmt::format("{}: invalid JSON ({}); body starts with '{}'", what,
                                          ec.message(), Excerpt(body, 40)));
  }
  return v;
}

std::string DescribeJson(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case boost::json::kind::double_:
      // "1e400" parses to infinity; its spelling is gone, say what it became.
      if (!std::isfinite(v.get_double())) return "a number too large for a double (infinite)";
      [[fallthrough]];
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "the number " + WriteJson(v);
    case boost::json::kind::string:
      return "the string \"" + Excerpt(v.get_string(), 40) + "\"";
    case boost::json::kind::array:
      return fmt::format("an array of {} elements", v.get_array().size());
    case boost::json::kind::object: {
      std::string keys;
      size_t shown = 0;
      for (const auto& kv : v.get_object()) {
        if (shown == 8) {
          keys += ", ...";
          break;
        }
        if (shown++) keys += ", ";
        keys += Excerpt(kv.key(), 30);
      }
      return "an object with keys [" + keys + "]";
    }
  }
  return "an unknown JSON value";
}

std::string JsonScalarText(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string:
      return std::string(v.get_string());
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return WriteJson(v);
    default:
      return "";
  }
}

NumberCell JsonNumberCell(const boost::json::value& v, const NumberStyle& style) {
  switch (v.kind()) {
    case boost::json::kind::int64:
      return {CellKind::kNumber, static_cast<double>(v.get_int64())};
    case boost::json::kind::uint64:
      return {CellKind::kNumber, static_cast<double>(v.get_uint64())};
    case boost::json::kind::double_:
      // Only finite values are numbers (number.h): 1e400 is invalid, never +Inf.
      if (!std::isfinite(v.get_double())) return {};
      return {CellKind::kNumber, v.get_double()};
    case boost::json::kind::string:
      return CleanNumber(v.get_string(), style);
    case boost::json::kind::null:
      return {CellKind::kMissing, 0};
    default:
      return {};
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace liqwatch::sources
