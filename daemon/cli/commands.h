// Subcommand registration. Each command lives in its own file and adds itself to the app.
//
// Contract: Register* adds a subcommand with its options and help to `app` and sets `run` to
// the function executed when that subcommand is chosen; it returns the exit code.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace liqwatch::cli {

using CommandFn = std::function<int()>;

void RegisterRun(CLI::App& app, CommandFn& run);
void RegisterCheckConfig(CLI::App& app, CommandFn& run);
void RegisterAlerts(CLI::App& app, CommandFn& run);
void RegisterBacktest(CLI::App& app, CommandFn& run);   // cli/backtest_cmd.cpp
void RegisterTestRules(CLI::App& app, CommandFn& run);  // cli/test_rules_cmd.cpp
void RegisterRules(CLI::App& app, CommandFn& run);      // cli/rules_cmd.cpp
void RegisterFetch(CLI::App& app, CommandFn& run);      // cli/fetch_cmd.cpp
void RegisterSeries(CLI::App& app, CommandFn& run);     // cli/series_cmd.cpp
void RegisterStatus(CLI::App& app, CommandFn& run);     // cli/status_cmd.cpp
// `alerts show`, `ack`, `prune`, `backup` (cli/ops_cmd.cpp); call after RegisterAlerts.
void RegisterOps(CLI::App& app, CommandFn& run);
void RegisterNotifyTest(CLI::App& app, CommandFn& run);  // cli/notify_test_cmd.cpp
void RegisterSilence(CLI::App& app, CommandFn& run);     // cli/silence_cmd.cpp

}  // namespace liqwatch::cli
