// libFuzzer harness: ParseFredJson (sources/formats/fred.h) on arbitrary bodies.
#include "fuzz/properties.h"
#include "sources/formats/fred.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  auto r = sources::ParseFredJson(*body);
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument, Status::Code::kUnavailable,
                Status::Code::kHttpError},
               "fred json");
    return 0;
  }
  CheckFinite(*r, "fred json");
  for (const auto& p : *r)
    Check(p.column.empty() && !p.provisional, "fred json: column set or provisional point");
  return 0;
}
