#include "core/log.h"

#include <gtest/gtest.h>

namespace liqwatch {
namespace {

TEST(Log, RedactsCredentialsInUrls) {
  EXPECT_EQ(RedactUrl("https://api.stlouisfed.org/fred/series/observations?series_id=SOFR&"
                      "api_key=abcdefghijklmnopqrstuvwxyz123456&file_type=json"),
            "https://api.stlouisfed.org/fred/series/observations?series_id=SOFR&"
            "api_key=[redacted]&file_type=json");
  EXPECT_EQ(RedactUrl("https://user:pw@hooks.example.com/x"), "https://hooks.example.com/x");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080/a?b=c"), "http://127.0.0.1:8080/a?b=c");
}

TEST(Log, ScrubsRegisteredSecrets) {
  RegisterSecret("T0PS3CRET-hook-path");
  EXPECT_EQ(ScrubSecrets("posting to https://hooks.slack.com/T0PS3CRET-hook-path failed"),
            "posting to https://hooks.slack.com/[redacted] failed");
  RegisterSecret("abc");  // too short to be a secret worth scrubbing
  EXPECT_EQ(ScrubSecrets("abc"), "abc");
}

}  // namespace
}  // namespace liqwatch
