// Logging: one named spdlog logger per module, stable event names, key=value fields.
//
// Contract:
// - InitLogging() is called once by main before anything logs; later calls reconfigure.
//   When `journald` is true (JOURNAL_STREAM set), lines carry a "<N>" syslog priority prefix and
//   no timestamp; otherwise they are human-readable with a UTC timestamp.
// - Logger("poller") returns the module's logger; safe from any thread.
// - Every line passes through the secret scrubber: any string registered with RegisterSecret()
//   is replaced by "[redacted]" before it reaches a sink. RedactUrl() hides credentials in URLs
//   (query parameters such as api_key, and userinfo) for messages that include a URL.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "core/status.h"

namespace liqwatch {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  bool journald = false;
};

Status InitLogging(const LogOptions& options);
Status SetLogLevel(std::string_view level);
std::shared_ptr<spdlog::logger> Logger(const std::string& module);

// Remembers a secret value so that no log line can contain it. Thread-safe. Empty strings and
// values shorter than 4 characters are ignored (they would redact ordinary words).
void RegisterSecret(const std::string& value);
// Replaces every registered secret in `text`.
std::string ScrubSecrets(std::string text);

// "https://u:p@host/x?series_id=SOFR&api_key=abc" ->
// "https://host/x?series_id=SOFR&api_key=[redacted]"
std::string RedactUrl(std::string_view url);

}  // namespace liqwatch
