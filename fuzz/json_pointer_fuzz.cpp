// libFuzzer harness: ParseJsonPointer (sources/formats/json_pointer.h), set up as the shipped
// example reads the NY Fed's rates (rows /refRates, date /effectiveDate).
#include "fuzz/properties.h"
#include "sources/formats/json_pointer.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  sources::JsonPointerOptions options;
  options.name = "fuzzjson";
  options.rows_pointer = "/refRates";
  options.date_pointer = "/effectiveDate";
  options.values = {{"rate", "/percentRate"}, {"volume", "/volumeInBillions"}};
  options.missing_value_is_null = true;
  options.today = today;
  auto r = sources::ParseJsonPointer(*body, options);
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument},
               "json pointer", options.name);
    return 0;
  }
  CheckFinite(*r, "json pointer");
  CheckNotAfter(*r, today, "json pointer");
  Check(r->size() % 2 == 0, "json pointer: not one point per (row, value)");
  for (size_t i = 0; i < r->size(); ++i)
    Check((*r)[i].column == (i % 2 == 0 ? "rate" : "volume"),
          "json pointer: points not in (row, value) order");
  return 0;
}
