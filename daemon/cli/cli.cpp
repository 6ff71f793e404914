#include "cli/cli.h"

#include <cstdio>

#include "cli/commands.h"

#ifndef LIQWATCH_VERSION
#define LIQWATCH_VERSION "dev"
#endif

namespace liqwatch::cli {

int Main(int argc, char** argv) {
  CLI::App app{"liqwatch " LIQWATCH_VERSION
               " - watches US dollar funding liquidity (SOFR vs IORB, repo, "
               "ON RRP, reserves, TGA, credit spreads) and alerts before the market does."};
  app.require_subcommand(1);
  app.set_version_flag("--version", LIQWATCH_VERSION);
  CommandFn run;
  RegisterRun(app, run);
  RegisterCheckConfig(app, run);
  RegisterAlerts(app, run);
  RegisterBacktest(app, run);
  RegisterTestRules(app, run);
  RegisterRules(app, run);
  RegisterFetch(app, run);
  RegisterSeries(app, run);
  RegisterStatus(app, run);
  RegisterOps(app, run);
  RegisterNotifyTest(app, run);
  RegisterSilence(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return run ? run() : 2;
}

}  // namespace liqwatch::cli
