// Hostile config input: each case is refused with a message naming the problem (and its
// FILE:LINE:COL where it has one), and nothing that check-config accepts can crash or hang the
// daemon later.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/rules_config.h"
#include "config/yaml_reader.h"

namespace liqwatch::config {
namespace {

using ::testing::ElementsAre;

std::string TestData(const std::string& name) {
  return std::string(LIQWATCH_SOURCE_DIR) + "/tests/testdata/config/" + name;
}

std::vector<std::string> Errors(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.ToString());
  return out;
}

// A scratch directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/liqwatch-config-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

const char* kHead = R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
)";

TEST(ConfigHostile, DeviceDirectoryAndPipeAreRefusedWithoutReading) {
  EXPECT_THAT(Errors(LoadConfig("/dev/zero")),
              ElementsAre("/dev/zero: config file is a character device, not a regular file"));
  TempDir dir;
  EXPECT_THAT(Errors(LoadConfig(dir.path.string())),
              ElementsAre(dir.path.string() + ": config file is a directory, not a regular file"));
  const std::string fifo = (dir.path / "pipe.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // No writer: reading would block forever; the loader refuses it at once.
  EXPECT_THAT(Errors(LoadConfig(fifo)),
              ElementsAre(fifo + ": config file is a pipe (FIFO), not a regular file"));
}

TEST(ConfigHostile, FileOverOneMebibyteIsRefused) {
  TempDir dir;
  const std::string text = std::string(kHead) + "# padding\n";
  std::string at_limit = text + "#" + std::string((1u << 20) - text.size() - 2, 'x') + "\n";
  ASSERT_EQ(at_limit.size(), 1u << 20);
  auto ok = LoadConfig(dir.Write("at_limit.yaml", at_limit));
  EXPECT_TRUE(ok.config) << ::testing::PrintToString(Errors(ok));
  const std::string big = dir.Write("big.yaml", at_limit + "\n");
  EXPECT_THAT(Errors(LoadConfig(big)),
              ElementsAre(big + ": config file is larger than the 1 MiB limit"));
}

TEST(ConfigHostile, SecretFileMustBeASmallRegularFile) {
  TempDir dir;
  const std::string big = dir.Write("token", std::string(65 * 1024, 'k'));
  auto r = LoadConfigFromString(std::string(kHead) + "api:\n  token: \"${file:/dev/zero}\"\n" +
                                    "notifiers:\n  desk: {type: webhook, url: \"${file:" + big +
                                    "}\"}\n",
                                "t.yaml");
  EXPECT_THAT(Errors(r),
              ElementsAre("t.yaml:6:10: api.token: secret file /dev/zero is a character device, "
                          "not a regular file",
                          "t.yaml:8:30: notifiers.desk.url: secret file " + big +
                              " is larger than the 64 KiB limit"));
}

TEST(ConfigHostile, DuplicateKeysAreErrorsNamingTheKey) {
  auto f = TestData("bad_duplicate_keys.yaml");
  auto r = LoadConfig(f);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(
      Errors(r),
      ElementsAre(f + ":3:3: api: duplicate key 'listen', first at line 2, column 3",
                  f + ":5:57: sources.fred: duplicate key 'base_url', first at line 5, column 22",
                  f + ":15:5: rules[0]: duplicate key 'expr', first at line 13, column 5",
                  f + ":16:1: top level: duplicate key 'rules', first at line 11, column 1"));
}

// A duplicate key late in the file and an unknown top-level key early on (found by the config
// fuzzer): the load stops at the unknown key, and still reports in file order.
TEST(ConfigHostile, ErrorsAreInFileOrderWhenTheTopLevelIsRejected) {
  auto r = LoadConfigFromString(
      "storage: {path: a.db}\nbogus: 1\napi:\n  listen: off\n  listen: off\n", "t.yaml");
  ASSERT_FALSE(r.config);
  std::vector<std::string> got;
  for (const auto& e : r.errors) got.push_back(e.ToString());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_THAT(got[0], ::testing::StartsWith("t.yaml:2:1: top level: unknown key 'bogus'"));
  EXPECT_THAT(got[1], ::testing::StartsWith("t.yaml:5:3: api: duplicate key 'listen'"));
}

TEST(ConfigHostile, ListenAddressIsCheckedAtLoad) {
  auto f = TestData("bad_listen.yaml");
  EXPECT_THAT(Errors(LoadConfig(f)),
              ElementsAre(f + ":2:11: api.listen: '127.0.0.1:99999': port '99999' is not a "
                              "number from 1 to 65535"));
  auto listen = [](const std::string& value) {
    auto r =
        LoadConfigFromString(std::string(kHead) + "api:\n  listen: \"" + value + "\"\n", "t.yaml");
    return r.config ? std::string("ok") : Errors(r).front();
  };
  EXPECT_EQ(listen("127.0.0.1:9464"), "ok");
  EXPECT_EQ(listen("[::1]:9464"), "ok");
  EXPECT_EQ(listen("localhost:1"), "ok");
  EXPECT_EQ(listen("off"), "ok");
  EXPECT_EQ(listen("127.0.0.1:0"),
            "t.yaml:6:11: api.listen: '127.0.0.1:0': port '0' is not a number from 1 to 65535");
  EXPECT_EQ(listen("127.0.0.1:"),
            "t.yaml:6:11: api.listen: '127.0.0.1:': port '' is not a number from 1 to 65535");
  EXPECT_EQ(listen("9464"),
            "t.yaml:6:11: api.listen: '9464': expected HOST:PORT such as "
            "127.0.0.1:9464, or off");
  EXPECT_EQ(listen("example.com:80"),
            "t.yaml:6:11: api.listen: 'example.com:80': host 'example.com' is not an IP address "
            "or localhost");
  EXPECT_EQ(listen("::1:80"),
            "t.yaml:6:11: api.listen: '::1:80': an IPv6 address needs "
            "brackets, e.g. [::1]:9464");
}

TEST(ConfigHostile, ExpressionLimitsAreReportedAtFileLineCol) {
  std::string sum = "sofr";
  for (int i = 1; i < 300; ++i) sum += " + sofr";
  auto r = LoadConfigFromString(
      std::string(kHead) + "rules:\n  - name: deep\n    expr: " + sum + " > 1\n", "t.yaml");
  // The 256th '+' (column 1791 of the expression) crosses the depth limit; the scalar starts
  // at column 11.
  EXPECT_THAT(Errors(r),
              ElementsAre("t.yaml:7:1801: rules[0].expr: expression nested too deeply: more than "
                          "256 levels of parentheses, operators or function calls (a + b + c "
                          "counts one level per operator); split it into derived series"));
  auto parens = LoadConfigFromString(
      std::string(kHead) + "derived:\n  - {id: x, expr: \"" + std::string(100000, '(') + "\"}\n",
      "t.yaml");
  EXPECT_THAT(Errors(parens), ElementsAre("t.yaml:6:65556: derived[0]: expression too long: "
                                          "100000 bytes (at most 65536)"));
}

// A chain of derived series may be 16 long (kMaxDerivedChain); the 17th is an error at its
// definition, and the longest allowed chain loads with a rule on top.
TEST(ConfigHostile, DerivedChainIsBounded) {
  auto config = [](int length) {
    std::string text = std::string(kHead) + "derived:\n";
    std::string previous = "sofr";
    for (int i = 1; i <= length; ++i) {
      text += "  - {id: d" + std::to_string(i) + ", expr: " + previous + " * 2}\n";
      previous = "d" + std::to_string(i);
    }
    text += "rules:\n  - {name: top, expr: " + previous + " > 1}\n";
    return LoadConfigFromString(text, "t.yaml");
  };
  auto ok = config(16);
  ASSERT_TRUE(ok.config) << ::testing::PrintToString(Errors(ok));
  const RuleSet& rs = *ok.config->rule_set;
  EXPECT_EQ(rs.RootClock(*rs.catalog.Find("d16")), *rs.catalog.Find("sofr"));
  EXPECT_THAT(Errors(config(17)),
              ElementsAre("t.yaml:22:21: derived[16]: derived series 'd17' would be number 17 in "
                          "a chain of derived series built on each other (at most 16)"));
}

TEST(ConfigHostile, NumbersThatOverflowAreErrors) {
  auto r = LoadConfigFromString(std::string(kHead) + R"(http: {max_body: 99999999999GiB}
delivery: {max_age: 99999999999999999999d}
rules:
  - {name: a, expr: sofr > 4, for: 99999999999999999999}
  - {name: b, series: sofr, op: ">", threshold: nan}
)",
                                "t.yaml");
  EXPECT_THAT(
      Errors(r),
      ElementsAre("t.yaml:5:18: http.max_body: invalid size '99999999999GiB', expected a number "
                  "with B, KiB, MiB or GiB",
                  "t.yaml:6:21: delivery.max_age: duration '99999999999999999999d' is too "
                  "long: at most 36500d",
                  "t.yaml:8:36: rules[0].for: '99999999999999999999' observations is too many "
                  "(at most 100000)",
                  "t.yaml:9:49: rules[1].threshold: expected a number, found 'nan'"));
}

}  // namespace
}  // namespace liqwatch::config
