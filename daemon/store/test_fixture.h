// gtest fixtures for tests on a real SQLite file (tests only; includes gtest).
//
// Contract: each test gets its own empty directory under the system temp dir (named after the
// process, suite and test, so parallel ctest runs never share one), removed after the test;
// path_ is a database file in it, not created. StoreTestBase opens a read-write Store there.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/store.h"

namespace liqwatch::store {

class TempDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("liqwatch-test-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
            info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

// TempDbTest with a read-write Store open on path_ (closed before the directory goes).
class StoreTestBase : public TempDbTest {
 protected:
  void SetUp() override {
    TempDbTest::SetUp();
    auto s = Store::Open(path_, Store::Mode::kReadWrite);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    TempDbTest::TearDown();
  }

  std::unique_ptr<Store> store_;
};

}  // namespace liqwatch::store
