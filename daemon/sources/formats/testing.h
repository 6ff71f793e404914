// Helpers for the *_test.cpp files of sources/formats (never included by library code).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/time.h"

namespace liqwatch::sources::testing {

// Whole file. A missing fixture throws (gtest reports the path): a test never passes, or
// skips, for want of its data.
inline std::string ReadTestFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("test fixture missing: " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A file under tests/fixtures/ of the repository.
inline std::string ReadFixture(const std::string& relative) {
  return ReadTestFile(std::string(LIQWATCH_SOURCE_DIR) + "/tests/fixtures/" + relative);
}

inline Date D(const char* yyyy_mm_dd) { return *ParseDate(yyyy_mm_dd); }

}  // namespace liqwatch::sources::testing
