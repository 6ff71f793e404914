// Test-only access past the Store API, for tests that must inject faults or check rows no
// method reads, and for benchmarks that bulk-generate rows. Production code never includes it.
//
// Contract: Db() lends the Store's connection (store/'s own tests); the named helpers serve
// tests of the stages above, so their SQL stays here. Same thread rules as the Store.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace liqwatch::store {

class TestAccess {
 public:
  static Database& Db(Store& s) { return *s.db_; }

  // Until StopFailingInserts, every INSERT into `table` on this connection fails with
  // "injected fault" (a TEMP trigger), as a full disk would fail it mid-unit.
  static Status FailInserts(Store& s, const std::string& table) {
    return Db(s).Exec("CREATE TEMP TRIGGER fault_" + table + " BEFORE INSERT ON " + table +
                      " BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
  }
  static Status StopFailingInserts(Store& s, const std::string& table) {
    return Db(s).Exec("DROP TRIGGER fault_" + table);
  }
  static bool InTransaction(Store& s) { return Db(s).transaction_depth() > 0; }

  // Every alert event as "rule kind obs_date", oldest first.
  static std::vector<std::string> EventLog(Store& s) {
    std::vector<std::string> out;
    auto st = Db(s).Prepare("SELECT rule, kind, obs_date FROM alert_events ORDER BY id");
    if (!st.ok()) return out;
    for (auto row = st->Step(); row.ok() && *row; row = st->Step())
      out.push_back(st->Text(0) + " " + st->Text(1) + " " + st->Text(2));
    return out;
  }

  // The status of delivery `id` ("" if there is none).
  static std::string DeliveryStatus(Store& s, int64_t id) {
    auto st = Db(s).Prepare("SELECT status FROM deliveries WHERE id = ?1");
    if (!st.ok()) return "";
    st->Bind(1, id);
    auto row = st->Step();
    return row.ok() && *row ? st->Text(0) : "";
  }
};

}  // namespace liqwatch::store
