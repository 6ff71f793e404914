#include "sources/formats/json_util.h"

#include <fmt/format.h>

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
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "the number " + boost::json::serialize(v);
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
      return boost::json::serialize(v);
    default:
      return "";
  }
}

}  // namespace liqwatch::sources
