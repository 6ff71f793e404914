#include <cstdio>

#include "cli/command.h"
#include "core/log.h"
#include "sources/schedule.h"

namespace liqwatch::cli {

void RegisterCheckConfig(CLI::App& app, CommandFn& run) {
  auto cmd = Command::Add(
      app, "check-config",
      "Validate a config file. Exit 0 and a one-line summary when valid (with a warning on "
      "stderr for each host whose series poll faster than its requests_per_second allows); "
      "exit 2 and one FILE:LINE:COL line per problem otherwise.");
  cmd->WithConfig(Command::ConfigFile::kRequired);
  cmd->Run(run, [](Command& c) {
    auto loaded = c.LoadConfig();
    if (!loaded) return kExitUsage;
    // Valid, but the per-host rate limit will space the polls out: say so.
    for (const auto& w : sources::PollRateWarnings(loaded->sources, loaded->series))
      std::fprintf(stderr, "%s: warning: %s\n", c.config_path().c_str(), ScrubSecrets(w).c_str());
    std::printf("%s: ok: %s\n", c.config_path().c_str(), loaded->Summary().c_str());
    return kExitOk;
  });
}

}  // namespace liqwatch::cli
