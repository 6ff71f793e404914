#include "core/file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace liqwatch {
namespace {

namespace fs = std::filesystem;

class ReadSmallFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/liqwatch-file-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(ReadSmallFileTest, ReadsARegularFileUpToTheLimit) {
  auto r = ReadSmallFile(Write("a", std::string(100, 'x')), 100);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, std::string(100, 'x'));
  EXPECT_EQ(*ReadSmallFile(Write("empty", ""), 100), "");
}

// The buffer follows the file, not the limit: a file far below a 64 MiB limit, one larger than
// the first 4 KiB guess, and a /proc file whose size reads as 0 all come back whole.
TEST_F(ReadSmallFileTest, ReadsFilesOfAnySizeUnderALargeLimit) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "2025-10-31,51.8\n";
  auto r = ReadSmallFile(Write("big", text), 64u << 20);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, text);
  auto proc = ReadSmallFile("/proc/self/status", 1u << 20);
  ASSERT_TRUE(proc.ok()) << proc.status().message();
  EXPECT_NE(proc->find("VmRSS:"), std::string::npos);
  EXPECT_EQ(ReadSmallFile("/proc/self/status", 16).status().message(),
            "is larger than the 16 B limit");
}

TEST_F(ReadSmallFileTest, OneByteOverTheLimitIsRefused) {
  auto r = ReadSmallFile(Write("a", std::string(1025, 'x')), 1024);
  EXPECT_EQ(r.status().code(), Status::Code::kTooLarge);
  EXPECT_EQ(r.status().message(), "is larger than the 1 KiB limit");
}

TEST_F(ReadSmallFileTest, DevicesDirectoriesAndPipesAreRefusedWithoutBlocking) {
  EXPECT_EQ(ReadSmallFile("/dev/zero", 1024).status().message(),
            "is a character device, not a regular file");
  EXPECT_EQ(ReadSmallFile(dir_.string(), 1024).status().message(),
            "is a directory, not a regular file");
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadSmallFile(fifo, 1024).status().message(), "is a pipe (FIFO), not a regular file");
}

TEST_F(ReadSmallFileTest, MissingFileSaysWhy) {
  auto r = ReadSmallFile((dir_ / "missing").string(), 1024);
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(r.status().message(), "cannot be read: No such file or directory");
}

TEST(FormatByteSize, UsesTheLargestExactUnit) {
  EXPECT_EQ(FormatByteSize(1u << 20), "1 MiB");
  EXPECT_EQ(FormatByteSize(64u << 10), "64 KiB");
  EXPECT_EQ(FormatByteSize(1500), "1500 B");
}

}  // namespace
}  // namespace liqwatch
