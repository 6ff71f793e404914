// The connection's prepared-statement cache (store/sqlite.h) and the text search over alert
// messages through the alert_fts index (migration 0009), in real SQLite files.
#include <filesystem>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store/testing.h"

namespace liqwatch::store {
namespace {

namespace fs = std::filesystem;

class CacheDb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("liqwatch-stmtcache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

TEST_F(CacheDb, SameTextIsPreparedOnceAndComesBackResetWithoutBindings) {
  auto db = std::move(*Database::Open(path_, Database::Mode::kReadWriteCreate));
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);").ok());
  const std::size_t before = db->cached_statements();
  const char* sql = "SELECT count(*), ?1 FROM t WHERE x >= coalesce(?1, 0)";
  {
    auto st = db->Prepare(sql);
    ASSERT_TRUE(st.ok());
    st->Bind(1, 2);
    ASSERT_TRUE(*st->Step());
    EXPECT_EQ(st->Int(0), 2);
    // Left mid-result: giving it back must reset it (a WAL reader left open blocks
    // checkpoints) and drop the binding.
  }
  EXPECT_EQ(db->cached_statements(), before + 1);
  auto again = db->Prepare(sql);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(*again->Step());
  EXPECT_EQ(again->Int(0), 3);  // ?1 unbound: NULL, so every row
  EXPECT_TRUE(again->IsNull(1));
  EXPECT_EQ(db->cached_statements(), before + 1);
}

TEST_F(CacheDb, NestedUseOfOneTextGetsItsOwnStatement) {
  auto db = std::move(*Database::Open(path_, Database::Mode::kReadWriteCreate));
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);").ok());
  const char* sql = "SELECT x FROM t WHERE x = ?1";
  auto outer = db->Prepare(sql);
  ASSERT_TRUE(outer.ok());
  outer->Bind(1, 1);
  auto inner = db->Prepare(sql);  // the cached one is lent out: a fresh one
  ASSERT_TRUE(inner.ok());
  inner->Bind(1, 2);
  ASSERT_TRUE(*outer->Step());
  ASSERT_TRUE(*inner->Step());
  EXPECT_EQ(outer->Int(0), 1);
  EXPECT_EQ(inner->Int(0), 2);
}

TEST_F(CacheDb, CachedStatementSeesSchemaChangesAndReportsErrors) {
  auto db = std::move(*Database::Open(path_, Database::Mode::kReadWriteCreate));
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (5);").ok());
  EXPECT_EQ(*db->QueryInt("SELECT max(x) FROM t"), 5);
  ASSERT_TRUE(db->Exec("DROP TABLE t; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (9);").ok());
  EXPECT_EQ(*db->QueryInt("SELECT max(x) FROM t"), 9);  // re-prepared by SQLite
  ASSERT_TRUE(db->Exec("DROP TABLE t").ok());
  auto gone = db->QueryInt("SELECT max(x) FROM t");
  ASSERT_FALSE(gone.ok());
  EXPECT_THAT(gone.status().message(), ::testing::HasSubstr("no such table: t"));
}

TEST_F(CacheDb, TransactionsThroughCachedStatementsStillRollBack) {
  auto db = std::move(*Database::Open(path_, Database::Mode::kReadWriteCreate));
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER)").ok());
  for (int i = 0; i < 3; ++i) {
    auto tx = Transaction::Begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
    if (i == 1) {
      ASSERT_TRUE((*tx)->Commit().ok());
    }
  }  // the others roll back
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM t"), 1);
  EXPECT_EQ(db->transaction_depth(), 0);
}

Transition Fired(const std::string& rule, const std::string& message, int day) {
  Transition t;
  t.rule = rule;
  t.series = "sofr";
  t.kind = "firing";
  t.from = AlertState::kInactive;
  t.to = AlertState::kFiring;
  t.value = 4.3;
  t.obs_date = *ParseDate("2025-10-01") + std::chrono::days(day);
  t.eval_time = TimePoint(t.obs_date) + std::chrono::hours(13);
  t.message = message;
  return t;
}

std::vector<std::string> Rules(const Result<std::vector<AlertRow>>& rows) {
  std::vector<std::string> out;
  if (rows.ok())
    for (const auto& r : *rows) out.push_back(r.rule);
  return out;
}

using AlertTextTest = CacheDb;

TEST_F(AlertTextTest, IndexedAndScannedTextAnswerTheSameCaseInsensitiveSubstring) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  ASSERT_TRUE(store->RecordTransition(Fired("a", "SOFR 4.31% above IORB 4.15%", 1), {}).ok());
  ASSERT_TRUE(store->RecordTransition(Fired("b", "TGA above $1tn \"quoted\"", 2), {}).ok());
  ASSERT_TRUE(store->RecordTransition(Fired("c", "Reserves below $3tn", 3), {}).ok());
  auto text = [&](const std::string& t) {
    AlertQuery q;
    q.text = t;
    return Rules(store->QueryAlerts(q));
  };
  EXPECT_THAT(text("above iorb"), ::testing::ElementsAre("a"));  // via the index
  EXPECT_THAT(text("ABOVE"), ::testing::ElementsAre("b", "a"));  // newest first
  EXPECT_THAT(text("\"quoted\""), ::testing::ElementsAre("b"));  // quotes are text
  EXPECT_THAT(text("OR"), ::testing::ElementsAre("a"));          // 2 chars: scanned
  EXPECT_THAT(text("3tn"), ::testing::ElementsAre("c"));
  EXPECT_TRUE(text("no such text").empty());
  EXPECT_TRUE(text("AND OR NOT *").empty());  // FTS syntax stays literal text
  AlertQuery both;
  both.text = "above";
  both.rule = "a";
  EXPECT_THAT(Rules(store->QueryAlerts(both)), ::testing::ElementsAre("a"));
}

TEST_F(AlertTextTest, IndexFollowsPruneAndIsBackfilledByTheMigration) {
  // A database as the previous version left it (schema 7, no alert_fts), with alerts.
  {
    auto db = std::move(*Database::Open(path_, Database::Mode::kReadWriteCreate));
    std::vector<Migration> old;
    for (const auto& m : EmbeddedMigrations())
      if (MigrationVersion(m) <= 7) old.push_back(m);
    ASSERT_EQ(*Migrate(*db, old), 7);
    ASSERT_TRUE(db->Exec("INSERT INTO alerts (rule, series, severity, state, opened_at, "
                         "resolved_at, first_obs_date, last_obs_date, message) VALUES "
                         "('old', 'sofr', 'warning', 'resolved', '2024-01-02T13:00:00.000Z', "
                         "'2024-01-03T13:00:00.000Z', '2024-01-02', '2024-01-02', "
                         "'written before the index existed')")
                    .ok());
  }
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  AlertQuery q;
  q.text = "before the index";
  EXPECT_THAT(Rules(store->QueryAlerts(q)), ::testing::ElementsAre("old"));
  EXPECT_EQ(*TestAccess::Db(*store).QueryInt(
                "SELECT count(*) FROM alert_fts WHERE alert_fts MATCH '\"before the index\"'"),
            1);
  // Prune deletes the resolved alert: the index forgets it too.
  ASSERT_TRUE(store->Prune(*ParseTime("2025-01-01T00:00:00Z")).ok());
  EXPECT_TRUE(Rules(store->QueryAlerts(q)).empty());
  EXPECT_EQ(*TestAccess::Db(*store).QueryInt(
                "SELECT count(*) FROM alert_fts WHERE alert_fts MATCH '\"before the index\"'"),
            0);
  ASSERT_TRUE(TestAccess::Db(*store)
                  .Exec("INSERT INTO alert_fts (alert_fts) VALUES ('integrity-check')")
                  .ok());
}

}  // namespace
}  // namespace liqwatch::store
