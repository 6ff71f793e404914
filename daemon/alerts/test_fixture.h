// gtest fixture for the alerts stage's tests on a real SQLite file (tests only).
//
// Contract: a read-write Store in a fresh directory (store/test_fixture.h StoreTestBase) and
// the config loaded from the YAML the test passes to Load(); a config that does not load
// fails the test.
#pragma once

#include "config/config.h"
#include "store/test_fixture.h"

namespace liqwatch::alerts {

class ConfiguredStoreTest : public store::StoreTestBase {
 protected:
  void Load(const char* yaml) {
    auto loaded = config::LoadConfigFromString(yaml, "t.yaml");
    ASSERT_TRUE(loaded.config) << loaded.errors[0].ToString();
    config_ = std::move(*loaded.config);
  }

  config::Config config_;
};

}  // namespace liqwatch::alerts
