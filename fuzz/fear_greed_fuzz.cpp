// libFuzzer harness: ParseFearGreed (sources/formats/fear_greed.h).
#include "fuzz/harness.h"
#include "sources/formats/fear_greed.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = FeedPoints(
      data, size, {"fear&greed", ParseErrorsAnd({Status::Code::kUnavailable}), "Fear&Greed"},
      [](std::string_view body) { return sources::ParseFearGreed(body, {.today = FuzzToday()}); });
  if (!r) return 0;
  CheckDatesStrictlyIncreasing(*r, "fear&greed");  // one point per element, oldest first
  for (const auto& p : *r) {
    Check(p.column == "value", "fear&greed: column '" + p.column + "'");
    Check(!p.value || (*p.value >= 0 && *p.value <= 100),
          "fear&greed: value " + std::to_string(*p.value) + " outside 0..100");
  }
  return 0;
}
