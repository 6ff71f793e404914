// libFuzzer harness: ParseHtmlDataPoints (sources/formats/html_table.h) with the iShares
// product-page preset (shares outstanding, NAV, net assets).
#include "fuzz/properties.h"
#include "sources/formats/html_table.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  const auto options = sources::ISharesFundOptions(today);
  auto r = sources::ParseHtmlDataPoints(*body, options);
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument, Status::Code::kHttpError},
               "html points", options.name);
    return 0;
  }
  // One point per configured data point, in option order, each with a value, never provisional.
  Check(r->size() == options.points.size(), "html points: wrong number of points");
  for (size_t i = 0; i < r->size(); ++i) {
    const auto& p = (*r)[i];
    Check(p.column == options.points[i].column, "html points: column out of order");
    Check(p.value.has_value(), "html points: point without a value");
    Check(!p.provisional, "html points: provisional point");
  }
  CheckFinite(*r, "html points");
  CheckNotAfter(*r, today, "html points");
  return 0;
}
