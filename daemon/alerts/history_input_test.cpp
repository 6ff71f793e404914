#include "alerts/history_input.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/replay.h"
#include "alerts/test_fixture.h"

namespace liqwatch::alerts {
namespace {

namespace fs = std::filesystem;

Date D(const char* s) { return *ParseDate(s); }
TimePoint T(const char* s) { return *ParseTime(s); }

TEST(LoadCsv, RefusesWhatIsNotASmallRegularFileOrAFiniteNumber) {
  std::vector<expr::Point> out;
  Status dev = LoadCsv("/dev/zero", Unit::kPercent, out);  // would never end if streamed
  EXPECT_EQ(dev.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(dev.message(), ::testing::HasSubstr("data file /dev/zero is a character device"));
  EXPECT_EQ(LoadCsv("/nonexistent/sofr.csv", Unit::kPercent, out).code(), Status::Code::kNotFound);
  const fs::path dir = fs::temp_directory_path() / ("liqwatch-csv-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* bad : {"inf", "nan", "1e400"}) {
    const fs::path f = dir / "sofr.csv";
    { std::ofstream(f) << "date,value\n2025-10-28,4.31\n2025-10-29," << bad << "\n"; }
    Status st = LoadCsv(f.string(), Unit::kPercent, out);
    EXPECT_EQ(st.code(), Status::Code::kParseError) << bad;
    EXPECT_THAT(st.message(), ::testing::HasSubstr(fmt::format(":3: bad value '{}'", bad)));
  }
  fs::remove_all(dir);
}

class KnownHistoryTest : public ConfiguredStoreTest {
 protected:
  void SetUp() override {
    ConfiguredStoreTest::SetUp();
    Load(R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent}
derived:
  - {id: spread, expr: sofr - iorb}
rules:
  - {name: wide, expr: spread > 10bp}
)");
    // First published on the day after each date; 2025-10-28 (spread 12bp, fires) is revised
    // down to 4.05 (5bp) on 2025-11-05, and 2025-10-30 (missing) filled in on 2025-10-31.
    Ingest("iorb",
           {{"2025-10-27", 4.00}, {"2025-10-28", 4.00}, {"2025-10-29", 4.00}, {"2025-10-30", 4.00}},
           "2025-10-31T12:00:00Z");
    Ingest("sofr", {{"2025-10-27", 4.02}, {"2025-10-28", 4.12}}, "2025-10-29T12:00:00Z");
    Ingest("sofr", {{"2025-10-29", 4.03}, {"2025-10-30", std::nullopt}}, "2025-10-30T12:00:00Z");
    Ingest("sofr", {{"2025-10-30", 4.04}}, "2025-10-31T12:00:00Z");
    Ingest("sofr", {{"2025-10-28", 4.05}}, "2025-11-05T12:00:00Z");
  }
  void Ingest(const std::string& id, std::vector<std::pair<const char*, std::optional<double>>> v,
              const char* at) {
    std::vector<Observation> batch;
    for (const auto& [d, x] : v) batch.push_back({id, D(d), x, false});
    ASSERT_TRUE(store_->IngestObservations(id, Unit::kPercent, batch, T(at)).ok());
  }
  static std::vector<std::string> Dump(const std::vector<expr::Point>& pts) {
    std::vector<std::string> out;
    for (const auto& p : pts)
      out.push_back(FormatDate(p.date) + "=" + fmt::format("{:.2f}", p.value));
    return out;
  }
  static std::vector<std::string> Lines(const std::vector<store::Transition>& ts) {
    std::vector<std::string> out;
    for (const auto& t : ts)
      out.push_back(FormatDate(t.obs_date) + " " + std::string(AlertStateName(t.from)) + "->" +
                    std::string(AlertStateName(t.to)) + " " +
                    fmt::format("{:.2f}", t.value.value_or(-1)));
    return out;
  }
};

using ::testing::ElementsAre;

TEST_F(KnownHistoryTest, RollsBackRevisionsSeenAfterTheDate) {
  auto k = KnownHistory::Load(*store_, config_);
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ(k->Epoch(D("2025-10-30")), 0u);
  EXPECT_EQ(k->Epoch(D("2025-10-31")), 1u);  // seen during 2025-10-31: known at its end
  EXPECT_EQ(k->Epoch(D("2025-11-04")), 1u);
  EXPECT_EQ(k->Epoch(D("2025-11-05")), 2u);
  EXPECT_THAT(Dump(k->AsKnownOn(D("2025-10-30"))["sofr"]),
              ElementsAre("2025-10-27=4.02", "2025-10-28=4.12", "2025-10-29=4.03"));
  EXPECT_THAT(
      Dump(k->AsKnownOn(D("2025-11-04"))["sofr"]),
      ElementsAre("2025-10-27=4.02", "2025-10-28=4.12", "2025-10-29=4.03", "2025-10-30=4.04"));
  EXPECT_THAT(
      Dump(k->AsKnownOn(D("2025-11-05"))["sofr"]),
      ElementsAre("2025-10-27=4.02", "2025-10-28=4.05", "2025-10-29=4.03", "2025-10-30=4.04"));
  EXPECT_EQ(Dump(k->Current()["sofr"]), Dump(k->AsKnownOn(D("2025-11-05"))["sofr"]));
  EXPECT_EQ(k->AsKnownOn(D("2025-10-28"))["iorb"].size(), 4u);  // never revised
}

TEST_F(KnownHistoryTest, BacktestSeesThePreRevisionValueBeforeTheRevisionDate) {
  auto k = KnownHistory::Load(*store_, config_);
  ASSERT_TRUE(k.ok()) << k.status().message();
  const auto& rs = *config_.rule_set;
  auto now = BuildHistory(rs, config_, k->Current());
  // With today's values 2025-10-28 is 5bp: quiet.
  EXPECT_THAT(Lines(Backtest(config_, now, D("2025-10-27"), D("2025-10-31"))), ElementsAre());
  // As known on each date: 2025-10-28 was 12bp until the revision seen on 2025-11-05.
  std::optional<expr::InMemoryHistory> then;
  auto at = [&](Date d) -> const expr::SeriesHistory& {
    then.emplace(BuildHistory(rs, config_, k->AsKnownOn(d)));
    return *then;
  };
  EXPECT_THAT(Lines(Backtest(config_, now, at, D("2025-10-27"), D("2025-10-31"))),
              ElementsAre("2025-10-28 inactive->firing 0.12", "2025-10-29 firing->resolved 0.03"));
  // What `liqwatch backtest --db` runs: the same, rebuilding only when a revision intervenes.
  EXPECT_THAT(Lines(BacktestAsKnown(config_, *k, D("2025-10-27"), D("2025-10-31"))),
              ElementsAre("2025-10-28 inactive->firing 0.12", "2025-10-29 firing->resolved 0.03"));
  // After the revision date the revised value is what was known.
  EXPECT_THAT(Lines(BacktestAsKnown(config_, *k, D("2025-11-05"), D("2025-11-05"))), ElementsAre());
}

}  // namespace
}  // namespace liqwatch::alerts
