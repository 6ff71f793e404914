// libFuzzer harness: ParseFearGreed (sources/formats/fear_greed.h).
#include "fuzz/properties.h"
#include "sources/formats/fear_greed.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = Input(data, size, 1 << 16);
  if (!body) return 0;
  const Date today = FuzzToday();
  auto r = sources::ParseFearGreed(*body, {.today = today});
  if (!r.ok()) {
    CheckError(r.status(),
               {Status::Code::kParseError, Status::Code::kLayoutChanged,
                Status::Code::kInvalidArgument, Status::Code::kUnavailable},
               "fear&greed", "Fear&Greed");
    return 0;
  }
  CheckFinite(*r, "fear&greed");
  CheckDatesStrictlyIncreasing(*r, "fear&greed");  // one point per element, oldest first
  CheckNotAfter(*r, today, "fear&greed");
  for (const auto& p : *r) {
    Check(p.column == "value", "fear&greed: column '" + p.column + "'");
    Check(!p.value || (*p.value >= 0 && *p.value <= 100),
          "fear&greed: value " + std::to_string(*p.value) + " outside 0..100");
  }
  return 0;
}
