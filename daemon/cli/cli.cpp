#include "cli/cli.h"

namespace liqwatch::cli {

int Main(int, char**) { return 0; }

}  // namespace liqwatch::cli
