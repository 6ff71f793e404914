// libFuzzer harness: ParseCsvTable (sources/formats/csv_table.h), "date,value" layout.
#include "fuzz/properties.h"
#include "sources/formats/csv_table.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  sources::CsvTableOptions options;
  options.name = "fuzzcsv";
  options.today = today;
  auto r = sources::ParseCsvTable(*body, options);
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument},
               "csv table", options.name);
    return 0;
  }
  CheckFinite(*r, "csv table");
  CheckNotAfter(*r, today, "csv table");
  for (const auto& p : *r) Check(p.column == "value", "csv table: column '" + p.column + "'");
  return 0;
}
