// libFuzzer harness: ParseHtmlDataPoints (sources/formats/html_table.h) with the iShares
// product-page preset (shares outstanding, NAV, net assets).
#include "fuzz/harness.h"
#include "sources/formats/html_table.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto options = sources::ISharesFundOptions(FuzzToday());
  auto r = FeedPoints(
      data, size, {"html points", ParseErrorsAnd({Status::Code::kHttpError}), options.name},
      [&](std::string_view body) { return sources::ParseHtmlDataPoints(body, options); });
  if (!r) return 0;
  // One point per configured data point, in option order, each with a value, never provisional.
  Check(r->size() == options.points.size(), "html points: wrong number of points");
  for (size_t i = 0; i < r->size(); ++i) {
    const auto& p = (*r)[i];
    Check(p.column == options.points[i].column, "html points: column out of order");
    Check(p.value.has_value(), "html points: point without a value");
    Check(!p.provisional, "html points: provisional point");
  }
  return 0;
}
