// Command-line entry: parses the subcommand and runs it.
//
// Contract: returns the process exit code (0 success, 1 runtime failure, 2 usage or config
// error). Never throws. Prints results on stdout and errors on stderr.
#pragma once

namespace liqwatch::cli {

int Main(int argc, char** argv);

}  // namespace liqwatch::cli
