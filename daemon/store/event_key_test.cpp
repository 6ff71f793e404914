#include "store/event_key.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/store.h"
#include "store/test_fixture.h"
#include "store/testing.h"

namespace liqwatch::store {
namespace {

namespace fs = std::filesystem;

TimePoint T(const char* s) { return *ParseTime(s); }

std::string QueryText(Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return "error: " + st.status().message();
  auto row = st->Step();
  if (!row.ok() || !*row) return "no row";
  return st->Text(0);
}

Transition Firing(const char* date) {
  Transition t;
  t.rule = "oas_widening";
  t.labels = "series=hy_oas,widening=50bp";
  t.series = "hy_oas";
  t.kind = "firing";
  t.from = AlertState::kPending;
  t.to = AlertState::kFiring;
  t.severity = Severity::kWarning;
  t.value = 3.1;
  t.threshold = 0.5;
  t.obs_date = *ParseDate(date);
  t.eval_time = T("2025-10-28T13:00:00Z");
  t.message = "HY OAS widened";
  return t;
}

TEST(EventKey, SameEventSameKeyWhereverAndWheneverComputed) {
  Transition a = Firing("2025-10-28");
  Transition b = a;
  b.eval_time = T("2025-10-28T13:00:07.250Z");  // the other node evaluated 7s later
  b.value = 3.1000000001;                       // and its value printed differently
  b.message = "other text";
  b.severity = Severity::kCritical;
  EXPECT_EQ(EventKey(a, 0), EventKey(b, 0));
  b.labels = "widening=50bp,series=hy_oas";  // label order does not matter
  EXPECT_EQ(EventKey(a, 0), EventKey(b, 0));
  const std::string key = EventKey(a, 0);
  ASSERT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(EventKey, EachIdentityFieldChangesTheKey) {
  const Transition base = Firing("2025-10-28");
  const std::string key = EventKey(base, 0);
  EXPECT_NE(EventKey(base, 1), key);  // a revised print is another observation
  Transition t = base;
  t.rule = "oas_widening2";
  EXPECT_NE(EventKey(t, 0), key);
  t = base;
  t.labels = "series=ig_oas,widening=50bp";
  EXPECT_NE(EventKey(t, 0), key);
  t = base;
  t.kind = "reminder";
  EXPECT_NE(EventKey(t, 0), key);
  t = base;
  t.from = AlertState::kInactive;
  EXPECT_NE(EventKey(t, 0), key);
  t = base;
  t.to = AlertState::kResolved;
  EXPECT_NE(EventKey(t, 0), key);
  t = base;
  t.series = "ig_oas";
  EXPECT_NE(EventKey(t, 0), key);
  t = base;
  t.obs_date = *ParseDate("2025-10-29");
  EXPECT_NE(EventKey(t, 0), key);
  // Length-prefixed fields: moving text between two fields is another event.
  t = base;
  t.rule = "oas_widenin";
  t.labels = "gseries=hy_oas,widening=50bp";
  EXPECT_NE(EventKey(t, 0), key);
}

using EventKeyStore = TempDbTest;

TEST_F(EventKeyStore, TwoNodesRecordTheSameKeyAndRevisionsCount) {
  // Two databases stand for two nodes fed the same prints.
  std::string keys[2];
  for (int node = 0; node < 2; ++node) {
    auto store = std::move(*Store::Open(path_ + std::to_string(node), Store::Mode::kReadWrite));
    Transition t = Firing("2025-10-28");
    t.eval_time = T(node == 0 ? "2025-10-28T13:00:00Z" : "2025-10-28T13:00:02Z");
    auto rec = store->RecordTransition(t, {"am", "desk"});
    ASSERT_TRUE(rec.ok()) << rec.status().message();
    keys[node] = rec->event_key;
    EXPECT_EQ(QueryText(TestAccess::Db(*store), "SELECT event_key FROM alert_events WHERE id = " +
                                                    std::to_string(rec->event_id)),
              rec->event_key);
    auto due = store->DueDeliveries(T("2025-10-28T14:00:00Z"), 10);
    ASSERT_EQ(due->size(), 2u);
    for (const auto& j : *due) EXPECT_EQ(j.idempotency_key, rec->event_key);
  }
  EXPECT_EQ(keys[0], keys[1]);

  // The same rule firing again on a revised print of that date is another event.
  auto store = std::move(*Store::Open(path_ + "0", Store::Mode::kReadWrite));
  std::vector<Observation> v1 = {{"hy_oas", *ParseDate("2025-10-28"), 3.1, false}};
  std::vector<Observation> v2 = {{"hy_oas", *ParseDate("2025-10-28"), 3.2, false}};
  ASSERT_TRUE(
      store->IngestObservations("hy_oas", Unit::kPercent, v1, T("2025-10-28T12:00:00Z")).ok());
  ASSERT_TRUE(
      store->IngestObservations("hy_oas", Unit::kPercent, v2, T("2025-10-29T12:00:00Z")).ok());
  Transition again = Firing("2025-10-28");
  auto rec = store->RecordTransition(again, {});
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->event_key, EventKey(again, 1));
  EXPECT_NE(rec->event_key, keys[0]);
}

TEST_F(EventKeyStore, MigrationToV6KeepsDeliveriesAndDropsKeyUniqueness) {
  auto all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 6u);
  {
    auto db = std::move(*Database::Open(path_, Database::Mode::kReadWriteCreate));
    ASSERT_EQ(*Migrate(*db, all.subspan(0, 5)), 5);
    ASSERT_TRUE(
        db->Exec("INSERT INTO alert_events (id, rule, kind, from_state, to_state, severity, "
                 "series, obs_date, eval_time, message) VALUES (1, 'r', 'firing', "
                 "'inactive', 'firing', 'warning', 'sofr', '2025-10-28', "
                 "'2025-10-28T13:00:00.000Z', 'm');"
                 "INSERT INTO deliveries (id, event_id, notifier, status, attempts, "
                 "next_attempt_at, created_at, delivered_at, idempotency_key) VALUES (7, 1, "
                 "'desk', 'delivered', 2, '2025-10-28T13:00:00.000Z', "
                 "'2025-10-28T13:00:00.000Z', '2025-10-28T13:00:01.000Z', 'k-old')")
            .ok());
  }
  auto store = Store::Open(path_, Store::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto& db = TestAccess::Db(**store);
  EXPECT_EQ(QueryText(db,
                      "SELECT notifier || ',' || status || ',' || attempts || ',' || "
                      "idempotency_key || ',' || delivered_at FROM deliveries WHERE id = 7"),
            "desk,delivered,2,k-old,2025-10-28T13:00:01.000Z");
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM alert_events WHERE event_key IS NULL"), 1);
  // Two notifiers of one event may now share a key; (event, notifier) stays unique.
  EXPECT_TRUE(db.Exec("INSERT INTO deliveries (event_id, notifier, status, next_attempt_at, "
                      "created_at, idempotency_key) VALUES (1, 'am', 'pending', 'x', 'x', 'k-old')")
                  .ok());
  EXPECT_FALSE(db.Exec("INSERT INTO deliveries (event_id, notifier, status, next_attempt_at, "
                       "created_at, idempotency_key) VALUES (1, 'am', 'pending', 'x', 'x', 'k')")
                   .ok());
}

TEST_F(EventKeyStore, RearmFiringDeliveriesResendsOnlyStillFiringAlerts) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  Transition fire = Firing("2025-10-28");
  auto rec = store->RecordTransition(fire, {"am", "desk"});
  ASSERT_TRUE(rec.ok());
  auto due = store->DueDeliveries(T("2025-10-28T13:00:00Z"), 10);
  ASSERT_EQ(due->size(), 2u);
  for (const auto& j : *due) {
    EXPECT_FALSE(j.refresh);
    EXPECT_EQ(j.alert_opened_at, "2025-10-28T13:00:00.000Z");
    EXPECT_FALSE(j.alert_resolved_at.has_value());
    ASSERT_TRUE(store->MarkDelivered(j.delivery_id, T("2025-10-28T13:00:01Z")).ok());
  }
  const Duration minute = std::chrono::minutes(1);
  // Not yet: delivered less than the interval ago.
  EXPECT_EQ(*store->RearmFiringDeliveries("am", T("2025-10-28T13:00:30Z"), minute), 0);
  EXPECT_EQ(*store->RearmFiringDeliveries("am", T("2025-10-28T13:01:02Z"), minute), 1);
  auto again = store->DueDeliveries(T("2025-10-28T13:01:02Z"), 10);
  ASSERT_EQ(again->size(), 1u);  // only the notifier asked for, once
  EXPECT_EQ((*again)[0].notifier, "am");
  EXPECT_TRUE((*again)[0].refresh);
  EXPECT_EQ((*again)[0].attempts, 0);
  EXPECT_EQ((*again)[0].created_at, T("2025-10-28T13:01:02Z"));  // max_age counts from here
  EXPECT_EQ((*again)[0].idempotency_key, rec->event_key);
  // Pending: not re-armed twice.
  EXPECT_EQ(*store->RearmFiringDeliveries("am", T("2025-10-28T13:05:00Z"), minute), 0);
  ASSERT_TRUE(store->MarkDead((*again)[0].delivery_id, T("2025-10-28T13:02:00Z"), "down").ok());
  // A re-send that died is tried again an interval after its re-arm.
  EXPECT_EQ(*store->RearmFiringDeliveries("am", T("2025-10-28T13:02:30Z"), minute), 1);
  ASSERT_TRUE(store->MarkDelivered((*again)[0].delivery_id, T("2025-10-28T13:02:31Z")).ok());

  Transition resolve = Firing("2025-10-29");
  resolve.kind = "resolved";
  resolve.from = AlertState::kFiring;
  resolve.to = AlertState::kResolved;
  resolve.eval_time = T("2025-10-29T13:00:00Z");
  ASSERT_TRUE(store->RecordTransition(resolve, {"am"}).ok());
  auto res = store->DueDeliveries(T("2025-10-29T13:00:00Z"), 10);
  ASSERT_EQ(res->size(), 1u);
  EXPECT_EQ((*res)[0].alert_resolved_at, "2025-10-29T13:00:00.000Z");
  ASSERT_TRUE(store->MarkDelivered((*res)[0].delivery_id, T("2025-10-29T13:00:01Z")).ok());
  // Resolved: nothing to re-send any more.
  EXPECT_EQ(*store->RearmFiringDeliveries("am", T("2025-10-30T13:00:00Z"), minute), 0);
}

}  // namespace
}  // namespace liqwatch::store
