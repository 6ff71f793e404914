// libFuzzer harness: ParseDtsOperatingCashBalance (sources/formats/treasury.h).
#include "fuzz/harness.h"
#include "sources/formats/treasury.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<sources::DtsPage> page;
  auto r = FeedPoints(data, size, {"treasury dts"},
                      [&](std::string_view body) -> Result<std::vector<RawPoint>> {
                        sources::DtsOptions options;
                        options.today = FuzzToday();
                        auto parsed = sources::ParseDtsOperatingCashBalance(body, options);
                        if (!parsed.ok()) return parsed.status();
                        page = *parsed;
                        return parsed->points;
                      });
  if (!r) return 0;
  CheckDatesStrictlyIncreasing(*r, "treasury dts");  // one point per date, ascending
  for (const auto& p : *r) Check(p.column.empty(), "treasury dts: column set");
  if (page->next_page_number)
    Check(page->next_query.has_value(), "treasury dts: page without query");
  return 0;
}
