// Release calendars of configured series: the `release:` key and the built-in defaults.
//
// Contract: ReadRelease reads a series' `release:` mapping (or `release: none`) into the
// SeriesConfig, recording FILE:LINE:COL errors; ApplyReleaseDefaults then gives every series
// without one the built-in schedule its source type's driver has for its remote id
// (SourceDriver::release_calendar), so the shipped config stays short. Times are
// America/New_York; each default's `source` names where the time comes from (docs/sources.md,
// "Release calendar"). Pure; never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "config/config.h"
#include "config/yaml_reader.h"
#include "core/release.h"

namespace liqwatch::config {

// "HH:MM" (00:00 to 24:00) as minutes after midnight, or nullopt.
std::optional<int> ParseClock(const std::string& text);

// series[i].release: {time: "08:00", tz: America/New_York, lag: 1bd, weekday: wed,
// cadence: business_days|weekly|daily, grace: 45m, source: "..."} or `none`.
void ReadRelease(YamlReader& r, const YAML::Node& node, const std::string& path, SeriesConfig& s);

// Fills SeriesConfig::release from the source's driver for series that set no `release:`.
void ApplyReleaseDefaults(Config& c);

}  // namespace liqwatch::config
