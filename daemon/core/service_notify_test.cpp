#include "core/service_notify.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace liqwatch {
namespace {

using std::chrono::microseconds;

// Saves an environment variable and puts it back when the test ends.
class ScopedEnv {
 public:
  explicit ScopedEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  void Set(const std::string& value) { setenv(name_, value.c_str(), 1); }
  void Unset() { unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// The supervisor's end: an AF_UNIX datagram socket the test owns, bound either to a path in a
// fresh directory or (abstract = true) to a unique name in the abstract namespace.
class FakeSupervisor {
 public:
  explicit FakeSupervisor(bool abstract = false) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socklen_t len = 0;
    if (abstract) {
      name_ = "@liqwatch-notify-test-" + std::to_string(getpid());
      std::memcpy(addr.sun_path + 1, name_.data() + 1, name_.size() - 1);  // sun_path[0] = '\0'
      len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    } else {
      char tmpl[] = "/tmp/liqwatch-notify-XXXXXX";
      EXPECT_NE(mkdtemp(tmpl), nullptr) << std::strerror(errno);
      dir_ = tmpl;
      name_ = dir_ + "/notify.sock";
      std::memcpy(addr.sun_path, name_.c_str(), name_.size() + 1);
      len = sizeof(addr);
    }
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
  }
  ~FakeSupervisor() {
    if (fd_ >= 0) close(fd_);
    if (!dir_.empty()) {
      unlink(name_.c_str());
      rmdir(dir_.c_str());
    }
  }
  const std::string& name() const { return name_; }

  // The next datagram, or nullopt if none arrives within `timeout_ms`.
  std::optional<std::string> Receive(int timeout_ms = 2000) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

 private:
  int fd_ = -1;
  std::string dir_;
  std::string name_;
};

std::uint64_t NowMonotonicMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1'000u;
}

class ServiceNotifyTest : public testing::Test {
 protected:
  ScopedEnv notify_socket_{"NOTIFY_SOCKET"};
  ScopedEnv watchdog_usec_{"WATCHDOG_USEC"};
  ScopedEnv watchdog_pid_{"WATCHDOG_PID"};
};

TEST_F(ServiceNotifyTest, SendsTheLifeCycleInOrder) {
  FakeSupervisor supervisor;
  notify_socket_.Set(supervisor.name());
  watchdog_usec_.Set("30000000");
  watchdog_pid_.Unset();

  ServiceNotify notify;
  ASSERT_TRUE(notify.enabled());
  EXPECT_EQ(notify.WatchdogInterval(), microseconds(15'000'000));

  ASSERT_TRUE(notify.Ready().ok());
  ASSERT_TRUE(notify.Status("polling 1 series, 0 alerts firing").ok());
  ASSERT_TRUE(notify.WatchdogPing().ok());
  std::uint64_t before = NowMonotonicMicros();
  ASSERT_TRUE(notify.Reloading().ok());
  std::uint64_t after = NowMonotonicMicros();
  ASSERT_TRUE(notify.Ready().ok());
  ASSERT_TRUE(notify.Stopping().ok());

  EXPECT_EQ(supervisor.Receive(), "READY=1");
  EXPECT_EQ(supervisor.Receive(), "STATUS=polling 1 series, 0 alerts firing");
  EXPECT_EQ(supervisor.Receive(), "WATCHDOG=1");
  std::optional<std::string> reloading = supervisor.Receive();
  ASSERT_TRUE(reloading.has_value());
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_EQ(reloading->substr(0, prefix.size()), prefix) << *reloading;
  std::uint64_t usec = std::stoull(reloading->substr(prefix.size()));
  EXPECT_GE(usec, before);
  EXPECT_LE(usec, after);
  EXPECT_EQ(supervisor.Receive(), "READY=1");
  EXPECT_EQ(supervisor.Receive(), "STOPPING=1");
  EXPECT_EQ(supervisor.Receive(/*timeout_ms=*/50), std::nullopt);

  // The environment is left alone, for child processes and later instances.
  ASSERT_NE(std::getenv("NOTIFY_SOCKET"), nullptr);
  EXPECT_EQ(std::string(std::getenv("NOTIFY_SOCKET")), supervisor.name());
}

TEST_F(ServiceNotifyTest, StatusIsOneFieldEvenWithNewlines) {
  FakeSupervisor supervisor;
  notify_socket_.Set(supervisor.name());
  ServiceNotify notify;
  ASSERT_TRUE(notify.Status("feed down\nREADY=1\r\nbye").ok());
  EXPECT_EQ(supervisor.Receive(), "STATUS=feed down READY=1  bye");
}

TEST_F(ServiceNotifyTest, ReachesAbstractSockets) {
  FakeSupervisor supervisor(/*abstract=*/true);
  notify_socket_.Set(supervisor.name());
  ServiceNotify notify;
  ASSERT_TRUE(notify.Ready().ok());
  EXPECT_EQ(supervisor.Receive(), "READY=1");
}

TEST_F(ServiceNotifyTest, NoOpWithoutNotifySocket) {
  notify_socket_.Unset();
  watchdog_usec_.Unset();
  ServiceNotify notify;
  EXPECT_FALSE(notify.enabled());
  EXPECT_EQ(notify.WatchdogInterval(), microseconds(0));
  EXPECT_TRUE(notify.Ready().ok());
  EXPECT_TRUE(notify.Status("x").ok());
  EXPECT_TRUE(notify.Reloading().ok());
  EXPECT_TRUE(notify.WatchdogPing().ok());
  EXPECT_TRUE(notify.Stopping().ok());
}

TEST_F(ServiceNotifyTest, ReportsASocketNobodyListensOn) {
  notify_socket_.Set("/nonexistent/liqwatch/notify.sock");
  ServiceNotify notify;
  liqwatch::Status s = notify.Ready();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), liqwatch::Status::Code::kIoError);
  EXPECT_EQ(s.message().rfind("sd_notify READY: ", 0), 0u) << s.message();
}

TEST_F(ServiceNotifyTest, WatchdogIntervalIsHalfTheTimeout) {
  watchdog_pid_.Unset();
  watchdog_usec_.Set("2000000");
  EXPECT_EQ(ServiceNotify().WatchdogInterval(), microseconds(1'000'000));

  watchdog_pid_.Set(std::to_string(getpid()));
  EXPECT_EQ(ServiceNotify().WatchdogInterval(), microseconds(1'000'000));

  // Meant for another process (e.g. inherited from a parent): not ours to feed.
  watchdog_pid_.Set(std::to_string(getpid() + 1));
  EXPECT_EQ(ServiceNotify().WatchdogInterval(), microseconds(0));

  watchdog_pid_.Unset();
  watchdog_usec_.Set("not-a-number");
  EXPECT_EQ(ServiceNotify().WatchdogInterval(), microseconds(0));

  watchdog_usec_.Unset();
  EXPECT_EQ(ServiceNotify().WatchdogInterval(), microseconds(0));
}

}  // namespace
}  // namespace liqwatch
