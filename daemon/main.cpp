// liqwatch: one executable, subcommands in daemon/cli/.
#include "cli/cli.h"

int main(int argc, char** argv) { return liqwatch::cli::Main(argc, argv); }
