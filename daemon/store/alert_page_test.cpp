// Paging through the alert history with a cursor (keyset on opened_at, id) and the audit log,
// on a real SQLite file.
#include <functional>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/alert_filter.h"
#include "store/store.h"
#include "store/test_fixture.h"
#include "store/testing.h"

namespace liqwatch::store {
namespace {

class AlertPageTest : public StoreTestBase {
 protected:
  // An alert of `rule` opened at `opened` (several share one opened_at: the tie case).
  void AddAlert(int64_t id, const std::string& rule, const std::string& opened) {
    auto st = TestAccess::Db(*store_).Exec(fmt::format(
        "INSERT INTO alerts (id, rule, series, severity, state, opened_at, first_obs_date, "
        "last_obs_date, message) VALUES ({}, '{}', 'sofr', 'warning', 'resolved', '{}', "
        "'2025-10-28', '2025-10-28', 'm')",
        id, rule, opened));
    ASSERT_TRUE(st.ok()) << st.message();
  }

  // Every id of the history, page by page of `limit`, following `next` cursors.
  std::vector<int64_t> PageThrough(std::map<std::string, std::string> filter, int limit,
                                   const std::function<void(int page)>& between = {}) {
    std::vector<int64_t> ids;
    filter["limit"] = std::to_string(limit);
    for (int page = 0; page < 100; ++page) {
      auto q = ParseAlertFilter(filter, kNow, "", 1000);
      EXPECT_TRUE(q.ok()) << q.status().message();
      auto rows = store_->QueryAlerts(*q);
      EXPECT_TRUE(rows.ok());
      for (const auto& a : *rows) ids.push_back(a.id);
      if (static_cast<int>(rows->size()) < limit) break;
      filter["cursor"] = FormatAlertCursor(rows->back());
      if (between) between(page);
    }
    return ids;
  }

  const TimePoint kNow = *ParseTime("2025-11-01T12:00:00Z");
};

TEST_F(AlertPageTest, PagesCoverTheHistoryOnceNewestFirstAcrossTiedTimes) {
  // Ids 1..7; 2, 3 and 4 opened in the same millisecond, and 6 before 5.
  AddAlert(1, "a", "2025-10-01T13:00:00.000Z");
  for (int id : {2, 3, 4}) AddAlert(id, "a", "2025-10-02T13:00:00.000Z");
  AddAlert(5, "b", "2025-10-04T13:00:00.000Z");
  AddAlert(6, "a", "2025-10-03T13:00:00.000Z");
  AddAlert(7, "b", "2025-10-05T13:00:00.000Z");
  EXPECT_EQ(PageThrough({}, 2), (std::vector<int64_t>{7, 5, 6, 4, 3, 2, 1}));
  EXPECT_EQ(PageThrough({}, 1), (std::vector<int64_t>{7, 5, 6, 4, 3, 2, 1}));
  // Any filter pages the same way.
  EXPECT_EQ(PageThrough({{"rule", "a"}}, 2), (std::vector<int64_t>{6, 4, 3, 2, 1}));
}

TEST_F(AlertPageTest, AlertsOpenedWhilePagingDoNotShiftLaterPages) {
  for (int id = 1; id <= 6; ++id) AddAlert(id, "a", fmt::format("2025-10-0{}T13:00:00.000Z", id));
  int64_t next_id = 100;
  auto ids = PageThrough({}, 2, [&](int) {
    // A new alert arrives between pages: newer than everything, so on no later page.
    AddAlert(next_id, "a", fmt::format("2025-10-2{}T13:00:00.000Z", next_id - 100));
    ++next_id;
  });
  EXPECT_EQ(ids, (std::vector<int64_t>{6, 5, 4, 3, 2, 1}));
}

TEST_F(AlertPageTest, ACursorThatIsNotOneIsRefusedNamingTheParameter) {
  for (const char* bad : {"17", "2025-10-01T13:00:00.000Z", "2025-10-01~5", "x~5",
                          "2025-10-01T13:00:00.000Z~", "2025-10-01T13:00:00.000Z~-1"}) {
    auto q = ParseAlertFilter({{"cursor", bad}}, kNow, "--", 1000);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(
        q.status().message(),
        fmt::format("--cursor: '{}' is not a cursor; pass the `next` of a previous page", bad));
  }
  AlertRow last;
  last.opened_at = "2025-10-01T13:00:00.000Z";
  last.id = 42;
  EXPECT_EQ(FormatAlertCursor(last), "2025-10-01T13:00:00.000Z~42");
  auto q = ParseAlertFilter({{"cursor", FormatAlertCursor(last)}}, kNow, "", 1000);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->after->opened_at, last.opened_at);
  EXPECT_EQ(q->after->id, 42);
}

TEST_F(AlertPageTest, AuditRowsComeBackNewestFirstAndRollBackWithTheirChange) {
  ASSERT_TRUE(store_
                  ->AddAudit({0, "2025-11-01T12:00:00.000Z", "token@127.0.0.1", "silence.add",
                              "silence 1", "{\"rule\":\"a\"}"})
                  .ok());
  ASSERT_TRUE(
      store_->AddAudit({0, "2025-11-01T12:01:00.000Z", "cli:ops", "alert.ack", "alert 7", "{}"})
          .ok());
  // A change that fails takes its audit row with it.
  auto failed = store_->Atomically([&]() -> Status {
    auto id = store_->AddAudit({0, "2025-11-01T12:02:00.000Z", "x", "silence.expire", "s", ""});
    if (!id.ok()) return id.status();
    return Status::NotFound("no silence 9");
  });
  EXPECT_FALSE(failed.ok());
  auto log = store_->AuditLog(10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].action, "alert.ack");
  EXPECT_EQ((*log)[0].actor, "cli:ops");
  EXPECT_EQ((*log)[1].target, "silence 1");
  EXPECT_EQ((*log)[1].detail, "{\"rule\":\"a\"}");
  EXPECT_EQ(store_->AuditLog(1)->size(), 1u);
}

}  // namespace
}  // namespace liqwatch::store
