#include "core/utf8.h"

#include <gtest/gtest.h>

namespace liqwatch {
namespace {

TEST(ValidUtf8, KeepsWellFormedText) {
  EXPECT_EQ(ValidUtf8("plain ascii"), "plain ascii");
  EXPECT_EQ(ValidUtf8("SOFR \xE2\x88\x92 IORB \xE2\x82\xAC \xF0\x9F\x93\x88"),
            "SOFR \xE2\x88\x92 IORB \xE2\x82\xAC \xF0\x9F\x93\x88");
  EXPECT_EQ(ValidUtf8(""), "");
}

TEST(ValidUtf8, ReplacesEachBadByte) {
  // The fuzzer's query string: a run of 0xAC continuation bytes with no lead byte.
  EXPECT_EQ(ValidUtf8("s\xAC\xAC" "ince"), "s\xEF\xBF\xBD\xEF\xBF\xBDince");
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");      // overlong '/'
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // above U+10FFFF
  EXPECT_EQ(ValidUtf8("ab\xE2\x82"), "ab\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated at the end
}

}  // namespace
}  // namespace liqwatch
