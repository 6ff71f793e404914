// When a series is polled: release-driven (SOFR's calendar), windows, the grid, and the
// per-host rate limits check-config warns about.
#include "sources/schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "core/calendar.h"
#include "sources/driver.h"
#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::D;

TimePoint NewYork(const char* date, int h, int m) {
  return *FromNewYork(D(date), hours(h) + minutes(m));
}

// SOFR: the NY Fed publishes the rate for business day D at ~08:00 ET on D+1 business day.
ReleaseSchedule Sofr() {
  ReleaseSchedule s;
  s.cadence = ReleaseSchedule::Cadence::kBusinessDays;
  s.lag_business_days = 1;
  s.time_of_day = hours(8);
  s.grace = minutes(45);
  return s;
}

SeriesConfig ReleaseDriven() {
  SeriesConfig s;
  s.id = "sofr";
  s.interval = hours(1);  // the loader's default; not written
  s.release = Sofr();
  return s;
}

constexpr Duration kFast = seconds(30);

TEST(ReleaseSchedule, SleepsUntilDueThenPollsFastUntilThePrintLands) {
  const SeriesConfig s = ReleaseDriven();
  ASSERT_TRUE(IsReleaseDriven(s));
  // Tuesday 2025-12-09: Monday's print is due at 08:00 ET; Friday's is stored.
  const auto friday = D("2025-12-05");
  FixedWallClock clock(NewYork("2025-12-09", 7, 0));
  EXPECT_EQ(SuccessDelay(s, kFast, friday, clock.Now()), hours(1));  // before due: until due
  clock.Set(NewYork("2025-12-09", 8, 0));
  EXPECT_EQ(SuccessDelay(s, kFast, friday, clock.Now()), kFast);  // due, not landed: fast
  clock.Set(NewYork("2025-12-09", 8, 40));
  EXPECT_EQ(SuccessDelay(s, kFast, friday, clock.Now()), kFast);  // still within grace
  clock.Set(NewYork("2025-12-09", 8, 2));
  // Landed: idle until Wednesday 08:00, when Tuesday's print is due.
  EXPECT_EQ(SuccessDelay(s, kFast, D("2025-12-08"), clock.Now()), hours(23) + minutes(58));
}

TEST(ReleaseSchedule, LatePrintIsRetriedAtTheLateIntervalUntilTheNextDueTime) {
  const SeriesConfig s = ReleaseDriven();
  const auto friday = D("2025-12-05");
  // Past due + grace (08:45) and not stored: late, retried every 15 minutes.
  EXPECT_EQ(SuccessDelay(s, kFast, friday, NewYork("2025-12-09", 9, 0)),
            config::defaults::kReleaseLateInterval);
  // ...but never past the next due time (Wednesday 08:00).
  EXPECT_EQ(SuccessDelay(s, kFast, friday, NewYork("2025-12-10", 7, 50)), minutes(10));
}

TEST(ReleaseSchedule, HolidayAndWeekendWaitForTheNextBusinessDay) {
  const SeriesConfig s = ReleaseDriven();
  // Thanksgiving, Thursday 2025-11-27: nothing is published; Wednesday's print is due Friday
  // 08:00 ET. With Tuesday's print stored, the poller sleeps through the holiday.
  EXPECT_EQ(SuccessDelay(s, kFast, D("2025-11-25"), NewYork("2025-11-27", 9, 0)), hours(23));
  // Saturday: Friday's print is due Monday 08:00; the idle sleep is capped at a day.
  EXPECT_EQ(SuccessDelay(s, kFast, D("2025-12-04"), NewYork("2025-12-06", 9, 0)),
            config::defaults::kReleaseIdleMax);
  EXPECT_EQ(SuccessDelay(s, kFast, D("2025-12-04"), NewYork("2025-12-07", 9, 0)), hours(23));
}

TEST(ReleaseSchedule, WrittenIntervalOrWindowsOverrideTheCalendar) {
  SeriesConfig s = ReleaseDriven();
  s.interval_written = true;
  EXPECT_FALSE(IsReleaseDriven(s));
  EXPECT_EQ(SuccessDelay(s, kFast, D("2025-12-05"), NewYork("2025-12-09", 8, 0)), hours(1));
  s.interval_written = false;
  s.windows = {{8 * 60, 9 * 60, seconds(10)}};
  EXPECT_FALSE(IsReleaseDriven(s));
  EXPECT_EQ(SuccessDelay(s, kFast, D("2025-12-05"), NewYork("2025-12-09", 8, 0)), seconds(10));
  s.windows.clear();
  s.release.reset();  // no calendar (a custom source): the fixed interval
  EXPECT_FALSE(IsReleaseDriven(s));
  EXPECT_EQ(SuccessDelay(s, kFast, std::nullopt, NewYork("2025-12-09", 8, 0)), hours(1));
}

TEST(Schedule, ReleaseWindowsInNewYork) {
  SeriesConfig s;
  s.interval = hours(1);
  s.windows = {{8 * 60 + 15, 8 * 60 + 45, seconds(30)}, {13 * 60 + 30, 14 * 60 + 15, seconds(30)}};
  // Tuesday 2025-12-09
  EXPECT_EQ(ScheduleDelay(s, NewYork("2025-12-09", 8, 20)), seconds(30));
  EXPECT_EQ(ScheduleDelay(s, NewYork("2025-12-09", 13, 50)), seconds(30));
  EXPECT_EQ(ScheduleDelay(s, NewYork("2025-12-09", 10, 0)), hours(1));
  EXPECT_EQ(ScheduleDelay(s, NewYork("2025-12-09", 8, 0)), minutes(15));
  // Saturday and Christmas: hourly
  EXPECT_EQ(ScheduleDelay(s, NewYork("2025-12-13", 8, 20)), hours(1));
  EXPECT_EQ(ScheduleDelay(s, NewYork("2025-12-25", 8, 20)), hours(1));
}

TEST(Schedule, GridKeepsTheIntervalAndSkipsMissedSlots) {
  using Steady = std::chrono::steady_clock;
  const Steady::time_point t0{};
  const Duration second = seconds(1);
  // A poll that took 300 ms: the next starts 1 s after the last start, not after its end.
  EXPECT_EQ(NextSlot(t0, second, t0 + std::chrono::milliseconds(300)), t0 + seconds(1));
  // One that took 2.5 s: slots 1 s and 2 s are skipped (no burst), the next is at 3 s.
  EXPECT_EQ(NextSlot(t0, second, t0 + std::chrono::milliseconds(2500)), t0 + seconds(3));
  // Exactly on a slot boundary: that slot.
  EXPECT_EQ(NextSlot(t0, second, t0 + seconds(2)), t0 + seconds(2));
}

TEST(HostLimits, DefaultLimitSparesLocalHostsButAWrittenOneApplies) {
  for (const char* host : {"127.0.0.1:8080", "localhost", "[::1]:9", "10.1.2.3", "172.20.0.5:80",
                           "192.168.1.10", "feeds.internal", "box.local"})
    EXPECT_TRUE(IsLocalHost(host)) << host;
  for (const char* host :
       {"fred.stlouisfed.org", "8.8.8.8", "172.32.0.1", "192.169.0.1", "127.example.com"})
    EXPECT_FALSE(IsLocalHost(host)) << host;
  SourceConfig csv;
  csv.requests_per_second = 1;
  EXPECT_EQ(HostLimit(csv, "127.0.0.1:8080"), 0);  // the default: no limit on loopback
  EXPECT_EQ(HostLimit(csv, "example.com"), 1);
  csv.requests_per_second_written = true;
  EXPECT_EQ(HostLimit(csv, "127.0.0.1:8080"), 1);
}

config::Config Load(const std::string& yaml) {
  auto r = config::LoadConfigFromString(yaml, "t.yaml");
  EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].ToString());
  return r.config ? *r.config : config::Config{};
}

// The csv/json default of 1 request/s used to cap a whole config at 1 poll/s without a word.
TEST(HostLimits, CheckConfigWarnsWhenPollsExceedTheHostsLimit) {
  std::string yaml = R"(sources:
  sheet: {type: csv, base_url: "https://data.example.com", path: /a.csv}
  local: {type: csv, base_url: "http://127.0.0.1:9", path: /a.csv}
series:
)";
  for (int i = 0; i < 3; ++i)
    yaml += "  - {id: a" + std::to_string(i) +
            ", source: sheet, remote_id: A, unit: index, interval: 1s}\n"
            "  - {id: l" +
            std::to_string(i) + ", source: local, remote_id: A, unit: index, interval: 1s}\n";
  auto c = Load(yaml);
  EXPECT_THAT(PollRateWarnings(c.sources, c.series),
              ::testing::ElementsAre(
                  "host data.example.com: 3 series poll up to 3 requests/s at their fastest, but "
                  "requests_per_second is 1 (sources: sheet): polls wait for their turn and fall "
                  "behind their schedule; raise requests_per_second if the host allows it"));
  // Within the limit: nothing to say.
  auto ok = Load(R"(sources:
  sheet: {type: csv, base_url: "https://data.example.com", path: /a.csv, requests_per_second: 5}
series:
  - {id: a, source: sheet, remote_id: A, unit: index, interval: 1s}
)");
  EXPECT_TRUE(PollRateWarnings(ok.sources, ok.series).empty());
}

// The shipped watchlist polls within every host's limit, by its release calendars.
TEST(HostLimits, ShippedConfigHasNoWarnings) {
  auto r = config::LoadConfig(std::string(LIQWATCH_SOURCE_DIR) + "/config/liqwatch.yaml",
                              config::SecretRefs::kSkip);
  ASSERT_TRUE(r.config);
  EXPECT_THAT(PollRateWarnings(r.config->sources, r.config->series), ::testing::IsEmpty());
  int release_driven = 0;
  for (const auto& s : r.config->series) release_driven += IsReleaseDriven(s);
  EXPECT_GT(release_driven, 20);
}

TEST(Drivers, OneTablePerTypeAndEachTypeNamesItself) {
  EXPECT_EQ(KnownSourceTypes(), "fred, nyfed, treasury_dts, fear_greed, html_table, csv, json");
  for (const SourceDriver* d : AllDrivers()) {
    EXPECT_EQ(FindDriver(d->type()), d);
    EXPECT_GT(d->default_requests_per_second(), 0);
    EXPECT_GT(d->fast_poll_interval(), Duration(0));
  }
  EXPECT_EQ(FindDriver("ftp"), nullptr);
}

}  // namespace
}  // namespace liqwatch::sources
