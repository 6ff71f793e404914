// The daemon: wires the pipeline stages together and runs the event loop.
//
// Contract: RunDaemon() loads and validates the config (printing every error and returning 2
// if it is invalid), opens the store (returning 1 on failure, e.g. a database newer than this
// binary), then runs until SIGTERM/SIGINT, returning 0 after a clean drain. SIGHUP reloads the
// config: a valid new config replaces the old one; an invalid one is logged and ignored.
// Modules are set up in pipeline order and torn down in reverse.
#pragma once

#include <optional>
#include <string>

#include "core/time.h"

namespace liqwatch {

struct RunOptions {
  std::string config_path;
  std::optional<std::string> db_path;    // overrides storage.path
  std::optional<std::string> log_level;  // overrides log.level
  std::optional<std::string> listen;     // overrides api.listen ("off" disables the API)
  std::optional<std::string> web_dir;    // overrides api.web_dir (dashboard assets)
  Duration drain_timeout = std::chrono::seconds(10);
};

int RunDaemon(const RunOptions& options);

}  // namespace liqwatch
