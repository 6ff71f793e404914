#include <cstdio>

#include "app.h"
#include "cli/commands.h"
#include "config/yaml_reader.h"

namespace liqwatch::cli {

void RegisterRun(CLI::App& app, CommandFn& run) {
  auto opts = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run",
      "Run the daemon in the foreground: poll the feeds, evaluate rules, store and send "
      "alerts. Stops cleanly on SIGTERM; SIGHUP reloads the config.");
  cmd->add_option("--config,-c", opts->config_path, "Config file (YAML)")->required();
  cmd->add_option("--db", opts->db_path, "SQLite database path (overrides storage.path)");
  cmd->add_option("--log-level", opts->log_level,
                  "trace, debug, info, warn, error, critical or off (overrides log.level)");
  cmd->add_option("--listen", opts->listen,
                  "HTTP API address HOST:PORT (overrides api.listen; 'off' disables it)");
  cmd->add_option("--web-dir", opts->web_dir,
                  "Dashboard assets directory (overrides api.web_dir and LIQWATCH_DATADIR)");
  cmd->callback([&run, opts] {
    run = [opts] {
      // api.listen is checked at load; the override is checked the same way, before anything
      // starts (the daemon would otherwise run without its API).
      if (opts->listen) {
        if (auto problem = config::ListenAddressProblem(*opts->listen)) {
          std::fprintf(stderr, "liqwatch run: --listen: '%s': %s\n", opts->listen->c_str(),
                       problem->c_str());
          return 2;
        }
      }
      return RunDaemon(*opts);
    };
  });
}

}  // namespace liqwatch::cli
