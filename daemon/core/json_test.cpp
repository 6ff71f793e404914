// WriteJson: shortest round-trip numbers, everything else as Boost.JSON writes it.
#include "core/json.h"

#include <gtest/gtest.h>
#include <cstdlib>

namespace liqwatch {
namespace {

TEST(WriteJson, NumbersAreShortestRoundTrip) {
  // What a spread of two stored rates computes to, and what Boost.JSON printed for it.
  const double spread = 4.31 - 4.15;
  EXPECT_EQ(WriteJson(boost::json::value(151.091)), "151.091");
  EXPECT_EQ(WriteJson(boost::json::value(3.65)), "3.65");
  EXPECT_EQ(WriteJson(boost::json::value(spread)), "0.15999999999999925");
  EXPECT_EQ(WriteJson(boost::json::value(2850.0)), "2850");
  // strtod is correctly rounded (Boost.JSON 1.74's parser is not, so it is not the judge).
  for (double d : {151.091, spread, 1e-7, -0.0, 5e300, 1000.632})
    EXPECT_EQ(std::strtod(WriteJson(boost::json::value(d)).c_str(), nullptr), d) << d;
}

TEST(WriteJson, NonFiniteIsNull) { EXPECT_EQ(WriteJson(boost::json::value(std::nan(""))), "null"); }

TEST(WriteJson, NestedValuesStringsAndIntegers) {
  boost::json::object o{{"id", "sofr \"nyfed\"\n"},
                        {"n", 42},
                        {"ok", true},
                        {"none", nullptr},
                        {"values", boost::json::array{4.31, 1.5091100000000006e2}}};
  EXPECT_EQ(WriteJson(o),
            "{\"id\":\"sofr \\\"nyfed\\\"\\n\",\"n\":42,\"ok\":true,\"none\":null,"
            "\"values\":[4.31,150.91100000000006]}");
}

}  // namespace
}  // namespace liqwatch
