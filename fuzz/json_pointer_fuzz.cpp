// libFuzzer harness: ParseJsonPointer (sources/formats/json_pointer.h), set up as the shipped
// example reads the NY Fed's rates (rows /refRates, date /effectiveDate).
#include "fuzz/harness.h"
#include "sources/formats/json_pointer.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sources::JsonPointerOptions options;
  options.name = "fuzzjson";
  options.rows_pointer = "/refRates";
  options.date_pointer = "/effectiveDate";
  options.values = {{"rate", "/percentRate"}, {"volume", "/volumeInBillions"}};
  options.missing_value_is_null = true;
  options.today = FuzzToday();
  auto r =
      FeedPoints(data, size, {"json pointer", kParseErrors, options.name},
                 [&](std::string_view body) { return sources::ParseJsonPointer(body, options); });
  if (!r) return 0;
  Check(r->size() % 2 == 0, "json pointer: not one point per (row, value)");
  for (size_t i = 0; i < r->size(); ++i)
    Check((*r)[i].column == (i % 2 == 0 ? "rate" : "volume"),
          "json pointer: points not in (row, value) order");
  return 0;
}
