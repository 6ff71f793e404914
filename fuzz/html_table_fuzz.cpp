// libFuzzer harness: ParseHtmlTable (sources/formats/html_table.h) with the Farside preset,
// the configuration the shipped examples use.
#include "fuzz/harness.h"
#include "sources/formats/html_table.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto options = sources::FarsideEtfOptions(FuzzToday());
  auto r =
      FeedPoints(data, size,
                 {"html table", ParseErrorsAnd({Status::Code::kHttpError}),  // site blocks
                  options.name},
                 [&](std::string_view body) { return sources::ParseHtmlTable(body, options); });
  if (!r) return 0;
  CheckDatesSortedColumnsUnique(*r, "html table");  // "a date twice" is a layout error
  // Only the newest row may be provisional.
  for (const auto& p : *r)
    Check(!p.provisional || p.date == r->back().date,
          "html table: provisional point on " + FormatDate(p.date) + " before the newest row");
  return 0;
}
