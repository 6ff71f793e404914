// Helpers for the *_test.cpp files of sources/formats (never included by library code).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "core/time.h"

namespace liqwatch::sources::testing {

// Whole file, or "" when it cannot be read (tests then fail on an ASSERT_FALSE(empty())).
inline std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A file under tests/fixtures/ of the repository.
inline std::string ReadFixture(const std::string& relative) {
  return ReadFileOrEmpty(std::string(LIQWATCH_SOURCE_DIR) + "/tests/fixtures/" + relative);
}

inline Date D(const char* yyyy_mm_dd) { return *ParseDate(yyyy_mm_dd); }

}  // namespace liqwatch::sources::testing
