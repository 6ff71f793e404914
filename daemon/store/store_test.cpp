#include "store/store.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/log.h"
#include "store/alert_json.h"
#include "store/migrations.h"
#include "store/test_fixture.h"
#include "store/testing.h"

namespace liqwatch::store {
namespace {

namespace fs = std::filesystem;

using TempDb = TempDbTest;

Date D(const char* s) { return *ParseDate(s); }
TimePoint T(const char* s) { return *ParseTime(s); }

using MigrationsTest = TempDb;

TEST_F(MigrationsTest, FreshDatabaseGetsLatestVersionAndWal) {
  auto store = Store::Open(path_, Store::Mode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->schema_version(), LatestVersion(EmbeddedMigrations()));
  auto mode = TestAccess::Db(**store).Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->Text(0), "wal");
}

TEST_F(MigrationsTest, UpgradeAppliesOnlyNewerMigrationsAndKeepsData) {
  const Migration v1[] = {{"0001_a.sql", "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);"}};
  const Migration v2[] = {v1[0], {"0002_b.sql", "ALTER TABLE t ADD COLUMN y TEXT;"}};
  auto db = Database::Open(path_, Database::Mode::kReadWriteCreate);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*Migrate(**db, v1), 1);
  EXPECT_EQ(*Migrate(**db, v2), 2);
  EXPECT_EQ(*(*db)->QueryInt("SELECT x FROM t WHERE y IS NULL"), 7);
  EXPECT_EQ(*Migrate(**db, v2), 2);  // idempotent
}

TEST_F(MigrationsTest, FailedMigrationLeavesPreviousVersion) {
  const Migration v2[] = {{"0001_a.sql", "CREATE TABLE t (x INTEGER);"},
                          {"0002_b.sql", "CREATE TABLE u (y); THIS IS NOT SQL;"}};
  auto db = Database::Open(path_, Database::Mode::kReadWriteCreate);
  auto r = Migrate(**db, v2);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), ::testing::StartsWith("0002_b.sql: sqlite: near \"THIS\""));
  EXPECT_EQ(*(*db)->QueryInt("PRAGMA user_version"), 1);
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'u'"), 0);
}

TEST_F(MigrationsTest, RefusesDatabaseNewerThanBinary) {
  {
    auto db = Database::Open(path_, Database::Mode::kReadWriteCreate);
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE keep (x); INSERT INTO keep VALUES (1); "
                           "PRAGMA user_version = 99")
                    .ok());
  }
  auto store = Store::Open(path_, Store::Mode::kReadWrite);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            path_ + ": database schema version 99 is newer than this liqwatch supports (version " +
                std::to_string(LatestVersion(EmbeddedMigrations())) +
                "); upgrade liqwatch or restore a backup made by this version");
  auto db = Database::Open(path_, Database::Mode::kReadOnly);
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM keep"), 1);  // untouched
}

using StoreTest = TempDb;

TEST_F(StoreTest, IngestIsIdempotentAndKeepsRevisions) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  std::vector<Observation> batch = {{"sofr", D("2025-10-28"), 4.31, false},
                                    {"sofr", D("2025-10-29"), 4.29, false},
                                    {"sofr", D("2025-11-11"), std::nullopt, false}};
  auto s1 = store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-10-30T12:00:00Z"));
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->inserted, 3);
  auto s2 = store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-10-30T13:00:00Z"));
  EXPECT_EQ(s2->inserted, 0);
  EXPECT_EQ(s2->unchanged, 3);
  EXPECT_TRUE(s2->changed.empty());

  batch[1].value = 4.30;  // revised by the publisher
  auto s3 = store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-10-31T09:00:00Z"));
  EXPECT_EQ(s3->revised, 1);
  ASSERT_EQ(s3->changed.size(), 1u);
  EXPECT_EQ(*s3->changed[0].value, 4.30);
  auto rev = TestAccess::Db(*store).Prepare(
      "SELECT obs_date, old_value, new_value, seen_at FROM observation_revisions");
  ASSERT_TRUE(*rev->Step());
  EXPECT_EQ(rev->Text(0), "2025-10-29");
  EXPECT_EQ(rev->Double(1), 4.29);
  EXPECT_EQ(rev->Double(2), 4.30);
  EXPECT_EQ(rev->Text(3), "2025-10-31T09:00:00.000Z");

  batch[1].value = 4.28;  // revised again
  batch[2].value = 4.05;  // a missing value filled in
  ASSERT_TRUE(
      store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-11-12T08:00:00Z")).ok());
  auto revs = store->Revisions("sofr");
  ASSERT_TRUE(revs.ok()) << revs.status().message();
  ASSERT_EQ(revs->size(), 3u);
  EXPECT_EQ((*revs)[0].series, "sofr");
  EXPECT_EQ(FormatDate((*revs)[0].obs_date), "2025-10-29");
  EXPECT_EQ((*revs)[0].old_value, 4.29);
  EXPECT_EQ((*revs)[0].new_value, 4.30);
  EXPECT_EQ((*revs)[0].seen_at, T("2025-10-31T09:00:00Z"));
  EXPECT_EQ(FormatDate((*revs)[1].obs_date), "2025-10-29");
  EXPECT_EQ((*revs)[1].old_value, 4.30);
  EXPECT_EQ((*revs)[1].new_value, 4.28);
  EXPECT_EQ((*revs)[1].seen_at, T("2025-11-12T08:00:00Z"));
  EXPECT_EQ(FormatDate((*revs)[2].obs_date), "2025-11-11");
  EXPECT_FALSE((*revs)[2].old_value.has_value());
  EXPECT_EQ((*revs)[2].new_value, 4.05);
  EXPECT_TRUE(store->Revisions("iorb")->empty());
  batch[1].value = 4.30;
  batch[2].value = std::nullopt;
  ASSERT_TRUE(
      store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-11-12T09:00:00Z")).ok());

  auto hist = store->History("sofr", std::nullopt);
  ASSERT_EQ(hist->size(), 3u);
  EXPECT_FALSE((*hist)[2].value.has_value());
  EXPECT_EQ(FormatDate(**store->LastObservationDate("sofr")), "2025-11-11");
  EXPECT_FALSE(store->LastObservationDate("iorb")->has_value());
}

Transition Fire(const char* date, double value) {
  Transition t;
  t.rule = "sofr_above_iorb";
  t.series = "sofr";
  t.kind = "firing";
  t.from = AlertState::kInactive;
  t.to = AlertState::kFiring;
  t.severity = Severity::kCritical;
  t.value = value;
  t.threshold = 4.15;
  t.obs_date = *ParseDate(date);
  t.eval_time = *ParseTime(std::string(date) + "T13:00:00Z");
  t.message = "SOFR above IORB";
  return t;
}

TEST_F(StoreTest, FiringAndResolvingWriteAlertEventsAndOutboxTogether) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  auto fired = store->RecordTransition(Fire("2025-10-28", 4.31), {"desk", "slack"});
  ASSERT_TRUE(fired.ok()) << fired.status().message();
  ASSERT_TRUE(fired->alert_id.has_value());
  EXPECT_EQ(fired->deliveries, 2);

  auto due = store->DueDeliveries(T("2025-10-28T13:00:01Z"), 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].rule, "sofr_above_iorb");
  EXPECT_EQ((*due)[0].kind, "firing");
  EXPECT_EQ((*due)[0].idempotency_key.size(), 32u);
  // The key is the event's (store/event_key.h): every notifier of the event carries it.
  EXPECT_EQ((*due)[0].idempotency_key, (*due)[1].idempotency_key);
  EXPECT_EQ((*due)[0].idempotency_key, fired->event_key);

  auto state = store->GetRuleState("sofr_above_iorb", "");
  EXPECT_EQ((*state)->state, AlertState::kFiring);
  EXPECT_EQ((*state)->alert_id, fired->alert_id);

  Transition resolve = Fire("2025-10-29", 4.10);
  resolve.kind = "resolved";
  resolve.from = AlertState::kFiring;
  resolve.to = AlertState::kResolved;
  auto resolved = store->RecordTransition(resolve, {"desk"});
  EXPECT_EQ(resolved->alert_id, fired->alert_id);

  auto alerts = store->QueryAlerts({});
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].state, "resolved");
  EXPECT_EQ((*alerts)[0].first_obs_date, "2025-10-28");
  EXPECT_EQ((*alerts)[0].last_obs_date, "2025-10-29");
  EXPECT_EQ(*(*alerts)[0].resolved_at, "2025-10-29T13:00:00.000Z");
  EXPECT_EQ((*alerts)[0].deliveries_pending, 3);
  EXPECT_FALSE((*store->GetRuleState("sofr_above_iorb", ""))->alert_id.has_value());
}

TEST_F(StoreTest, OutboxRetryDeliverAndDeadLetter) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  ASSERT_TRUE(store->RecordTransition(Fire("2025-10-28", 4.31), {"a", "b"}).ok());
  auto due = *store->DueDeliveries(T("2025-10-28T13:00:00Z"), 10);
  ASSERT_EQ(due.size(), 2u);
  ASSERT_TRUE(store->MarkRetry(due[0].delivery_id, T("2025-10-28T13:05:00Z"), "HTTP 503").ok());
  ASSERT_TRUE(store->MarkDelivered(due[1].delivery_id, T("2025-10-28T13:00:01Z")).ok());
  EXPECT_TRUE(store->DueDeliveries(T("2025-10-28T13:04:59Z"), 10)->empty());
  EXPECT_EQ(FormatTime(**store->NextDeliveryTime()), "2025-10-28T13:05:00.000Z");
  ASSERT_TRUE(store->MarkDead(due[0].delivery_id, T("2025-10-29T13:00:00Z"), "HTTP 404").ok());
  EXPECT_FALSE(store->NextDeliveryTime()->has_value());
  auto a = (*store->QueryAlerts({}))[0];
  EXPECT_EQ(a.deliveries_dead, 1);
  EXPECT_EQ(a.deliveries_delivered, 1);
}

// Last line behind the parsers: a batch with +Inf or a repeated date is refused whole.
TEST_F(StoreTest, IngestRefusesNonFiniteValuesAndRepeatedDatesKeepingStoredData) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  std::vector<Observation> good = {{"sofr", D("2025-10-28"), 4.31, false}};
  ASSERT_TRUE(
      store->IngestObservations("sofr", Unit::kPercent, good, T("2025-10-30T12:00:00Z")).ok());
  std::vector<Observation> inf = {{"sofr", D("2025-10-29"), 4.2, false},
                                  {"sofr", D("2025-10-28"), HUGE_VAL, false}};
  auto r = store->IngestObservations("sofr", Unit::kPercent, inf, T("2025-10-30T13:00:00Z"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "series sofr: value inf on 2025-10-28 is not a finite number; nothing stored");
  std::vector<Observation> nan = {{"sofr", D("2025-10-29"), std::nan(""), false}};
  EXPECT_FALSE(
      store->IngestObservations("sofr", Unit::kPercent, nan, T("2025-10-30T13:00:00Z")).ok());
  std::vector<Observation> twice = {{"sofr", D("2025-10-29"), 4.2, false},
                                    {"sofr", D("2025-10-29"), 4.5, false}};
  auto t = store->IngestObservations("sofr", Unit::kPercent, twice, T("2025-10-30T13:00:00Z"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "series sofr: 2025-10-29 appears twice in one batch; nothing stored");
  auto history = store->History("sofr", std::nullopt);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].value, 4.31);
  EXPECT_EQ(*TestAccess::Db(*store).QueryInt("SELECT count(*) FROM observation_revisions"), 0);
}

// Webhook and Slack URLs carry their token in the path: an error quoting one is scrubbed before
// it is stored, and again when served (rows written before the scrubbing).
TEST_F(StoreTest, StoredErrorsAreScrubbedOfRegisteredSecrets) {
  const std::string hook = "https://hooks.slack.com/services/T0/B0/StoreTestToken42";
  RegisterSecret(hook);
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  ASSERT_TRUE(store->RecordTransition(Fire("2025-10-28", 4.31), {"a", "b"}).ok());
  auto due = *store->DueDeliveries(T("2025-10-28T13:00:00Z"), 10);
  ASSERT_EQ(due.size(), 2u);
  ASSERT_TRUE(store
                  ->MarkRetry(due[0].delivery_id, T("2025-10-28T13:05:00Z"),
                              "slack a: POST " + hook + ": Connection refused")
                  .ok());
  ASSERT_TRUE(store
                  ->MarkDead(due[1].delivery_id, T("2025-10-28T13:05:00Z"),
                             "webhook b: POST " + hook + ": Connection refused")
                  .ok());
  ASSERT_TRUE(store
                  ->RecordPollFailure("sofr", "fred", T("2025-10-28T13:00:00Z"),
                                      "GET " + hook + "?x=1: refused")
                  .ok());
  auto deliveries = *store->AlertDeliveries(*due[0].alert_id);
  ASSERT_EQ(deliveries.size(), 2u);
  std::set<std::string> errors;
  for (const auto& d : deliveries) errors.insert(*d.last_error);
  EXPECT_EQ(errors, (std::set<std::string>{"slack a: POST [redacted]: Connection refused",
                                           "webhook b: POST [redacted]: Connection refused"}));
  EXPECT_EQ(
      *TestAccess::Db(*store).QueryInt("SELECT count(*) FROM deliveries WHERE last_error LIKE "
                                       "'%StoreTestToken42%'"),
      0);
  EXPECT_EQ(
      *TestAccess::Db(*store).QueryInt("SELECT count(*) FROM source_health WHERE last_error LIKE "
                                       "'%StoreTestToken42%'"),
      0);
  // A row written by an older version, served through the JSON view.
  ASSERT_TRUE(TestAccess::Db(*store)
                  .Exec("UPDATE deliveries SET last_error = 'POST " + hook + ": old'")
                  .ok());
  auto old = *store->AlertDeliveries(*due[0].alert_id);
  EXPECT_EQ(boost::json::serialize(DeliveryJson(old[0])).find("StoreTestToken42"),
            std::string::npos);
  EXPECT_NE(boost::json::serialize(DeliveryJson(old[0])).find("POST [redacted]: old"),
            std::string::npos);
}

TEST_F(StoreTest, QueryFiltersByRuleStateTextAndTime) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  ASSERT_TRUE(store->RecordTransition(Fire("2025-10-28", 4.31), {}).ok());
  auto other = Fire("2025-10-30", 1010);
  other.rule = "tga_high";
  other.series = "tga";
  other.message = "TGA above $1tn";
  ASSERT_TRUE(store->RecordTransition(other, {}).ok());
  AlertQuery q;
  q.rule = "tga_high";
  EXPECT_EQ(store->QueryAlerts(q)->size(), 1u);
  q = {};
  q.text = "tga ABOVE";
  EXPECT_EQ((*store->QueryAlerts(q))[0].rule, "tga_high");
  q = {};
  q.since = T("2025-10-29T00:00:00Z");
  EXPECT_EQ(store->QueryAlerts(q)->size(), 1u);
  q = {};
  q.state = "resolved";
  EXPECT_TRUE(store->QueryAlerts(q)->empty());
  q = {};
  q.limit = 1;
  EXPECT_EQ((*store->QueryAlerts(q))[0].rule, "tga_high");  // newest first
}

TEST_F(StoreTest, ReadOnlyOpenSeesDaemonWritesAndCannotWrite) {
  auto writer = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  ASSERT_TRUE(writer->RecordTransition(Fire("2025-10-28", 4.31), {}).ok());
  auto reader = Store::Open(path_, Store::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->QueryAlerts({})->size(), 1u);
  auto w = (*reader)->RecordTransition(Fire("2025-10-29", 4.4), {});
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Status::Code::kIoError);
}

TEST_F(StoreTest, UnchangedPollsAreWrittenAsThatManySuccessesInOneTransaction) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  ASSERT_TRUE(store->RecordPollSuccess("sofr", "nyfed", T("2025-10-30T12:00:00Z"), true).ok());
  ASSERT_TRUE(
      store->RecordPollFailure("effr", "nyfed", T("2025-10-30T12:00:01Z"), "HTTP 500").ok());
  auto& db = TestAccess::Db(*store);
  const int64_t changes = *db.QueryInt("SELECT total_changes()");

  ASSERT_TRUE(store
                  ->RecordUnchangedPolls({{"sofr", "nyfed", T("2025-10-30T12:00:09Z"), 9},
                                          {"effr", "nyfed", T("2025-10-30T12:00:05Z"), 2},
                                          {"iorb", "fred", T("2025-10-30T12:00:07Z"), 1}})
                  .ok());
  EXPECT_EQ(*db.QueryInt("SELECT total_changes()"), changes + 3);  // one row each
  auto health = *store->SourceHealth();
  std::map<std::string, SourceHealthRow> by;
  for (auto& h : health) by[h.series] = h;
  ASSERT_EQ(by.size(), 3u);
  EXPECT_EQ(by["sofr"].polls, 10);
  EXPECT_EQ(by["sofr"].last_success_at, "2025-10-30T12:00:09.000Z");
  EXPECT_EQ(by["sofr"].last_attempt_at, "2025-10-30T12:00:09.000Z");
  EXPECT_EQ(by["sofr"].last_new_observation_at, "2025-10-30T12:00:00.000Z");  // unchanged
  // Successes after a failure: the streak ends, the error stays on record.
  EXPECT_EQ(by["effr"].polls, 3);
  EXPECT_EQ(by["effr"].errors, 1);
  EXPECT_EQ(by["effr"].consecutive_failures, 0);
  EXPECT_EQ(by["effr"].last_error, "HTTP 500");
  EXPECT_EQ(by["iorb"].polls, 1);
  EXPECT_EQ(by["iorb"].source, "fred");
  EXPECT_FALSE(by["iorb"].last_new_observation_at.has_value());
  // An empty batch writes nothing.
  ASSERT_TRUE(store->RecordUnchangedPolls({}).ok());
  EXPECT_EQ(*db.QueryInt("SELECT total_changes()"), changes + 3);
}

TEST_F(StoreTest, ForgetUnpolledSeriesDropsHealthAndValidatorsButKeepsHistory) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  const TimePoint now = T("2025-10-30T12:00:00Z");
  for (const char* id : {"sofr", "effr", "srf:op:RP 1"}) {
    ASSERT_TRUE(
        store->IngestObservations(id, Unit::kPercent, {{id, D("2025-10-28"), 4.3, false}}, now)
            .ok());
    ASSERT_TRUE(store->RecordPollSuccess(id, "nyfed", now, true).ok());
  }
  ASSERT_TRUE(
      store
          ->IngestObservations("effr", Unit::kPercent, {{"effr", D("2025-10-28"), 4.1, false}}, now)
          .ok());  // a revision
  ASSERT_TRUE(store->RecordPollFailure("effr", "nyfed", now, "HTTP 500").ok());
  ASSERT_TRUE(store->SaveHttpValidators("effr", "http://h/effr", {"\"e1\"", ""}, now).ok());
  ASSERT_TRUE(store->SaveHttpValidators("sofr", "http://h/sofr", {"\"s1\"", ""}, now).ok());

  auto gone = store->ForgetUnpolledSeries({"sofr", "srf"});
  ASSERT_TRUE(gone.ok()) << gone.status().message();
  EXPECT_THAT(*gone, ::testing::ElementsAre("effr", "srf:op:RP 1"));
  auto health = store->SourceHealth();
  ASSERT_EQ(health->size(), 1u);
  EXPECT_EQ((*health)[0].series, "sofr");
  EXPECT_FALSE(store->GetHttpValidators("effr", "http://h/effr")->has_value());
  EXPECT_TRUE(store->GetHttpValidators("sofr", "http://h/sofr")->has_value());
  // History is data: observations and revisions of forgotten series stay.
  EXPECT_EQ(store->History("effr", std::nullopt)->size(), 1u);
  EXPECT_EQ(store->Revisions("effr")->size(), 1u);
  EXPECT_EQ(store->History("srf:op:RP 1", std::nullopt)->size(), 1u);
  EXPECT_TRUE(store->ForgetUnpolledSeries({"sofr", "srf"})->empty());
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(StoreTest, HttpValidatorsSurviveReopenPerUrlWithoutCredentials) {
  const std::string key = "abcdefghijklmnopqrstuvwxyz123456";
  const std::string url =
      "http://h/fred/series/observations?series_id=SOFR&api_key=" + key + "&file_type=json";
  const HttpValidators v{"\"abc\"", "Thu, 30 Oct 2025 12:00:00 GMT"};
  {
    auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
    ASSERT_TRUE(store->SaveHttpValidators("sofr", url, v, T("2025-10-30T12:00:00Z")).ok());
  }
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  EXPECT_EQ(store->GetHttpValidators("sofr", url)->value_or(HttpValidators{}), v);
  // Another URL, or another series, has none.
  EXPECT_FALSE(
      store->GetHttpValidators("sofr", url + "&observation_start=2025-10-20")->has_value());
  EXPECT_FALSE(store->GetHttpValidators("iorb", url)->has_value());
  // The key is stored redacted: a rotated key finds the same validators.
  auto stored = TestAccess::Db(*store).Prepare("SELECT url FROM http_validators");
  ASSERT_TRUE(*stored->Step());
  EXPECT_EQ(stored->Text(0),
            "http://h/fred/series/observations?series_id=SOFR&api_key=[redacted]&file_type=json");
  std::string rotated = url;
  rotated.replace(rotated.find(key), key.size(), "zyxwvutsrqponmlkjihgfedcba654321");
  EXPECT_TRUE(store->GetHttpValidators("sofr", rotated)->has_value());
  EXPECT_EQ((FileBytes(path_) + FileBytes(path_ + "-wal")).find(key), std::string::npos);
  // Empty validators (a 200 without them) forget the URL's.
  ASSERT_TRUE(store->SaveHttpValidators("sofr", url, {}, T("2025-10-30T13:00:00Z")).ok());
  EXPECT_FALSE(store->GetHttpValidators("sofr", url)->has_value());
}

TEST_F(StoreTest, HttpValidatorsKeepTheMostRecentlyUsedUrlsPerSeries) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  const int n = Store::kValidatorUrlsPerSeries;
  auto url = [](int i) { return "http://h/x?startDate=2025-10-" + std::to_string(10 + i); };
  auto at = [](int i) { return T("2025-10-30T12:00:00Z") + std::chrono::minutes(i); };
  ASSERT_TRUE(store->SaveHttpValidators("other", url(0), {"\"o\"", ""}, at(0)).ok());
  for (int i = 0; i <= n; ++i)
    ASSERT_TRUE(store->SaveHttpValidators("sofr", url(i), {"\"e\"", ""}, at(i)).ok());
  // url(0) is the least recently used: gone. Another series' are untouched.
  EXPECT_FALSE(store->GetHttpValidators("sofr", url(0))->has_value());
  for (int i = 1; i <= n; ++i) EXPECT_TRUE(store->GetHttpValidators("sofr", url(i))->has_value());
  EXPECT_TRUE(store->GetHttpValidators("other", url(0))->has_value());
  // A 304 on url(1) refreshes it, so the next new URL pushes out url(2) instead.
  ASSERT_TRUE(store->SaveHttpValidators("sofr", url(1), {"\"e\"", ""}, at(n + 1)).ok());
  ASSERT_TRUE(store->SaveHttpValidators("sofr", url(n + 1), {"\"e\"", ""}, at(n + 2)).ok());
  EXPECT_TRUE(store->GetHttpValidators("sofr", url(1))->has_value());
  EXPECT_FALSE(store->GetHttpValidators("sofr", url(2))->has_value());
}

int64_t Count(Store& s, const char* table) {
  return *TestAccess::Db(s).QueryInt(std::string("SELECT count(*) FROM ") + table);
}

// A store method's own transaction becomes a savepoint inside Atomically: the unit commits or
// rolls back as a whole, and a failed inner step rolls back only itself.
TEST_F(StoreTest, AtomicallyCommitsOrRollsBackEverythingInside) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  std::vector<Observation> batch = {{"sofr", D("2025-10-28"), 4.31, false}};
  auto failed = store->Atomically([&]() -> Status {
    EXPECT_TRUE(
        store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-10-29T12:00:00Z")).ok());
    EXPECT_TRUE(store->RecordTransition(Fire("2025-10-28", 4.31), {"desk"}).ok());
    EXPECT_EQ(TestAccess::Db(*store).transaction_depth(), 1);
    return Status::IoError("step 3 failed");
  });
  EXPECT_EQ(failed.message(), "step 3 failed");
  EXPECT_EQ(TestAccess::Db(*store).transaction_depth(), 0);
  for (const char* t : {"observations", "alerts", "alert_events", "deliveries", "rule_state"})
    EXPECT_EQ(Count(*store, t), 0) << t;

  auto done = store->Atomically([&]() -> Result<int> {
    EXPECT_TRUE(
        store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-10-29T12:00:00Z")).ok());
    // A nested unit that fails leaves the outer one's writes alone.
    auto inner = Transaction::Begin(TestAccess::Db(*store));
    EXPECT_TRUE(inner.ok());
    EXPECT_TRUE(TestAccess::Db(*store)
                    .Exec("INSERT INTO rule_memory (rule, labels, state, severity, "
                          "since_date, breach_count) VALUES ('x', '', 'firing', "
                          "'warning', '2025-10-28', 1)")
                    .ok());
    inner->reset();  // rolled back to its savepoint
    return 7;
  });
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(*done, 7);
  EXPECT_EQ(Count(*store, "observations"), 1);
  EXPECT_EQ(Count(*store, "rule_memory"), 0);
  // Visible to another connection: committed, not merely inside an open transaction.
  auto reader = std::move(*Store::Open(path_, Store::Mode::kReadOnly));
  EXPECT_EQ(Count(*reader, "observations"), 1);
}

// The start-up invariant on a consistent store, then on hand-corrupted copies of it: each
// check names its rows.
TEST_F(StoreTest, CheckConsistencyNamesEachBrokenRow) {
  auto store = std::move(*Store::Open(path_, Store::Mode::kReadWrite));
  auto fired = store->RecordTransition(Fire("2025-10-28", 4.31), {"desk"});
  ASSERT_TRUE(fired.ok());
  ASSERT_TRUE(TestAccess::Db(*store)
                  .Exec("INSERT INTO rule_memory (rule, labels, state, severity, "
                        "since_date, breach_count) VALUES ('sofr_above_iorb', '', "
                        "'firing', 'critical', '2025-10-28', 1), ('quiet', '', "
                        "'inactive', 'warning', '2025-10-28', 0)")
                  .ok());
  auto ok = store->CheckConsistency();
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_TRUE(ok->empty()) << (*ok)[0].check << " " << (*ok)[0].detail;

  // What a kill between the old separate transactions left: the alert closed, the state not;
  // memory ahead of rule_state; a resolved event without its alert.
  ASSERT_TRUE(TestAccess::Db(*store).Exec("UPDATE alerts SET state = 'resolved'").ok());
  ASSERT_TRUE(TestAccess::Db(*store)
                  .Exec("UPDATE rule_memory SET state = 'pending' WHERE rule = 'quiet'")
                  .ok());
  ASSERT_TRUE(
      TestAccess::Db(*store)
          .Exec("INSERT INTO alert_events (alert_id, rule, labels, kind, from_state, to_state, "
                "severity, "
                "series, obs_date, eval_time, message) VALUES (NULL, 'ghost', '', 'resolved', "
                "'firing', "
                "'resolved', 'warning', 'sofr', '2025-10-30', '2025-10-30T13:00:00.000Z', 'm')")
          .ok());
  auto bad = store->CheckConsistency();
  ASSERT_TRUE(bad.ok());
  std::vector<std::string> found;
  for (const auto& v : *bad) found.push_back(v.check + ": " + v.detail);
  EXPECT_THAT(found,
              ::testing::ElementsAre(
                  "firing_state_without_open_alert: rule=sofr_above_iorb labels=\"\" alert_id=1 "
                  "alert_state=resolved",
                  "rule_memory_disagrees_with_rule_state: rule=quiet labels=\"\" "
                  "rule_memory=pending rule_state=missing",
                  "alert_event_without_alert: event_id=2 rule=ghost labels=\"\" kind=resolved "
                  "obs_date=2025-10-30"));

  // An open alert nobody points at (a second alert opened while the first stayed firing).
  ASSERT_TRUE(TestAccess::Db(*store).Exec("UPDATE alerts SET state = 'firing'").ok());
  ASSERT_TRUE(TestAccess::Db(*store)
                  .Exec("UPDATE rule_state SET alert_id = NULL, state = 'resolved'")
                  .ok());
  ASSERT_TRUE(TestAccess::Db(*store)
                  .Exec("UPDATE rule_memory SET state = 'resolved' WHERE rule = "
                        "'sofr_above_iorb'")
                  .ok());
  bad = store->CheckConsistency();
  ASSERT_TRUE(bad.ok());
  ASSERT_FALSE(bad->empty());
  EXPECT_EQ((*bad)[0].check, "open_alert_without_firing_state");
  EXPECT_EQ((*bad)[0].detail, "alert_id=1 rule=sofr_above_iorb labels=\"\" rule_state=resolved");
}

// What `liqwatch series` prints: each stored date with its revisions in recorded order, the
// series list, and whether a series has anything stored at all.
TEST_F(TempDb, StoredObservationsCarryTheirRevisions) {
  auto opened = Store::Open(path_, Store::Mode::kReadWrite);
  ASSERT_TRUE(opened.ok());
  auto& store = *opened;
  std::vector<Observation> batch = {{"sofr", D("2025-10-28"), 4.27, false},
                                    {"sofr", D("2025-10-29"), 4.29, false}};
  ASSERT_TRUE(
      store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-10-30T09:00:00Z")).ok());
  batch[1].value = 4.30;
  ASSERT_TRUE(
      store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-10-31T09:00:00Z")).ok());
  batch[1].value = std::nullopt;
  ASSERT_TRUE(
      store->IngestObservations("sofr", Unit::kPercent, batch, T("2025-11-01T09:00:00Z")).ok());

  auto all = store->StoredObservations("sofr", std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].obs_date, "2025-10-28");
  EXPECT_TRUE((*all)[0].revisions.empty());
  EXPECT_EQ((*all)[1].value, std::nullopt);
  EXPECT_EQ((*all)[1].unit, "percent");
  ASSERT_EQ((*all)[1].revisions.size(), 2u);
  EXPECT_EQ((*all)[1].revisions[0].old_value, 4.29);
  EXPECT_EQ((*all)[1].revisions[0].new_value, 4.30);
  EXPECT_EQ((*all)[1].revisions[0].seen_at, "2025-10-31T09:00:00.000Z");
  EXPECT_EQ((*all)[1].revisions[1].new_value, std::nullopt);

  auto recent = store->StoredObservations("sofr", D("2025-10-29"));
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ(recent->front().obs_date, "2025-10-29");

  auto list = store->SeriesSummaries();
  ASSERT_TRUE(list.ok() && list->size() == 1);
  EXPECT_EQ(list->front().series, "sofr");
  EXPECT_EQ(list->front().observations, 2);
  EXPECT_EQ(list->front().first_date, "2025-10-28");
  EXPECT_EQ(list->front().last_date, "2025-10-29");
  EXPECT_TRUE(*store->HasObservations("sofr"));
  EXPECT_FALSE(*store->HasObservations("sofr_typo"));
  EXPECT_TRUE(store->CheckIntegrity().ok());
  EXPECT_TRUE(store->Ping().ok());
}

// Rule memory round-trips, breach_start only while a breach run lasts; Delete forgets it.
TEST_F(TempDb, RuleMemoryRoundTrips) {
  auto opened = Store::Open(path_, Store::Mode::kReadWrite);
  ASSERT_TRUE(opened.ok());
  auto& store = *opened;
  EXPECT_FALSE(*store->GetRuleMemory("r", "k=v"));
  RuleMemoryRow m;
  m.state = AlertState::kPending;
  m.severity = Severity::kCritical;
  m.since_date = D("2025-10-28");
  m.breach_count = 2;
  m.breach_start = D("2025-10-27");
  m.last_notified = T("2025-10-28T10:00:00Z");
  m.last_obs = D("2025-10-28");
  ASSERT_TRUE(store->SaveRuleMemory("r", "k=v", m).ok());
  auto got = store->GetRuleMemory("r", "k=v");
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ((*got)->state, AlertState::kPending);
  EXPECT_EQ((*got)->severity, Severity::kCritical);
  EXPECT_EQ((*got)->since_date, D("2025-10-28"));
  EXPECT_EQ((*got)->breach_count, 2);
  EXPECT_EQ((*got)->breach_start, D("2025-10-27"));
  EXPECT_EQ((*got)->last_notified, T("2025-10-28T10:00:00Z"));
  EXPECT_EQ((*got)->last_obs, D("2025-10-28"));
  EXPECT_FALSE(*store->GetRuleMemory("r", ""));  // another instance
  ASSERT_TRUE(store->DeleteRuleMemory("r", "k=v").ok());
  EXPECT_FALSE(*store->GetRuleMemory("r", "k=v"));
}

}  // namespace
}  // namespace liqwatch::store
