#include <cstdio>

#include "cli/commands.h"
#include "config/config.h"
#include "core/log.h"

namespace liqwatch::cli {

void RegisterCheckConfig(CLI::App& app, CommandFn& run) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "check-config",
      "Validate a config file. Exit 0 and a one-line summary when valid; exit 2 and one "
      "FILE:LINE:COL line per problem otherwise.");
  cmd->add_option("--config,-c", *path, "Config file (YAML)")->required();
  cmd->callback([&run, path] {
    run = [path] {
      auto r = config::LoadConfig(*path);
      if (!r.config) {
        for (const auto& e : r.errors)
          std::fprintf(stderr, "%s\n", ScrubSecrets(e.ToString()).c_str());
        return 2;
      }
      std::printf("%s: ok: %s\n", path->c_str(), r.config->Summary().c_str());
      return 0;
    };
  });
}

}  // namespace liqwatch::cli
