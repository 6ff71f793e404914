// JSON text for everything liqwatch writes (API answers, webhook and Slack bodies, CLI
// --format json).
//
// Contract: WriteJson(v) is boost::json::serialize(v) except for numbers: a double is written
// in its shortest round-trip form (std::to_chars), so 151.091 reads "151.091", not
// "1.5091100000000006E2"; parsing the text gives back exactly the same double. NaN and
// infinities, which JSON cannot represent, are written as null. Integers and strings are
// unchanged.
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace liqwatch {

std::string WriteJson(const boost::json::value& v);

}  // namespace liqwatch
