#include <cstdio>

#include "cli/command.h"

namespace liqwatch::cli {

void RegisterCheckConfig(CLI::App& app, CommandFn& run) {
  auto cmd = Command::Add(
      app, "check-config",
      "Validate a config file. Exit 0 and a one-line summary when valid; exit 2 and one "
      "FILE:LINE:COL line per problem otherwise.");
  cmd->WithConfig(Command::ConfigFile::kRequired);
  cmd->Run(run, [](Command& c) {
    auto loaded = c.LoadConfig();
    if (!loaded) return kExitUsage;
    std::printf("%s: ok: %s\n", c.config_path().c_str(), loaded->Summary().c_str());
    return kExitOk;
  });
}

}  // namespace liqwatch::cli
