#include "core/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>

namespace liqwatch {
namespace {

std::uint64_t MonotonicMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1'000u;
}

// A whole unsigned decimal number, or nullopt (empty, signs, trailing text, overflow).
std::optional<std::uint64_t> ParseUnsigned(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  const char* end = text + std::strlen(text);
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// sd_watchdog_enabled(3): WATCHDOG_USEC (> 0), for this process unless WATCHDOG_PID names
// another one. Malformed variables count as no watchdog rather than failing start-up.
std::uint64_t WatchdogUsec() {
  auto usec = ParseUnsigned(std::getenv("WATCHDOG_USEC"));
  if (!usec || *usec == 0) return 0;
  if (const char* pid = std::getenv("WATCHDOG_PID")) {
    auto p = ParseUnsigned(pid);
    if (!p || *p != static_cast<std::uint64_t>(getpid())) return 0;
  }
  return *usec;
}

}  // namespace

ServiceNotify::ServiceNotify() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && socket[0] != '\0';
  if (enabled_) socket_ = socket;
  if (std::uint64_t usec = WatchdogUsec(); usec > 0)
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
}

// The protocol is one datagram to an AF_UNIX socket (sd_notify(3)); libsystemd is not needed
// for it, and linking it cost the daemon five more libraries (~1 MB of RSS).
int ServiceNotify::SendDatagram(const std::string& message) const {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // A path, or a name in the abstract namespace ('@' stands for the leading NUL byte).
  if ((socket_[0] != '/' && socket_[0] != '@') || socket_.size() >= sizeof(addr.sun_path))
    return -EAFNOSUPPORT;
  std::memcpy(addr.sun_path, socket_.data(), socket_.size());
  if (socket_[0] == '@') addr.sun_path[0] = '\0';
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size() +
                                          (socket_[0] == '/' ? 1 : 0));
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  ssize_t sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&addr), len);
  int error = sent < 0 ? errno : 0;
  close(fd);
  return -error;
}

liqwatch::Status ServiceNotify::Send(const char* what, const std::string& message) const {
  if (!enabled_) return liqwatch::Status::Ok();
  int r = SendDatagram(message);
  if (r < 0) {
    return liqwatch::Status::IoError(std::string("sd_notify ") + what + ": " + std::strerror(-r));
  }
  return liqwatch::Status::Ok();
}

liqwatch::Status ServiceNotify::Ready() const { return Send("READY", "READY=1"); }

liqwatch::Status ServiceNotify::Status(std::string_view text) const {
  std::string message = "STATUS=";
  message.reserve(message.size() + text.size());
  for (char c : text) message += (c == '\n' || c == '\r') ? ' ' : c;
  return Send("STATUS", message);
}

liqwatch::Status ServiceNotify::Reloading() const {
  return Send("RELOADING", "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(MonotonicMicros()));
}

liqwatch::Status ServiceNotify::Stopping() const { return Send("STOPPING", "STOPPING=1"); }

liqwatch::Status ServiceNotify::WatchdogPing() const { return Send("WATCHDOG", "WATCHDOG=1"); }

}  // namespace liqwatch
