// libFuzzer harness: ParseFredGraphCsv (sources/formats/fred.h) for series SOFR.
#include "fuzz/properties.h"
#include "sources/formats/fred.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  auto r = sources::ParseFredGraphCsv(*body, "SOFR");
  if (!r.ok()) {
    CheckError(r.status(), {Status::Code::kParseError, Status::Code::kLayoutChanged},
               "fredgraph csv");
    return 0;
  }
  CheckFinite(*r, "fredgraph csv");
  for (const auto& p : *r)
    Check(p.column.empty() && !p.provisional, "fredgraph csv: column set or provisional point");
  return 0;
}
