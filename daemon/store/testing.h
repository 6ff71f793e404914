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

  // A schema-6 database (before one engine) in which threshold rule `sofr_threshold` fired on
  // SOFR 4.31% for 2025-10-28: its observation, alert, event and rule_state row, no memory.
  static Status SeedSchema6FiringThresholdAlert(Database& db) {
    const std::string t = "'2025-10-29T13:00:00.000Z'";
    const std::string fired = "'sofr 4.31% > 4.30% on 2025-10-28'";
    return db.Exec(
        "INSERT INTO observations (series, obs_date, value, unit, fetched_at, updated_at) "
        "VALUES ('sofr', '2025-10-28', 4.31, 'percent', " +
        t + ", " + t +
        ");"
        "INSERT INTO alerts (id, rule, series, severity, state, opened_at, first_obs_date, "
        "last_obs_date, value, threshold, message) VALUES (1, 'sofr_threshold', 'sofr', "
        "'warning', 'firing', " +
        t + ", '2025-10-28', '2025-10-28', 4.31, 4.3, " + fired +
        ");"
        "INSERT INTO alert_events (alert_id, rule, kind, from_state, to_state, severity, series, "
        "value, threshold, obs_date, eval_time, message) VALUES (1, 'sofr_threshold', 'firing', "
        "'inactive', 'firing', 'warning', 'sofr', 4.31, 4.3, '2025-10-28', " +
        t + ", " + fired +
        ");"
        "INSERT INTO rule_state (rule, state, since, alert_id, last_obs_date, last_value, "
        "last_notified_at) VALUES ('sofr_threshold', 'firing', " +
        t + ", 1, '2025-10-28', 4.31, " + t + ")");
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
