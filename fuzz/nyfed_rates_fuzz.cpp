// libFuzzer harness: ParseNyFedRefRates (sources/formats/nyfed.h).
#include <algorithm>

#include "fuzz/properties.h"
#include "sources/formats/nyfed.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  auto r = sources::ParseNyFedRefRates(*body, {.type = "", .today = today});
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument},
               "nyfed rates");
    return 0;
  }
  CheckFinite(*r, "nyfed rates");
  CheckSortedByDateColumnUnique(*r, "nyfed rates");
  CheckNotAfter(*r, today, "nyfed rates");
  for (const auto& p : *r)
    Check(std::find(sources::kNyFedRateColumns.begin(), sources::kNyFedRateColumns.end(),
                    p.column) != sources::kNyFedRateColumns.end(),
          "nyfed rates: unknown column '" + p.column + "'");
  return 0;
}
