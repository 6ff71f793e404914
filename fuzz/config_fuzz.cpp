// libFuzzer harness: the config loader (config/config.h LoadConfigFromString) on arbitrary
// YAML, secrets not resolved (SecretRefs::kSkip: nothing is read from disk or environment).
// Properties: a config comes back exactly when there are no errors; every error names the
// input file, has a message, and errors come in file order. "Whatever check-config accepts
// must run": for an accepted config every series' source exists, and the poller's pure steps
// (BuildRequest, ParsePage on an empty 200 body, SuccessDelay) work on it without throwing.
#include "config/config.h"
#include "fuzz/properties.h"
#include "sources/driver.h"
#include "sources/poller.h"

using namespace liqwatch;
using namespace liqwatch::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = Input(data, size, 16 * 1024);
  if (!text) return 0;
  const std::string file = "fuzz.yaml";
  auto r = config::LoadConfigFromString(std::string(*text), file, config::SecretRefs::kSkip);
  Check(r.config.has_value() == r.errors.empty(),
        "config: a config and errors together, or neither");
  std::pair<int, int> last{0, 0};
  for (const auto& e : r.errors) {
    Check(e.file == file, "config: error names file '" + e.file + "'");
    Check(!e.message.empty(), "config: empty error message");
    Check(e.ToString().rfind(file + ":", 0) == 0, "config: '" + e.ToString() + "'");
    std::pair<int, int> pos{e.pos.line, e.pos.column};
    Check(last <= pos, "config: errors not in file order at '" + e.ToString() + "'");
    last = pos;
  }
  if (!r.config) return 0;
  const config::Config& c = *r.config;
  Check(c.rule_set != nullptr, "config: accepted without a rule set");
  const Date today = FuzzToday();
  const TimePoint now = *ParseTime("2026-06-30T15:00:00Z");
  for (const auto& series : c.series) {
    const config::SourceConfig* source = c.FindSource(series.source);
    Check(source != nullptr, "config: series '" + series.id + "' without its source");
    try {
      auto req = sources::BuildRequest(*source, series, std::nullopt, today);
      Check(!req.url.empty(), "config: empty URL for series '" + series.id + "'");
      http::HttpResponse empty{.status = 200, .body = "", .headers = {}, .elapsed = {}};
      auto page = sources::ParsePage(*source, series, empty, today);
      if (!page.ok()) Check(!page.status().message().empty(), "config: empty parse error");
      Check(sources::SuccessDelay(series, source->driver->fast_poll_interval(), std::nullopt, now) >
                Duration::zero(),
            "config: series '" + series.id + "' polls with no delay");
    } catch (const std::exception& ex) {
      Fail("config: series '" + series.id + "' accepted, but polling it throws: " + ex.what());
    }
  }
  return 0;
}
