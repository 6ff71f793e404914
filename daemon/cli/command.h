// One way to write a CLI subcommand: the options commands share (--db with the one default
// path, --config, --format) are declared here once, the database is opened here, and failures
// are printed here, the same way for every command.
//
// Contract:
// - Command::Add registers subcommand `name` under `parent` (the app, or a command such as
//   `alerts` for `alerts show`); With* add the shared options; Run sets what runs when the
//   subcommand is chosen (not when one of its own subcommands is). The body returns the exit
//   code.
// - Exit codes: kExitOk, kExitFailure (a runtime failure: the database does not open, a query
//   or a send fails), kExitUsage (bad arguments or config).
// - Before the body runs, --format is checked against the formats the command accepts:
//   "unknown --format 'X', expected table or json" and kExitUsage otherwise.
// - Errors go to stderr as "liqwatch COMMAND: message" with secrets scrubbed.
// - Not thread-safe: the CLI's one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "config/config.h"
#include "config/desk_units.h"
#include "store/store.h"

namespace liqwatch::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

class Command : public std::enable_shared_from_this<Command> {
 public:
  using Body = std::function<int(Command&)>;
  enum class ConfigFile { kRequired, kDefaultPath };
  // "table, json or csv": what the commands listing rows accept.
  static const std::vector<Format> kAllFormats;
  static const std::vector<Format> kTableOrJson;

  static std::shared_ptr<Command> Add(CLI::App& parent, const std::string& name,
                                      const std::string& help);
  // The subcommand, for the options only this command has.
  CLI::App& app() { return *app_; }

  // --db PATH, default the packaged database path (core/defaults.h kStoragePath).
  Command& WithDb();
  // --db PATH, default the storage.path of --config (OpenStore's `config`).
  Command& WithDbOverride(const std::string& help);
  // --config,-c FILE: required, or defaulting to the packaged config path.
  Command& WithConfig(ConfigFile kind, const std::string& help = "Config file (YAML)");
  // --format, default table.
  Command& WithFormat(const std::vector<Format>& accepted);
  void Run(CommandFn& run, Body body);

  // For the body.
  const std::string& name() const { return name_; }  // e.g. "alerts show"
  Format format() const { return format_; }
  const std::string& config_path() const { return config_path_; }
  // --db as given or its default; with WithDbOverride, nullopt when not given.
  const std::optional<std::string>& db_path() const { return db_; }
  // Loads --config; nullopt after printing every problem (return kExitUsage then).
  std::optional<config::Config> LoadConfig(
      config::SecretRefs secrets = config::SecretRefs::kResolve) const;
  // The desk-unit formatting (config/desk_units.h) of --config when that file exists, for
  // commands that also work from the database alone (their values then read as plain numbers:
  // an empty DeskUnits). False after printing the problems of a config that does not load.
  bool LoadDeskUnits(config::DeskUnits& out) const;
  // Opens --db, or `config`'s storage.path when --db is an override that was not given.
  Result<std::unique_ptr<store::Store>> OpenStore(store::Store::Mode mode,
                                                  const config::Config* config = nullptr) const;
  // Prints "liqwatch NAME: message" on stderr and returns `code`.
  int Fail(std::string_view message, int code = kExitFailure) const;
  int Fail(const Status& s, int code = kExitFailure) const { return Fail(s.message(), code); }
  int Usage(std::string_view message) const { return Fail(message, kExitUsage); }

 private:
  Command(CLI::App* app, std::string name) : app_(app), name_(std::move(name)) {}
  int Execute();

  CLI::App* app_;
  std::string name_;
  Body body_;
  std::optional<std::vector<Format>> formats_;
  std::string format_text_ = "table";
  Format format_ = Format::kTable;
  std::optional<std::string> db_;
  std::string config_path_;
};

}  // namespace liqwatch::cli
