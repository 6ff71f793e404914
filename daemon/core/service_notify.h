// ServiceNotify: tells systemd (or any supervisor speaking the sd_notify(3) protocol) where the
// daemon is in its life cycle, and keeps the watchdog fed.
//
// Contract:
// - Construction reads the environment once: NOTIFY_SOCKET, and the watchdog timeout (as
//   sd_watchdog_enabled(3): WATCHDOG_USEC, honouring WATCHDOG_PID). It never modifies the
//   environment, so child processes and later instances see the same variables.
// - Every notification is one AF_UNIX datagram sent to NOTIFY_SOCKET (a filesystem path, or an
//   abstract socket when it starts with '@'), as sd_notify(3) sends it; no libsystemd. When
//   NOTIFY_SOCKET is unset (run from a shell, in tests, under Type=simple) each call is a
//   no-op returning OK. Any other address form (systemd 254's vsock:) fails each call.
// - Each call returns OK when the message was handed to the socket or notification is
//   disabled, and IoError("sd_notify ...: <strerror>") when sending failed. A failed
//   notification is never fatal: callers log it and carry on (systemd will notice a missing
//   READY=1 or WATCHDOG=1 by itself and act on it).
// - The messages, exactly:
//     Ready()         "READY=1"
//     Status(text)    "STATUS=<text>"   (newlines in text become spaces: one field only)
//     Reloading()     "RELOADING=1\nMONOTONIC_USEC=<CLOCK_MONOTONIC in us>"  (systemd >= 253
//                     needs MONOTONIC_USEC for Type=notify-reload; 252 ignores the extra field)
//     Stopping()      "STOPPING=1"
//     WatchdogPing()  "WATCHDOG=1"
//   A reload is Reloading(), then validate and swap the config, then Ready() again.
// - WatchdogInterval() is the period at which the event loop should call WatchdogPing(): half
//   of WatchdogSec=, as sd_watchdog_enabled(3) recommends; zero when no watchdog is configured
//   (or it is meant for another process), in which case the loop must not schedule pings.
// - Thread-safety: all methods are const and safe to call concurrently from any thread or
//   strand (each notification uses its own socket). Cheap to copy.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace liqwatch {

class ServiceNotify {
 public:
  ServiceNotify();

  // True when NOTIFY_SOCKET was set at construction: a supervisor is listening.
  bool enabled() const { return enabled_; }

  liqwatch::Status Ready() const;
  liqwatch::Status Status(std::string_view text) const;
  liqwatch::Status Reloading() const;
  liqwatch::Status Stopping() const;
  liqwatch::Status WatchdogPing() const;

  // Half the watchdog timeout, or zero when the watchdog is off.
  std::chrono::microseconds WatchdogInterval() const { return watchdog_interval_; }

 private:
  liqwatch::Status Send(const char* what, const std::string& message) const;
  // 0, or -errno.
  int SendDatagram(const std::string& message) const;

  bool enabled_ = false;
  std::string socket_;  // NOTIFY_SOCKET
  std::chrono::microseconds watchdog_interval_{0};
};

}  // namespace liqwatch
