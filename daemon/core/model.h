// Shared model types that flow between pipeline stages.
//
// Contract: plain value types, no behaviour beyond small helpers; safe to copy across threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace liqwatch {

// Where an item of a config file came from, for error messages ("FILE:LINE:COL").
struct Position {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// One value read from a feed, before unit normalisation and before it is tied to a configured
// series. Multi-value feeds (NY Fed SOFR percentiles, ETF tables) name the field in `column`;
// single-series feeds leave it empty.
struct RawPoint {
  Date date;
  std::string column;
  std::optional<double> value;  // nullopt: published as missing ("." or empty cell)
  bool provisional = false;     // e.g. the newest, incomplete row of an ETF flow table
};

// A normalised observation of a configured series (value in the series' canonical unit).
struct Observation {
  std::string series;
  Date date;
  std::optional<double> value;
  bool provisional = false;
  // Provenance, when read from the store: the config source that delivered the value ("" if
  // not recorded, e.g. stored before provenance was kept).
  std::string source;
};

// Conditional-GET validators of a feed response (its ETag and Last-Modified headers, each
// empty when absent), sent back as If-None-Match / If-Modified-Since when the same URL is
// asked again.
struct HttpValidators {
  std::string etag;
  std::string last_modified;
  bool empty() const { return etag.empty() && last_modified.empty(); }
  bool operator==(const HttpValidators&) const = default;
};

enum class Severity { kInfo, kWarning, kCritical };
std::string_view SeverityName(Severity s);
std::optional<Severity> ParseSeverity(std::string_view s);

// Alert lifecycle. kNoData: the rule cannot be evaluated because an input is missing or stale.
enum class AlertState { kInactive, kPending, kFiring, kResolved, kNoData };
std::string_view AlertStateName(AlertState s);
std::optional<AlertState> ParseAlertState(std::string_view s);

// A rule instance's labels (config/rules_config.h for_each) travel as text, "k=v,k2=v2", in
// label-name order (rule instances sort them); values hold no ',' and keys no '='.
using Labels = std::vector<std::pair<std::string, std::string>>;
std::string JoinLabels(const Labels& labels);  // {} -> ""
Labels SplitLabels(std::string_view text);     // "" -> {}; a pair without '=' is skipped

// How an alert instance is shown to people: the rule name, with the instance's labels
// ("series=hy_oas,widening=50bp", empty for a rule that does not fan out) in braces, as
// Prometheus writes a series: "oas_widening{series=hy_oas,widening=50bp}".
std::string InstanceName(std::string_view rule, std::string_view labels);

}  // namespace liqwatch
