// libFuzzer harness: ParseNyFedRefRates (sources/formats/nyfed.h).
#include <algorithm>

#include "fuzz/harness.h"
#include "sources/formats/nyfed.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = FeedPoints(data, size, {"nyfed rates"}, [](std::string_view body) {
    return sources::ParseNyFedRefRates(body, {.type = "", .today = FuzzToday()});
  });
  if (!r) return 0;
  CheckSortedByDateColumnUnique(*r, "nyfed rates");
  for (const auto& p : *r)
    Check(std::find(sources::kNyFedRateColumns.begin(), sources::kNyFedRateColumns.end(),
                    p.column) != sources::kNyFedRateColumns.end(),
          "nyfed rates: unknown column '" + p.column + "'");
  return 0;
}
