// Log line format on stderr: journald style ("<N>" priority prefix, no timestamp, as
// sd-daemon(3) describes for services whose stderr is connected to the journal) versus the
// human format with a UTC ISO-8601 timestamp.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "core/log.h"

namespace liqwatch {
namespace {

class LogFormatTest : public testing::Test {
 protected:
  // Global logging state is shared by every test in the binary: put the default back.
  void TearDown() override { ASSERT_TRUE(InitLogging(LogOptions{}).ok()); }

  // Everything written to stderr (fd 2) while `fn` runs.
  template <typename Fn>
  static std::string CaptureStderr(Fn fn) {
    testing::internal::CaptureStderr();
    fn();
    return testing::internal::GetCapturedStderr();
  }
};

TEST_F(LogFormatTest, JournaldLinesCarryThePriorityAndNoTimestamp) {
  ASSERT_TRUE(InitLogging(LogOptions{.level = "info", .journald = true}).ok());
  auto log = Logger("journaltest");
  EXPECT_EQ(CaptureStderr([&] { log->error("feed_failed source=fred"); }),
            "<3>journaltest: feed_failed source=fred\n");
  EXPECT_EQ(CaptureStderr([&] { log->info("started"); }), "<6>journaltest: started\n");
  EXPECT_EQ(CaptureStderr([&] { log->warn("slow"); }), "<4>journaltest: slow\n");
  EXPECT_EQ(CaptureStderr([&] { log->critical("db_corrupt"); }), "<2>journaltest: db_corrupt\n");
}

TEST_F(LogFormatTest, JournaldDebugIsPriority7WhenEnabled) {
  ASSERT_TRUE(InitLogging(LogOptions{.level = "debug", .journald = true}).ok());
  auto log = Logger("journaltest");
  EXPECT_EQ(CaptureStderr([&] { log->debug("tick"); }), "<7>journaltest: tick\n");
  EXPECT_EQ(CaptureStderr([&] { log->trace("hidden"); }), "");
}

TEST_F(LogFormatTest, LevelFiltersJournaldOutput) {
  ASSERT_TRUE(InitLogging(LogOptions{.level = "error", .journald = true}).ok());
  auto log = Logger("journaltest");
  EXPECT_EQ(CaptureStderr([&] {
              log->info("quiet");
              log->warn("quiet too");
              log->error("loud");
            }),
            "<3>journaltest: loud\n");
}

TEST_F(LogFormatTest, JournaldLinesAreScrubbed) {
  ASSERT_TRUE(InitLogging(LogOptions{.level = "info", .journald = true}).ok());
  RegisterSecret("hunter2-webhook-secret");
  auto log = Logger("journaltest");
  EXPECT_EQ(CaptureStderr([&] { log->error("post failed url=https://x/hunter2-webhook-secret"); }),
            "<3>journaltest: post failed url=https://x/[redacted]\n");
}

TEST_F(LogFormatTest, HumanLinesStartWithAnIsoTimestamp) {
  ASSERT_TRUE(InitLogging(LogOptions{.level = "info", .journald = false}).ok());
  auto log = Logger("journaltest");
  std::string line = CaptureStderr([&] { log->error("feed_failed source=fred"); });
  static const std::regex kHuman(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z error journaltest: feed_failed source=fred\n)");
  EXPECT_TRUE(std::regex_match(line, kHuman)) << line;
  EXPECT_NE(line[0], '<') << line;

  line = CaptureStderr([&] { log->info("started"); });
  static const std::regex kInfo(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info  journaltest: started\n)");
  EXPECT_TRUE(std::regex_match(line, kInfo)) << line;
}

TEST_F(LogFormatTest, ReinitialisingSwitchesFormat) {
  ASSERT_TRUE(InitLogging(LogOptions{.level = "info", .journald = true}).ok());
  auto log = Logger("journaltest");
  EXPECT_EQ(CaptureStderr([&] { log->info("a"); }), "<6>journaltest: a\n");
  ASSERT_TRUE(InitLogging(LogOptions{.level = "info", .journald = false}).ok());
  EXPECT_EQ(CaptureStderr([&] { log->info("b"); }).find('<'), std::string::npos);
}

}  // namespace
}  // namespace liqwatch
