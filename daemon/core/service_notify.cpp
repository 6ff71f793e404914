#include "core/service_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace liqwatch {
namespace {

std::uint64_t MonotonicMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1'000u;
}

}  // namespace

ServiceNotify::ServiceNotify() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && socket[0] != '\0';
  std::uint64_t usec = 0;
  // > 0: enabled for this process; 0: off, or WATCHDOG_PID names another process; < 0: the
  // variables are malformed, which we treat as off rather than failing start-up.
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
  }
}

liqwatch::Status ServiceNotify::Send(const char* what, const std::string& message) const {
  if (!enabled_) return liqwatch::Status::Ok();
  int r = sd_notify(/*unset_environment=*/0, message.c_str());
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
