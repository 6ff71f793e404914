// Boost.JSON is used header-only: this is the one translation unit that compiles its sources.
#include <boost/json/src.hpp>

#include <charconv>
#include <cmath>

#include <boost/json/serialize.hpp>

#include "core/json.h"

namespace liqwatch {

namespace {

void Write(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::double_: {
      const double d = v.get_double();
      if (!std::isfinite(d)) {
        out += "null";
        return;
      }
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, end);
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        Write(item, out);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(boost::json::string(key));
        out += ':';
        Write(item, out);
      }
      out += '}';
      return;
    }
    default:
      out += boost::json::serialize(v);  // strings, integers, bool, null
  }
}

}  // namespace

std::string WriteJson(const boost::json::value& v) {
  std::string out;
  Write(v, out);
  return out;
}

}  // namespace liqwatch
