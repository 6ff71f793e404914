// libFuzzer harness: ParseCsvTable (sources/formats/csv_table.h), "date,value" layout.
#include "fuzz/harness.h"
#include "sources/formats/csv_table.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sources::CsvTableOptions options;
  options.name = "fuzzcsv";
  options.today = FuzzToday();
  auto r = FeedPoints(data, size, {"csv table", kParseErrors, options.name},
                      [&](std::string_view body) { return sources::ParseCsvTable(body, options); });
  if (!r) return 0;
  for (const auto& p : *r) Check(p.column == "value", "csv table: column '" + p.column + "'");
  return 0;
}
