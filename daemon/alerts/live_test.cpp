#include "alerts/live.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/history_input.h"
#include "alerts/memory.h"
#include "alerts/readiness.h"
#include "alerts/replay.h"
#include "config/rules_config.h"
#include "core/calendar.h"
#include "core/file.h"

namespace liqwatch::alerts {
namespace {

Date D(const char* s) { return *ParseDate(s); }

TimePoint NewYork(const char* date, int h, int m, int ms = 0) {
  return *FromNewYork(D(date), std::chrono::hours(h) + std::chrono::minutes(m)) +
         std::chrono::milliseconds(ms);
}

// A config and a real SQLite file, fed the way the daemon feeds them: store a batch, then
// evaluate the rules on what changed (notified transitions are kept in `notified`).
class LiveDb {
 public:
  LiveDb(const char* name, const std::string& yaml)
      : path_(std::filesystem::temp_directory_path() / name) {
    std::filesystem::remove(path_);
    auto loaded = config::LoadConfigFromString(yaml, "t.yaml");
    EXPECT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors[0].ToString());
    if (loaded.config) config = std::move(*loaded.config);
    Reopen();
  }
  ~LiveDb() {
    store.reset();
    std::filesystem::remove(path_);
  }
  // Closes and opens the database again, as a daemon restart does.
  void Reopen() {
    store.reset();
    auto s = store::Store::Open(path_.string(), store::Store::Mode::kReadWrite);
    EXPECT_TRUE(s.ok()) << s.status().message();
    if (s.ok()) store = std::move(*s);
  }
  // Stores one observation (evaluated 30h after its date, when it is published) and
  // evaluates the rules; returns the deliveries queued, or -1 on an error.
  int Ingest(const char* series, const char* date, double value) {
    return IngestAt(series, date, value, TimePoint(D(date)) + std::chrono::hours(30));
  }
  // The same at `now`, after a successful poll of the series (source health).
  int IngestAt(const std::string& series, const char* date, double value, TimePoint now,
               Unit unit = Unit::kPercent) {
    return IngestAt(series, D(date), value, now, unit);
  }
  int IngestAt(const std::string& series, Date date, double value, TimePoint now, Unit unit) {
    std::vector<Observation> batch{{series, date, value, false}};
    EXPECT_TRUE(store->RecordPollSuccess(series, "src", now, true).ok());
    auto stats = store->IngestObservations(series, unit, batch, now);
    EXPECT_TRUE(stats.ok());
    if (!stats.ok()) return -1;
    TargetsFn targets = [this](const config::RuleConfig&, const store::Transition& t) {
      notified.push_back(t);
      return std::vector<std::string>{"desk"};
    };
    auto n = EvaluateRules(*store, config, series, stats->changed, now, targets);
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  }
  // The daemon's age timer at `now`.
  void Tick(TimePoint now) {
    TargetsFn targets = [this](const config::RuleConfig&, const store::Transition& t) {
      notified.push_back(t);
      return std::vector<std::string>{"desk"};
    };
    auto n = EvaluateAgeRules(*store, config, now, targets);
    EXPECT_TRUE(n.ok()) << n.status().message();
  }
  // "<kind> <observation date>" of each notified transition, optionally of one rule only.
  std::vector<std::string> Sent(const std::string& rule = "") const {
    std::vector<std::string> out;
    for (const auto& t : notified)
      if (rule.empty() || t.rule == rule) out.push_back(t.kind + " " + FormatDate(t.obs_date));
    return out;
  }
  std::string State(const std::string& rule, const std::string& labels = "") {
    auto m = LoadMemory(*store, rule, labels);
    return m.ok() && *m ? std::string(AlertStateName((*m)->state)) : std::string("none");
  }

  config::Config config;
  std::unique_ptr<store::Store> store;
  std::vector<store::Transition> notified;

 private:
  std::filesystem::path path_;
};

// A rule fanned out over two series: each instance keeps its own state, alert, memory and
// routing, in a real SQLite file, across a reopen of the store.
TEST(LiveRules, ForEachInstancesAlertIndependently) {
  LiveDb db("liqwatch_live_test.db", R"(sources:
  fred: {type: fred}
series:
  - {id: hy_oas, source: fred, remote_id: BAMLH0A0HYM2, unit: percent}
  - {id: ig_oas, source: fred, remote_id: BAMLC0A0CM, unit: percent}
rules:
  - name: oas_widening
    for_each: [{series: hy_oas, by: 50bp}, {series: ig_oas, by: 20bp}]
    expr: change($series, 1) > $by
)");
  EXPECT_EQ(db.Ingest("hy_oas", "2025-11-17", 3.00), 0);  // window not full: no_data
  EXPECT_EQ(db.Ingest("ig_oas", "2025-11-17", 0.80), 0);
  EXPECT_EQ(db.Ingest("hy_oas", "2025-11-18", 3.60), 1);  // +60bp > 50bp: fires
  EXPECT_EQ(db.Ingest("ig_oas", "2025-11-18", 0.90), 0);  // +10bp < 20bp: quiet
  db.Reopen();
  EXPECT_EQ(db.Ingest("ig_oas", "2025-11-19", 1.15), 1);  // +25bp: the IG instance fires
  EXPECT_EQ(db.Ingest("hy_oas", "2025-11-19", 3.70), 1);  // +10bp: the HY instance resolves
  std::vector<std::string> routed;  // "labels severity" of each notified transition
  for (const auto& t : db.notified)
    routed.push_back(t.labels + " " + std::string(SeverityName(t.severity)));
  EXPECT_THAT(routed, ::testing::ElementsAre("by=50bp,series=hy_oas warning",
                                             "by=20bp,series=ig_oas warning",
                                             "by=50bp,series=hy_oas warning"));

  auto alerts = db.store->QueryAlerts(store::AlertQuery{});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  std::map<std::string, std::pair<std::string, std::string>> by_labels;  // -> (series, state)
  for (const auto& a : *alerts) by_labels[a.labels] = {a.series, a.state};
  EXPECT_EQ(by_labels["by=50bp,series=hy_oas"],
            std::make_pair(std::string("hy_oas"), std::string("resolved")));
  EXPECT_EQ(by_labels["by=20bp,series=ig_oas"],
            std::make_pair(std::string("ig_oas"), std::string("firing")));
  EXPECT_EQ(db.State("oas_widening", "by=50bp,series=hy_oas"), "resolved");
  EXPECT_EQ(db.State("oas_widening", "by=20bp,series=ig_oas"), "firing");
  auto ig = LoadMemory(*db.store, "oas_widening", "by=20bp,series=ig_oas");
  ASSERT_TRUE(ig.ok() && *ig);
  EXPECT_EQ((*ig)->last_obs, D("2025-11-19"));
  EXPECT_EQ(db.State("oas_widening"), "none");  // nothing kept under the rule name alone
  // The same observation again: no instance moves, nothing is sent twice.
  EXPECT_EQ(db.Ingest("ig_oas", "2025-11-19", 1.15), 0);
}

// Feeds publish in any order. SOFR for 2025-10-28 lands first: IORB's print for 10-28 (FRED,
// due 10:00 ET 10-29, a day's grace) is not in, so the date waits rather than being judged on a
// superseded IORB. At IORB's deadline the timer judges it without it: IORB is 11 days old, so
// no_data. IORB arriving judges 10-28 again, so the alert opens on that date rather than
// waiting for the next SOFR print. An input arriving while the rule is not in no_data changes
// nothing (a date is counted once for `for:`).
TEST(LiveRules, LateInputJudgesTheNoDataDateAgain) {
  LiveDb db("liqwatch_live_late_input.db", R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent}
derived:
  - {id: sofr_iorb, expr: sofr - iorb}
rules:
  - {name: above, expr: sofr_iorb >= 15bp}
  - {name: above_twice, expr: sofr_iorb >= 15bp, for: 2}
)");
  db.Ingest("iorb", "2025-10-17", 4.15);
  db.Ingest("sofr", "2025-10-28", 4.31);  // waits for IORB's 10-28 print
  EXPECT_EQ(db.State("above"), "none");
  db.Tick(NewYork("2025-10-30", 9, 59));  // IORB not late yet
  EXPECT_EQ(db.State("above"), "none");
  db.Tick(NewYork("2025-10-30", 10, 0));  // late: judged on the 10-17 print, 11 days old
  EXPECT_EQ(db.State("above"), "no_data");
  EXPECT_TRUE(db.notified.empty());
  db.IngestAt("iorb", "2025-10-28", 4.15, NewYork("2025-10-30", 11, 0));  // judged again
  EXPECT_EQ(db.State("above"), "firing");
  EXPECT_EQ(db.State("above_twice"), "pending");
  EXPECT_THAT(db.Sent(), ::testing::ElementsAre("firing 2025-10-28"));
  auto count = [&] { return (*LoadMemory(*db.store, "above_twice", ""))->breach_count; };
  EXPECT_EQ(count(), 1);
  db.Ingest("iorb", "2025-10-29", 4.15);  // after the judged date: no second count of 10-28
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(db.State("above_twice"), "pending");
  db.Ingest("sofr", "2025-10-29", 4.31);  // the next clock date completes for: 2
  EXPECT_EQ(db.State("above_twice"), "firing");
  EXPECT_THAT(db.Sent("above_twice"), ::testing::ElementsAre("firing 2025-10-29"));
}

// FOMC day: SOFR for 2025-10-30 lands before the new target range. The date waits for the
// range's 10-30 print instead of being judged against the old top (4.25%), so the alert does
// not resolve and fire again: judged against the new top (4.00%) it stays firing. An input
// dated before the clock's previous date (a revision in the re-read window) does not re-judge.
TEST(LiveRules, ASpreadWaitsForEveryInputsPrintForTheDate) {
  LiveDb db("liqwatch_live_fomc.db", R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: dfedtaru, source: fred, remote_id: DFEDTARU, unit: percent}
rules:
  - {name: above_top, expr: sofr > dfedtaru}
)");
  db.Ingest("dfedtaru", "2025-10-29", 4.25);
  db.Ingest("sofr", "2025-10-29", 4.27);                                 // above the top: fires
  db.IngestAt("sofr", "2025-10-30", 4.04, NewYork("2025-10-31", 8, 0));  // waits for the top
  EXPECT_EQ((*LoadMemory(*db.store, "above_top", ""))->last_obs, D("2025-10-29"));
  db.IngestAt("dfedtaru", "2025-10-30", 4.00, NewYork("2025-10-31", 8, 0, 1500));
  EXPECT_EQ((*LoadMemory(*db.store, "above_top", ""))->last_obs, D("2025-10-30"));
  EXPECT_THAT(db.Sent(), ::testing::ElementsAre("firing 2025-10-29"));
  EXPECT_EQ(db.State("above_top"), "firing");
  db.Ingest("dfedtaru", "2025-10-20", 4.25);  // older than the clock's previous date
  EXPECT_EQ(db.notified.size(), 1u);
}

// A late input's older print is used once it is past due + grace, and the message says so.
// The top of the range for 10-30 (the day the October cut took effect) cannot be carried
// forward from 10-29: SOFR for 10-30 waits for it until its deadline, then is judged against
// the old top, and says so.
TEST(LiveRules, ALateInputIsJudgedOnItsOlderPrintAndSaysSo) {
  LiveDb db("liqwatch_live_older.db", R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: dfedtaru, source: fred, remote_id: DFEDTARU, unit: percent}
rules:
  - {name: above_top, expr: sofr > dfedtaru}
)");
  db.Ingest("dfedtaru", "2025-10-29", 4.25);
  db.Ingest("sofr", "2025-10-29", 4.20);
  db.IngestAt("sofr", "2025-10-30", 4.27, NewYork("2025-10-31", 8, 0));
  db.Tick(NewYork("2025-11-01", 9, 59));  // the top for 10-30 is due 10:00 ET 10-31 + 1 day
  EXPECT_TRUE(db.notified.empty());
  db.Tick(NewYork("2025-11-01", 10, 0));
  ASSERT_EQ(db.notified.size(), 1u);
  EXPECT_THAT(db.notified[0].message,
              ::testing::HasSubstr("dfedtaru for 2025-10-30 not published by 2025-11-01 10:00 "
                                   "ET: its 2025-10-29 print used"));
}

// IORB and the target range change only when an FOMC decision takes effect (core/fomc.h). On
// a normal day SOFR for D (08:00 ET D+1) is judged at once against IORB's print for D-1, which
// is IORB's print for D: the alert goes out at 08:00, not when FRED copies IORB at 10:00, and
// says nothing of an older print. IORB's own print for D landing later changes nothing. The
// day a decision takes effect (10-30, after the 10-29 cut) SOFR waits for the new IORB.
TEST(LiveRules, ASpreadOverAPolicyRateIsJudgedWhenSofrLandsExceptTheDayADecisionTakesEffect) {
  LiveDb db("liqwatch_live_policy_rate.db", R"(sources:
  fred: {type: fred}
  nyfed: {type: nyfed}
series:
  - {id: sofr, source: nyfed, remote_id: sofr, unit: percent}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent}
derived:
  - {id: sofr_iorb, expr: sofr - iorb}
rules:
  - {name: above, expr: sofr_iorb >= 15bp, clear: sofr_iorb < 10bp}
)");
  db.IngestAt("iorb", "2025-10-27", 4.15, NewYork("2025-10-28", 10, 0));
  db.IngestAt("sofr", "2025-10-27", 4.20, NewYork("2025-10-28", 8, 0));
  EXPECT_EQ(db.State("above"), "inactive");
  // 10-28: SOFR lands at 08:00 ET 10-29; IORB's 10-28 print comes at 10:00.
  EXPECT_EQ(db.IngestAt("sofr", "2025-10-28", 4.31, NewYork("2025-10-29", 8, 0)), 1);
  ASSERT_EQ(db.notified.size(), 1u);
  EXPECT_EQ(db.notified[0].eval_time, NewYork("2025-10-29", 8, 0));
  EXPECT_THAT(db.notified[0].message, ::testing::StartsWith("sofr_iorb = 16bp"));
  EXPECT_THAT(db.notified[0].message, ::testing::Not(::testing::HasSubstr("not published")));
  EXPECT_EQ(db.IngestAt("iorb", "2025-10-28", 4.15, NewYork("2025-10-29", 10, 0)), 0);
  EXPECT_EQ(db.IngestAt("iorb", "2025-10-29", 4.15, NewYork("2025-10-30", 10, 0)), 0);
  EXPECT_EQ(db.IngestAt("sofr", "2025-10-29", 4.32, NewYork("2025-10-30", 8, 0)), 0);
  EXPECT_EQ((*LoadMemory(*db.store, "above", ""))->last_obs, D("2025-10-29"));
  // 10-30: the cut took effect (IORB 3.90%). Against the old IORB SOFR 4.04% would be -11bp
  // and resolve; it waits for IORB's 10-30 print and stays firing at +14bp (in the band).
  EXPECT_EQ(db.IngestAt("sofr", "2025-10-30", 4.04, NewYork("2025-10-31", 8, 0)), 0);
  EXPECT_EQ((*LoadMemory(*db.store, "above", ""))->last_obs, D("2025-10-29"));
  db.Tick(NewYork("2025-10-31", 9, 0));
  EXPECT_EQ((*LoadMemory(*db.store, "above", ""))->last_obs, D("2025-10-29"));
  EXPECT_EQ(db.IngestAt("iorb", "2025-10-30", 3.90, NewYork("2025-10-31", 10, 0)), 0);
  EXPECT_EQ((*LoadMemory(*db.store, "above", ""))->last_obs, D("2025-10-30"));
  EXPECT_EQ(db.State("above"), "firing");
  EXPECT_THAT(db.Sent(), ::testing::ElementsAre("firing 2025-10-28"));
}

// The 2025-10-30 FOMC day, replayed live through the shipped rules over the real data of
// data/example, each print stored at its release time (the built-in calendars) and the new
// target range and IORB effective 10-30 landing 1.5 s after SOFR for 10-30 (08:00 ET on 10-31),
// as they did; the age timer ticks hourly. Every notified transition (stale_feed aside: its
// timing is the timer's) must be one the end-of-day data raises in the backtest, and no other:
// no resolve of sofr_above_iorb on a spread of new SOFR minus the old IORB (-0.11%), no
// resolve-and-refire of its "above the top of the range" level against the old top.
TEST(LiveRules, FomcDayInPublicationOrderRaisesOnlyWhatTheEndOfDayDataRaises) {
  const std::string root = LIQWATCH_SOURCE_DIR;
  auto text = ReadSmallFile(root + "/config/rules/funding.yaml", 1 << 20);
  ASSERT_TRUE(text.ok());
  LiveDb db("liqwatch_live_fomc_replay.db", *text);
  const config::Config& c = db.config;
  const config::RuleSet& rs = *c.rule_set;
  FetchedHistory data;
  std::vector<std::string> missing;
  ASSERT_TRUE(LoadDataDir(c, root + "/data/example", data, missing).ok());
  const Date from = D("2025-10-20"), to = D("2025-11-07");
  struct Print {
    TimePoint at;
    std::string series;
    Date date;
    double value;
    Unit unit;
  };
  std::vector<Print> prints;
  for (const auto& [id, points] : data) {
    const expr::SeriesSpec& spec = rs.catalog.spec(*rs.catalog.Find(id));
    const Unit unit = CanonicalUnit(spec.dimension);
    std::vector<Observation> before;  // the history before the replay, stored at once
    for (const auto& p : points) {
      if (p.date < from)
        before.push_back({id, p.date, p.value, false});
      else if (p.date <= to)
        prints.push_back({KnownAt(spec, p.date), id, p.date, p.value, unit});
    }
    ASSERT_TRUE(db.store->IngestObservations(id, unit, before, TimePoint(from)).ok());
  }
  for (auto& p : prints)
    if (p.date == D("2025-10-30") &&
        (p.series == "iorb" || p.series == "dfedtaru" || p.series == "dfedtarl"))
      p.at = NewYork("2025-10-31", 8, 0, 1500);
  std::stable_sort(prints.begin(), prints.end(),
                   [](const Print& a, const Print& b) { return a.at < b.at; });
  TimePoint tick = TimePoint(from);
  for (const auto& p : prints) {
    for (; tick < p.at; tick += std::chrono::hours(1)) db.Tick(tick);
    db.IngestAt(p.series, p.date, p.value, p.at, p.unit);
  }
  auto key = [](const store::Transition& t) {
    return fmt::format("{} {}{{{}}} {} {}->{} {}", FormatDate(t.obs_date), t.rule, t.labels, t.kind,
                       AlertStateName(t.from), AlertStateName(t.to), SeverityName(t.severity));
  };
  std::vector<std::string> live, end_of_day;
  for (const auto& t : db.notified)
    if (t.rule != "stale_feed") live.push_back(key(t));
  auto history = BuildHistory(rs, c, data);
  for (const auto& t : Backtest(c, history, from, to))
    if (t.rule != "stale_feed" && IsNotified(t)) end_of_day.push_back(key(t));
  std::sort(live.begin(), live.end());
  std::sort(end_of_day.begin(), end_of_day.end());
  EXPECT_EQ(live, end_of_day);
  EXPECT_THAT(end_of_day, ::testing::Contains(::testing::HasSubstr(
                              "2025-10-29 sofr_above_iorb{} escalated firing->firing critical")));
  for (const auto& k : live) EXPECT_EQ(k.find("2025-10-30 sofr_above"), std::string::npos) << k;
}

// A reload without a rule (or one of its for_each items) closes what they left open: the
// firing alert resolves to the notifiers that got its opening; a pending instance goes back
// to inactive silently; both forget their memory; the instances still configured are untouched.
TEST(LiveRules, RemovedInstancesAreRetired) {
  const std::string head = R"(sources:
  fred: {type: fred}
series:
  - {id: hy_oas, source: fred, remote_id: BAMLH0A0HYM2, unit: percent}
  - {id: ig_oas, source: fred, remote_id: BAMLC0A0CM, unit: percent}
rules:
)";
  LiveDb db("liqwatch_live_retire.db", head + R"(  - {name: hy_high, expr: hy_oas > 3}
  - name: high
    for_each: [hy_oas, ig_oas]
    expr: $series > 0.5
    for: 3
)");
  auto after = config::LoadConfigFromString(head + R"(  - name: high
    for_each: [hy_oas]
    expr: $series > 0.5
    for: 3
)",
                                            "t.yaml");
  ASSERT_TRUE(after.config);
  db.Ingest("hy_oas", "2025-11-18", 3.5);
  db.Ingest("ig_oas", "2025-11-18", 3.5);
  auto& s = db.store;
  const TimePoint now = TimePoint(D("2025-11-19")) + std::chrono::hours(12);
  auto state = [&](const char* rule, const char* labels) {
    auto st = s->GetRuleState(rule, labels);
    return st.ok() && *st ? std::string(AlertStateName((*st)->state)) : std::string("none");
  };
  ASSERT_EQ(state("hy_high", ""), "firing");
  ASSERT_EQ(state("high", "series=ig_oas"), "pending");
  ASSERT_EQ(state("high", "series=hy_oas"), "pending");

  auto retired = RetireRemovedInstances(*s, *after.config, now);
  ASSERT_TRUE(retired.ok()) << retired.status().message();
  EXPECT_EQ(*retired, 1);  // the resolution of hy_high, to desk
  EXPECT_EQ(state("hy_high", ""), "resolved");
  EXPECT_EQ(state("high", "series=ig_oas"), "inactive");
  EXPECT_EQ(state("high", "series=hy_oas"), "pending");
  auto alerts = s->QueryAlerts(store::AlertQuery{});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].state, "resolved");
  auto events = s->AlertEvents((*alerts)[0].id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events->back().kind, "resolved");
  EXPECT_THAT(events->back().message, ::testing::HasSubstr("no longer in the config"));
  auto sent = s->AlertDeliveries((*alerts)[0].id);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->size(), 2u);  // the opening and the resolution, both to desk
  for (const auto* gone : {"hy_high", "high"}) {
    auto m = LoadMemory(*s, gone, gone == std::string("high") ? "series=ig_oas" : "");
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(*m) << gone;
  }
  auto kept = LoadMemory(*s, "high", "series=hy_oas");
  ASSERT_TRUE(kept.ok() && *kept);
  EXPECT_EQ((*kept)->breach_count, 1);
  // Idempotent: a second reload finds nothing left to close.
  auto again = RetireRemovedInstances(*s, *after.config, now);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(s->AlertDeliveries((*alerts)[0].id)->size(), 2u);
}

}  // namespace
}  // namespace liqwatch::alerts

namespace liqwatch::alerts {
namespace {

// late(): the NY Fed SOFR calendar (built in: 08:00 ET on D+1 business day, 45 minutes'
// grace), judged on the daemon's timer with the injected `now`, against a real SQLite file.
TEST(LiveRules, LatePrintFiresAtDueTimePlusGraceAndAHolidayRaisesNothing) {
  LiveDb db("liqwatch_live_late_print.db", R"(sources:
  nyfed: {type: nyfed}
series:
  - {id: sofr, source: nyfed, remote_id: sofr, unit: percent}
rules:
  - {name: sofr_late, expr: late(sofr), severity: warning}
)");
  db.Ingest("sofr", "2025-11-25", 3.95);  // Tuesday's print, out Wednesday 08:00 ET
  auto poll = [&](TimePoint at) {         // a poll that found nothing new
    ASSERT_TRUE(db.store->RecordPollSuccess("sofr", "nyfed", at, false).ok());
  };
  // Wednesday's print is due Friday (Thanksgiving is Thursday 2025-11-27): the holiday and the
  // Friday morning before 08:45 ET raise nothing, polled or not.
  for (TimePoint now : {NewYork("2025-11-26", 20, 0), NewYork("2025-11-27", 9, 0),
                        NewYork("2025-11-27", 23, 0), NewYork("2025-11-28", 8, 44)}) {
    poll(now);
    db.Tick(now);
  }
  EXPECT_NE(db.State("sofr_late"), "firing");
  EXPECT_TRUE(db.notified.empty());
  // 08:45 ET: late, but no poll has run since the deadline yet (a daemon just started on this
  // database): not claimed.
  db.Tick(NewYork("2025-11-28", 8, 45));
  EXPECT_TRUE(db.notified.empty());
  poll(NewYork("2025-11-28", 8, 45));  // polled at the deadline: still not there
  db.Tick(NewYork("2025-11-28", 8, 45));
  EXPECT_EQ(db.State("sofr_late"), "firing");
  ASSERT_EQ(db.notified.size(), 1u);
  EXPECT_THAT(db.notified[0].message,
              ::testing::HasSubstr("sofr for 2025-11-26 not published by 08:45 ET on 2025-11-28"));
  // The print lands: the next tick resolves it.
  db.IngestAt("sofr", "2025-11-26", 3.96, NewYork("2025-11-28", 8, 50));
  db.Tick(NewYork("2025-11-28", 9, 0));
  EXPECT_THAT(db.Sent("sofr_late"),
              ::testing::ElementsAre("firing 2025-11-25", "resolved 2025-11-26"));
}

// A daemon starting on a database a week stale, every feed's print late: its timer claims
// nothing before each feed has been polled; the first polls bring the prints; nothing is sent.
TEST(LiveRules, AStartUpOnStaleDataSendsNoLateBurst) {
  LiveDb db("liqwatch_live_late_startup.db", R"(sources:
  nyfed: {type: nyfed}
  fred: {type: fred}
series:
  - {id: sofr, source: nyfed, remote_id: sofr, unit: percent}
  - {id: hy_oas, source: fred, remote_id: BAMLH0A0HYM2, unit: percent}
  - {id: vix, source: fred, remote_id: VIXCLS, unit: index}
rules:
  - name: stale_feed
    for_each: [sofr, hy_oas, vix]
    expr: late($series)
)");
  for (const char* id : {"sofr", "hy_oas", "vix"}) db.Ingest(id, "2025-11-14", 4.0);
  db.Reopen();  // the restart, a week later
  const TimePoint start = NewYork("2025-11-21", 12, 0);
  db.Tick(start + std::chrono::seconds(60));  // the first tick, before the polls land
  EXPECT_TRUE(db.notified.empty());
  for (const char* id : {"sofr", "hy_oas", "vix"})
    db.IngestAt(id, "2025-11-20", 4.1, start + std::chrono::seconds(90));
  db.Tick(start + std::chrono::seconds(120));
  EXPECT_TRUE(db.notified.empty());
  EXPECT_EQ(db.State("stale_feed", "series=sofr"), "inactive");
}

}  // namespace
}  // namespace liqwatch::alerts
