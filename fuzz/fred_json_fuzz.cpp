// libFuzzer harness: ParseFredJson (sources/formats/fred.h) on arbitrary bodies.
#include "fuzz/harness.h"
#include "sources/formats/fred.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = FeedPoints(data, size,
                      {"fred json",
                       ParseErrorsAnd({Status::Code::kUnavailable, Status::Code::kHttpError}),
                       {},
                       /*dated_until_today=*/false},
                      [](std::string_view body) { return sources::ParseFredJson(body); });
  if (!r) return 0;
  for (const auto& p : *r)
    Check(p.column.empty() && !p.provisional, "fred json: column set or provisional point");
  return 0;
}
