// libFuzzer harness: ParseNyFedOperations + NyFedOperationPoints (sources/formats/nyfed.h).
#include <algorithm>
#include <cmath>
#include <map>

#include "fuzz/harness.h"
#include "sources/formats/nyfed.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  auto ops = sources::ParseNyFedOperations(*body, {.operation_type = "", .today = today});
  if (!ops.ok()) {
    CheckError(ops.status(), kParseErrors, "nyfed operations");
    return 0;
  }
  auto points = sources::NyFedOperationPoints(*ops);
  CheckFinite(points, "nyfed operations");
  CheckSortedByDateColumnUnique(points, "nyfed operations");
  CheckNotAfter(points, today, "nyfed operations");
  // "total" is the sum of the day's regular operations; a day of small value exercises only
  // has none.
  std::map<Date, double> regular_sum;
  std::map<Date, int> regular_count;
  for (const auto& op : *ops) {
    Check(!op.operation_id.empty(), "nyfed operations: operation without id");
    if (op.small_value_exercise) continue;
    regular_sum[op.operation_date] += op.total_amt_accepted;
    ++regular_count[op.operation_date];
  }
  for (const auto& p : points) {
    Check(p.value.has_value(), "nyfed operations: point without value");
    if (p.column != "total") {
      Check(p.column.rfind("op:", 0) == 0 || p.column.rfind("sve:", 0) == 0,
            "nyfed operations: unexpected column '" + p.column + "'");
      continue;
    }
    Check(regular_count.count(p.date) > 0,
          "nyfed operations: total on " + FormatDate(p.date) + " without a regular operation");
    double want = regular_sum[p.date];
    Check(std::fabs(*p.value - want) <= 1e-9 * std::max(1.0, std::fabs(want)),
          "nyfed operations: total on " + FormatDate(p.date) + " is not the sum of its operations");
  }
  return 0;
}
