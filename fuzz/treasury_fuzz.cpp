// libFuzzer harness: ParseDtsOperatingCashBalance (sources/formats/treasury.h).
#include "fuzz/properties.h"
#include "sources/formats/treasury.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  sources::DtsOptions options;
  options.today = today;
  auto r = sources::ParseDtsOperatingCashBalance(*body, options);
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument},
               "treasury dts");
    return 0;
  }
  CheckFinite(r->points, "treasury dts");
  CheckDatesStrictlyIncreasing(r->points, "treasury dts");  // one point per date, ascending
  CheckNotAfter(r->points, today, "treasury dts");
  for (const auto& p : r->points) Check(p.column.empty(), "treasury dts: column set");
  if (r->next_page_number) Check(r->next_query.has_value(), "treasury dts: page without query");
  return 0;
}
