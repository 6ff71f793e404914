// libFuzzer harness: ParseFredGraphCsv (sources/formats/fred.h) for series SOFR.
#include "fuzz/harness.h"
#include "sources/formats/fred.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r =
      FeedPoints(data, size,
                 {"fredgraph csv",
                  {Status::Code::kParseError, Status::Code::kLayoutChanged},
                  {},
                  /*dated_until_today=*/false},
                 [](std::string_view body) { return sources::ParseFredGraphCsv(body, "SOFR"); });
  if (!r) return 0;
  for (const auto& p : *r)
    Check(p.column.empty() && !p.provisional, "fredgraph csv: column set or provisional point");
  return 0;
}
