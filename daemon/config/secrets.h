// Secret references in config values.
//
// Contract: a config string may be a reference instead of a literal:
//   ${env:NAME}   the environment variable NAME
//   ${file:PATH}  the contents of PATH, trailing newline removed
//   ${cred:NAME}  the systemd credential NAME ($CREDENTIALS_DIRECTORY/NAME)
// ResolveSecret returns the value, or an error that names the reference (never the value).
// Every resolved value is registered with the log scrubber, so it cannot appear in logs.
// Text without "${" (a literal secret) is returned unchanged and registered too. Thread-safe.
#pragma once

#include <string>

#include "core/status.h"

namespace liqwatch::config {

Result<std::string> ResolveSecret(const std::string& text);

}  // namespace liqwatch::config
