#include <fmt/format.h>

#include "app.h"
#include "cli/command.h"
#include "config/yaml_reader.h"

namespace liqwatch::cli {

void RegisterRun(CLI::App& app, CommandFn& run) {
  auto opts = std::make_shared<RunOptions>();
  auto cmd = Command::Add(
      app, "run",
      "Run the daemon in the foreground: poll the feeds, evaluate rules, store and send "
      "alerts. Stops cleanly on SIGTERM; SIGHUP reloads the config.");
  cmd->WithConfig(Command::ConfigFile::kRequired);
  cmd->WithDbOverride("SQLite database path (overrides storage.path)");
  auto& a = cmd->app();
  a.add_option("--log-level", opts->log_level,
               "trace, debug, info, warn, error, critical or off (overrides log.level)");
  a.add_option("--listen", opts->listen,
               "HTTP API address HOST:PORT (overrides api.listen; 'off' disables it)");
  a.add_option("--web-dir", opts->web_dir,
               "Dashboard assets directory (overrides api.web_dir and LIQWATCH_DATADIR)");
  cmd->Run(run, [opts](Command& c) {
    // api.listen is checked at load; the override is checked the same way, before anything
    // starts (the daemon would otherwise run without its API).
    if (opts->listen) {
      if (auto problem = config::ListenAddressProblem(*opts->listen))
        return c.Usage(fmt::format("--listen: '{}': {}", *opts->listen, *problem));
    }
    RunOptions o = *opts;
    o.config_path = c.config_path();
    o.db_path = c.db_path();
    return RunDaemon(o);
  });
}

}  // namespace liqwatch::cli
