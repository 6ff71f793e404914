// libFuzzer harness: ParseHtmlTable (sources/formats/html_table.h) with the Farside preset,
// the configuration the shipped examples use.
#include "fuzz/properties.h"
#include "sources/formats/html_table.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  const auto options = sources::FarsideEtfOptions(today);
  auto r = sources::ParseHtmlTable(*body, options);
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument, Status::Code::kHttpError},  // blocked by the site
               "html table", options.name);
    return 0;
  }
  CheckFinite(*r, "html table");
  CheckDatesSortedColumnsUnique(*r, "html table");  // "a date twice" is a layout error
  CheckNotAfter(*r, today, "html table");
  // Only the newest row may be provisional.
  for (const auto& p : *r)
    Check(!p.provisional || p.date == r->back().date,
          "html table: provisional point on " + FormatDate(p.date) + " before the newest row");
  return 0;
}
