#include "alerts/engine.h"

#include <filesystem>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/memory.h"
#include "alerts/replay.h"
#include "core/release.h"

namespace liqwatch::alerts {
namespace {

using namespace std::chrono_literals;

// No release calendars: each print is known at the end of its date, so these tests are about
// the state machine alone (release times: BacktestAtReleaseTimes below).
const char* kHead = R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent, release: none}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent, release: none}
derived:
  - {id: spread, expr: sofr - iorb}
rules:
)";

config::Config Load(const std::string& rules) {
  auto r = config::LoadConfigFromString(std::string(kHead) + rules, "t.yaml");
  EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].ToString());
  return r.config ? *r.config : config::Config{};
}

Date D(const char* s) { return *ParseDate(s); }

// Replays SOFR values (IORB flat at 4.00) over consecutive days from 2025-10-01 and returns
// "date kind from->to severity" per transition.
std::vector<std::string> Replay(const config::Config& c, std::vector<std::optional<double>> sofr) {
  std::map<std::string, std::vector<expr::Point>> data;
  Date d = D("2025-10-01");
  for (auto v : sofr) {
    if (v) data["sofr"].push_back({d, *v});
    data["iorb"].push_back({d, 4.00});
    d += std::chrono::days{1};
  }
  auto h = BuildHistory(*c.rule_set, c, data);
  std::vector<std::string> out;
  for (const auto& t : Backtest(c, h, D("2025-10-01"), d)) {
    out.push_back(FormatDate(t.obs_date).substr(8) + " " + t.kind + " " +
                  std::string(AlertStateName(t.from)) + "->" + std::string(AlertStateName(t.to)) +
                  " " + std::string(SeverityName(t.severity)));
  }
  return out;
}

using ::testing::ElementsAre;

TEST(RuleEngine, FiresAndResolvesWithoutFor) {
  auto c = Load("  - {name: r, expr: spread > 10bp}\n");
  EXPECT_THAT(
      Replay(c, {4.05, 4.15, 4.20, 4.05}),
      ElementsAre("02 firing inactive->firing warning", "04 resolved firing->resolved warning"));
}

TEST(RuleEngine, HysteresisHoldsUntilClear) {
  auto c = Load("  - {name: r, expr: spread > 10bp, clear: spread < 5bp}\n");
  // 4.15 fires; 4.08 (8bp) is inside the band: stays firing; 4.03 clears.
  EXPECT_THAT(
      Replay(c, {4.15, 4.08, 4.09, 4.03, 4.08}),
      ElementsAre("01 firing inactive->firing warning", "04 resolved firing->resolved warning"));
}

TEST(RuleEngine, ForCountsObservationsAndPendingFallsBack) {
  auto c = Load("  - {name: r, expr: spread > 10bp, for: 3}\n");
  EXPECT_THAT(
      Replay(c, {4.15, 4.15, 4.00, 4.15, 4.15, 4.15, 4.00}),
      ElementsAre("01 pending inactive->pending warning", "03 inactive pending->inactive warning",
                  "04 pending inactive->pending warning", "06 firing pending->firing warning",
                  "07 resolved firing->resolved warning"));
}

// The age() timer (and a late input) judges the same observation date again: `for:` counts
// observation dates, so re-judging one date does not complete `for: 2`.
TEST(RuleEngine, ForCountsADateJudgedAgainOnce) {
  auto c = Load("  - {name: r, expr: spread > 10bp, for: 2}\n");
  RuleMemory m;
  Verdict fire;
  fire.level = Verdict::Level::kWarn;
  const Date d = D("2025-10-01");
  auto t = Step(c.rules[0], "spread", "", m, fire, d, EndOfDay(d));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, AlertState::kPending);
  for (int tick = 1; tick <= 3; ++tick)
    EXPECT_FALSE(
        Step(c.rules[0], "spread", "", m, fire, d, EndOfDay(d) + std::chrono::minutes(tick)));
  EXPECT_EQ(m.breach_count, 1);
  EXPECT_EQ(m.state, AlertState::kPending);
  t = Step(c.rules[0], "spread", "", m, fire, D("2025-10-02"), EndOfDay(D("2025-10-02")));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, AlertState::kFiring);
}

TEST(RuleEngine, ForAsDuration) {
  auto c = Load("  - {name: r, expr: spread > 10bp, for: 2d}\n");
  EXPECT_THAT(Replay(c, {4.15, 4.15, 4.15}), ElementsAre("01 pending inactive->pending warning",
                                                         "03 firing pending->firing warning"));
}

TEST(RuleEngine, WarnThenCritEscalatesInOneAlert) {
  auto c = Load("  - {name: r, warn: spread > 5bp, crit: spread > 15bp}\n");
  EXPECT_THAT(
      Replay(c, {4.06, 4.20, 4.06, 4.00}),
      ElementsAre("01 firing inactive->firing warning", "02 escalated firing->firing critical",
                  "03 deescalated firing->firing warning", "04 resolved firing->resolved warning"));
}

// A routine season lowers a warning to info for the whole episode; the next episode, out of
// season, is a warning again. 2025-10-01 is one business day after the 09-30 quarter-end.
TEST(RuleEngine, SeasonalEpisodeOpensAtInfoAndStaysInfo) {
  auto c = Load("  - {name: r, expr: spread > 10bp, seasonal: month_end(1bd)}\n");
  EXPECT_THAT(Replay(c, {4.15, 4.15, 4.00, 4.00, 4.15}),
              ElementsAre("01 firing inactive->firing info", "03 resolved firing->resolved info",
                          "05 firing resolved->firing warning"));
}

TEST(RuleEngine, SeasonNeverLowersCritical) {
  auto c =
      Load("  - {name: r, warn: spread > 5bp, crit: spread > 15bp, seasonal: month_end(1bd)}\n");
  EXPECT_THAT(
      Replay(c, {4.06, 4.20, 4.06, 4.00}),
      ElementsAre("01 firing inactive->firing info", "02 escalated firing->firing critical",
                  "03 deescalated firing->firing warning", "04 resolved firing->resolved warning"));
}

TEST(RuleEngine, SeasonalAlertSaysWhyItIsRoutine) {
  auto c = Load("  - {name: r, expr: spread > 10bp, seasonal: month_end(1bd)}\n");
  std::map<std::string, std::vector<expr::Point>> data{{"sofr", {{D("2025-10-01"), 4.15}}},
                                                       {"iorb", {{D("2025-10-01"), 4.00}}}};
  auto h = BuildHistory(*c.rule_set, c, data);
  auto ts = Backtest(c, h, D("2025-10-01"), D("2025-10-02"));
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].severity, Severity::kInfo);
  EXPECT_THAT(ts[0].message,
              ::testing::StartsWith("spread = 15bp (sofr 4.15%, iorb 4.00%) > 10bp; routine: "
                                    "2025-10-01 is 1bd after the 2025-09-30 month-end"));
}

TEST(RuleEngine, RepeatSendsRemindersWhileFiring) {
  auto c = Load("  - {name: r, expr: spread > 10bp, repeat: 2d}\n");
  EXPECT_THAT(
      Replay(c, {4.15, 4.15, 4.15, 4.15, 4.15}),
      ElementsAre("01 firing inactive->firing warning", "03 reminder firing->firing warning",
                  "05 reminder firing->firing warning"));
}

TEST(RuleEngine, MinTimeKeepsAlertOpen) {
  auto c = Load("  - {name: r, expr: spread > 10bp, min_time: 3d}\n");
  EXPECT_THAT(
      Replay(c, {4.15, 4.00, 4.00, 4.00}),
      ElementsAre("01 firing inactive->firing warning", "04 resolved firing->resolved warning"));
}

TEST(RuleEngine, MissingInputIsNoDataNeverFalse) {
  // SOFR stops after day 2; its 7d max age runs out on day 10: no_data, then data back.
  auto c = Load(
      "  - {name: r, expr: age(sofr) < 30d and sofr > 4.1}\n"
      "  - {name: s, expr: spread > 10bp}\n");
  std::vector<std::optional<double>> v = {4.00, 4.00};
  for (int i = 0; i < 10; ++i) v.push_back(std::nullopt);
  v.push_back(4.00);
  auto out = Replay(c, v);
  // Rule s is only evaluated on SOFR dates (its clock); rule r runs on business days: SOFR older
  // than its 7-day max age is missing, which is no_data, not false.
  EXPECT_THAT(out, ::testing::Contains(::testing::HasSubstr("no_data inactive->no_data")));
  EXPECT_THAT(out, ::testing::Contains(::testing::HasSubstr("inactive no_data->inactive")));
}

TEST(RuleEngine, NoDataOfACriticalOnlyRuleIsCritical) {
  // SOFR stops after day 2: the rule, whose only level is critical, goes no_data as critical.
  auto c = Load("  - {name: r, expr: age(sofr) < 30d and sofr > 4.1, severity: critical}\n");
  std::vector<std::optional<double>> v = {4.00, 4.00};
  for (int i = 0; i < 10; ++i) v.push_back(std::nullopt);
  EXPECT_THAT(Replay(c, v),
              ::testing::Contains(::testing::HasSubstr("no_data inactive->no_data critical")));
}

TEST(RuleEngine, StaleInputOfADerivedSeriesIsNoDataNotYesterdaysValue) {
  // IORB publishes Oct 1-5, then nothing until Oct 16, while SOFR prints daily: from Oct 13 IORB
  // is older than its 7-day max age, so spread has no value there. Neither rule may read Oct
  // 12's spread instead (quiet would stay inactive, wide would fire on it): both go to no_data
  // and come back with IORB.
  auto c = Load(
      "  - {name: quiet, expr: spread >= 25bp}\n"
      "  - {name: wide, expr: spread >= 15bp, for: 2}\n");
  std::map<std::string, std::vector<expr::Point>> data;
  for (Date d = D("2025-10-01"); d <= D("2025-10-20"); d += std::chrono::days{1}) {
    data["sofr"].push_back({d, d == D("2025-10-12") ? 4.20 : 4.05});
    if (d <= D("2025-10-05") || d >= D("2025-10-16")) data["iorb"].push_back({d, 4.00});
  }
  auto h = BuildHistory(*c.rule_set, c, data);
  std::vector<std::string> out;
  std::string message;
  for (const auto& t : Backtest(c, h, D("2025-10-01"), D("2025-10-20"))) {
    out.push_back(FormatDate(t.obs_date).substr(8) + " " + t.rule + " " +
                  std::string(AlertStateName(t.from)) + "->" + std::string(AlertStateName(t.to)));
    if (t.rule == "wide" && t.to == AlertState::kNoData) message = t.message;
  }
  EXPECT_THAT(out, ElementsAre("12 wide inactive->pending", "13 quiet inactive->no_data",
                               "13 wide pending->no_data", "16 quiet no_data->inactive",
                               "16 wide no_data->inactive"));
  EXPECT_EQ(message,
            "spread: no value on 2025-10-13: iorb: no observation within 7d of 2025-10-13 "
            "(latest 2025-10-05)");
}

TEST(RuleEngine, AlertValueSkipsAGapOfItsDerivedInput) {
  // `or` is decided by sofr while spread is missing: the alert shows spread's latest value.
  auto c = Load("  - {name: r, expr: spread >= 15bp or sofr > 4.1}\n");
  std::map<std::string, std::vector<expr::Point>> data;
  for (Date d = D("2025-10-01"); d <= D("2025-10-13"); d += std::chrono::days{1}) {
    data["sofr"].push_back({d, d == D("2025-10-13") ? 4.20 : 4.05});
    if (d <= D("2025-10-05")) data["iorb"].push_back({d, 4.00});
  }
  auto h = BuildHistory(*c.rule_set, c, data);
  auto t = Backtest(c, h, D("2025-10-01"), D("2025-10-13"));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, AlertState::kFiring);
  ASSERT_TRUE(t[0].value);
  EXPECT_NEAR(*t[0].value, 0.05, 1e-12);  // Oct 12's spread, not the Oct 13 gap (NaN)
}

TEST(RuleEngine, NoDataDoesNotResolveAFiringAlert) {
  config::Config c = Load("  - {name: r, expr: spread > 10bp}\n");
  RuleMemory m;
  Verdict fire;
  fire.level = Verdict::Level::kWarn;
  auto t = Step(c.rules[0], "spread", "", m, fire, D("2025-10-01"), EndOfDay(D("2025-10-01")));
  ASSERT_TRUE(t);
  Verdict missing;
  missing.level = Verdict::Level::kNoData;
  EXPECT_FALSE(
      Step(c.rules[0], "spread", "", m, missing, D("2025-10-02"), EndOfDay(D("2025-10-02"))));
  EXPECT_EQ(m.state, AlertState::kFiring);
}

TEST(RuleEngine, BacktestIsDeterministic) {
  auto c = Load(
      "  - {name: r, warn: spread > 5bp, crit: spread > 15bp, clear: spread < 2bp, "
      "for: 2, repeat: 1d}\n");
  std::vector<std::optional<double>> v;
  for (int i = 0; i < 60; ++i) v.push_back(4.0 + 0.01 * ((i * 7) % 23));
  EXPECT_EQ(Replay(c, v), Replay(c, v));
  EXPECT_FALSE(Replay(c, v).empty());
}

TEST(RuleEngine, MemorySurvivesStoreReopen) {
  auto path = std::filesystem::temp_directory_path() / "liqwatch_engine_test.db";
  std::filesystem::remove(path);
  auto c = Load("  - {name: r, expr: spread > 10bp, for: 2}\n");
  RuleMemory m;
  Verdict fire;
  fire.level = Verdict::Level::kWarn;
  fire.value = 4.2;
  {
    auto s = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
    ASSERT_TRUE(s.ok()) << s.status().message();
    auto t = Step(c.rules[0], "spread", "", m, fire, D("2025-10-01"), EndOfDay(D("2025-10-01")));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->to, AlertState::kPending);
    ASSERT_TRUE((*s)->RecordTransition(*t, {}).ok());
    ASSERT_TRUE(SaveMemory(**s, "r", "", m).ok());
  }
  auto s = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
  ASSERT_TRUE(s.ok());
  auto loaded = LoadMemory(**s, "r", "");
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE(*loaded);
  RuleMemory m2 = **loaded;
  EXPECT_EQ(m2.state, AlertState::kPending);
  EXPECT_EQ(m2.breach_count, 1);
  EXPECT_EQ(m2.last_obs, D("2025-10-01"));
  // The second breaching observation after the restart completes `for: 2`.
  auto t = Step(c.rules[0], "spread", "", m2, fire, D("2025-10-02"), EndOfDay(D("2025-10-02")));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, "firing");
  auto rec = (*s)->RecordTransition(*t, {"desk"});
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->deliveries, 1);
  ASSERT_TRUE(SaveMemory(**s, "r", "", m2).ok());
  // Still breaching after another reopen: no second firing, no new delivery.
  s->reset();
  auto s3 = store::Store::Open(path.string(), store::Store::Mode::kReadWrite);
  auto m3 = **LoadMemory(**s3, "r", "");
  EXPECT_EQ(m3.state, AlertState::kFiring);
  EXPECT_FALSE(
      Step(c.rules[0], "spread", "", m3, fire, D("2025-10-03"), EndOfDay(D("2025-10-03"))));
  std::filesystem::remove(path);
}

// ---- Rules written as `series op threshold`: compiled to an expression rule at load, they run
// on this engine with the wording and the threshold their alerts always had.

// Replays `points` (date -> value, nullopt = published as missing) of `series` through the
// rules of `yaml` (a whole config) and returns every transition.
std::vector<store::Transition> ReplayPoints(
    const std::string& yaml, const std::string& series,
    std::vector<std::pair<const char*, std::optional<double>>> points) {
  auto r = config::LoadConfigFromString(yaml, "t.yaml");
  EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].ToString());
  if (!r.config) return {};
  std::map<std::string, std::vector<expr::Point>> data;
  for (const auto& [d, v] : points)
    if (v) data[series].push_back({D(d), *v});
  auto h = BuildHistory(*r.config->rule_set, *r.config, data);
  return Backtest(*r.config, h, D(points.front().first), D(points.back().first));
}

const std::string kSofrThreshold =
    std::string(kHead) +
    "  - {name: sofr_above_4_25, series: sofr, op: \">\", "
    "threshold: 4.25, severity: critical, description: repo pressure}\n";

TEST(ThresholdRule, BreachOpensAnAlertAndRecoveryResolvesIt) {
  auto t = ReplayPoints(
      kSofrThreshold, "sofr",
      {{"2025-10-27", 4.20}, {"2025-10-28", 4.31}, {"2025-10-29", 4.30}, {"2025-10-30", 4.04}});
  ASSERT_EQ(t.size(), 2u);  // staying in breach on 10-29 adds nothing
  EXPECT_EQ(t[0].rule, "sofr_above_4_25");
  EXPECT_EQ(t[0].series, "sofr");
  EXPECT_EQ(t[0].labels, "");
  EXPECT_EQ(t[0].from, AlertState::kInactive);
  EXPECT_EQ(t[0].to, AlertState::kFiring);
  EXPECT_EQ(t[0].kind, "firing");
  EXPECT_EQ(t[0].severity, Severity::kCritical);
  EXPECT_EQ(FormatDate(t[0].obs_date), "2025-10-28");
  EXPECT_EQ(t[0].value, 4.31);
  EXPECT_EQ(t[0].threshold, 4.25);
  EXPECT_EQ(t[0].message, "sofr 4.31% > 4.25% on 2025-10-28: repo pressure");
  EXPECT_TRUE(IsNotified(t[0]));
  EXPECT_EQ(t[1].from, AlertState::kFiring);
  EXPECT_EQ(t[1].to, AlertState::kResolved);
  EXPECT_EQ(t[1].kind, "resolved");
  EXPECT_EQ(t[1].severity, Severity::kCritical);
  EXPECT_EQ(t[1].threshold, 4.25);
  EXPECT_EQ(t[1].message, "sofr 4.04% back within 4.25% on 2025-10-30: repo pressure");
  EXPECT_TRUE(IsNotified(t[1]));
}

TEST(ThresholdRule, EqualToTheThresholdIsNotABreachForStrictGreater) {
  EXPECT_TRUE(ReplayPoints(kSofrThreshold, "sofr", {{"2025-10-28", 4.25}}).empty());
  std::string ge = kSofrThreshold;
  ge.replace(ge.find("\">\""), 3, "\">=\"");
  EXPECT_EQ(ReplayPoints(ge, "sofr", {{"2025-10-28", 4.25}}).size(), 1u);
}

TEST(ThresholdRule, MissingValueChangesNothing) {
  // A holiday (FRED's ".") between two breaches neither resolves nor re-opens the alert, and is
  // no `no_data` transition either: the rule is judged on the dates that have a value.
  auto t = ReplayPoints(kSofrThreshold, "sofr",
                        {{"2025-11-10", 4.31}, {"2025-11-11", std::nullopt}, {"2025-11-12", 4.32}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].kind, "firing");
}

TEST(ThresholdRule, LessThanRuleForTheReserveFloorInUsdBillions) {
  const std::string yaml = R"(sources:
  fred: {type: fred}
series:
  - {id: reserves, source: fred, remote_id: WRESBAL, unit: usd_mn}
rules:
  - {name: reserves_below_floor, series: reserves, op: "<", threshold: 2850bn}
)";
  auto t = ReplayPoints(yaml, "reserves", {{"2025-10-29", 2829.4}});  // canonical: USD bn
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].severity, Severity::kWarning);
  EXPECT_EQ(t[0].message, "reserves $2.829tn < $2.850tn on 2025-10-29");
}

// The backtest at release times, with a market rate that publishes later: SOFR from the NY Fed
// (08:00 ET on D+1 business day), EFFR from FRED (10:00 ET on D+1, 4h grace). The spread for D
// is judged once both prints for D are in: its alert is sent at 10:00 ET on D+1, and Friday's
// after the weekend. When EFFR's print for D never comes, D is judged at EFFR's deadline on
// its older print, and the message says so. With IORB instead (a policy rate, known ahead
// unless an FOMC decision takes effect: core/fomc.h) the same spread is sent when SOFR lands,
// 08:00 ET, and IORB's missing print for 10-28 is its 10-27 print, exactly: no note.
std::vector<std::string> SpreadBacktest(const char* remote_id, std::string* note) {
  auto r = config::LoadConfigFromString(fmt::format(R"(sources:
  fred: {{type: fred}}
  nyfed: {{type: nyfed}}
series:
  - {{id: sofr, source: nyfed, remote_id: sofr, unit: percent}}
  - {{id: floor, source: fred, remote_id: {}, unit: percent}}
derived:
  - {{id: spread, expr: sofr - floor}}
rules:
  - {{name: wide, expr: spread >= 15bp, clear: spread < 10bp}}
)",
                                                    remote_id),
                                        "t.yaml");
  EXPECT_TRUE(r.config);
  if (!r.config) return {};
  const config::Config& c = *r.config;
  std::map<std::string, std::vector<expr::Point>> data;
  // SOFR on business days; the floor on every calendar day but Tuesday 10-28.
  const std::map<std::string, double> sofr = {{"2025-10-23", 4.20},
                                              {"2025-10-24", 4.30},
                                              {"2025-10-27", 4.30},
                                              {"2025-10-28", 4.00},
                                              {"2025-10-29", 4.20}};
  for (const auto& [d, v] : sofr) data["sofr"].push_back({D(d.c_str()), v});
  for (Date d = D("2025-10-20"); d <= D("2025-10-30"); d += std::chrono::days{1})
    if (d != D("2025-10-28")) data["floor"].push_back({d, 4.00});
  auto h = BuildHistory(*c.rule_set, c, data);
  std::vector<std::string> out;
  for (const auto& t : Backtest(c, h, D("2025-10-24"), D("2025-10-29"))) {
    out.push_back(FormatDate(t.obs_date) + " sent " + FormatNewYork(t.eval_time) + " " + t.kind);
    if (t.obs_date == D("2025-10-28")) *note = t.message;
  }
  return out;
}

TEST(BacktestAtReleaseTimes, ASpreadIsSentWhenItsLastInputIsPublished) {
  std::string older;
  EXPECT_THAT(SpreadBacktest("EFFR", &older),
              ElementsAre("2025-10-24 sent 2025-10-27 10:00 ET firing",
                          "2025-10-28 sent 2025-10-29 14:00 ET resolved",
                          "2025-10-29 sent 2025-10-30 10:00 ET firing"));
  EXPECT_THAT(older, ::testing::HasSubstr("(floor for 2025-10-28 not published by 2025-10-29 "
                                          "14:00 ET: its 2025-10-27 print used)"));
  std::string carried;
  EXPECT_THAT(SpreadBacktest("IORB", &carried),
              ElementsAre("2025-10-24 sent 2025-10-27 08:00 ET firing",
                          "2025-10-28 sent 2025-10-29 08:00 ET resolved",
                          "2025-10-29 sent 2025-10-30 08:00 ET firing"));
  EXPECT_EQ(carried.find("not published"), std::string::npos) << carried;
}

}  // namespace
}  // namespace liqwatch::alerts
