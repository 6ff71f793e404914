// JSON views of the running config that several resources show: a series' description and
// freshness, a rule and its instances.
//
// Contract: pure functions of their arguments; never fail.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "config/config.h"
#include "config/desk_units.h"
#include "core/time.h"
#include "store/store.h"

namespace liqwatch::api {

// {"id", "source", "remote_id", "unit", "interval", "description", "release"}.
boost::json::object SeriesInfoJson(const config::SeriesConfig& s);

// The newest stored observation date of `id`, from LatestObservations() rows.
std::optional<Date> LatestDate(const std::vector<store::LatestObservation>& latest,
                               std::string_view id);

// {"state", "late", "missing", "deadline", "message"} from the series' release calendar at
// `now`; null without a calendar.
boost::json::value FreshnessJson(const config::SeriesConfig& s, std::optional<Date> latest,
                                 TimePoint now);

// The alert instances of a rule: (labels, series). One with empty labels unless the rule has
// for_each; `series` is the instance's clock series (a threshold rule's own series).
std::vector<std::pair<std::string, std::string>> RuleInstances(const config::Config& c,
                                                               const config::RuleConfig& r);

// A threshold rule reports series/op/threshold; an expression rule has no single comparison:
// op and threshold are null, series is its (first instance's) clock series, expr/crit/clear
// carry its conditions as written (with $labels for a for_each rule; null for a threshold
// rule), and for_each lists its instances' labels (null without for_each).
boost::json::object RuleInfoJson(const config::Config& c, const config::RuleConfig& r);

// The dashboard shows what the one formatting layer (config/desk_units.h) writes: every
// object keeps its exact numbers and times, and gains "*_display" strings beside them.
// An alert or event object ("rule", "series", "value", "threshold", ...): value_display and
// threshold_display as its message writes them ("22bp", "4.31%", "$2.848tn"), and its times.
void AddAlertDisplay(const config::DeskUnits& d, boost::json::object& o);
// Each time among `keys` that is set gets "<key>_display" on the desk's clock
// ("2025-10-31 08:00 ET"); null stays null.
void AddTimeDisplay(boost::json::object& o, std::initializer_list<std::string_view> keys);
// A rule's levels a chart can draw (DeskUnits::Levels):
// [{"series", "op", "value", "kind", "display"}].
boost::json::array LevelsJson(const config::Config& c, const config::DeskUnits& d,
                              const config::RuleConfig& r);

}  // namespace liqwatch::api
