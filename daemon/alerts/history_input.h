// Loading the history a replay reads (`liqwatch backtest`, `liqwatch test-rules`).
//
// Contract: LoadCsv/LoadDataDir read files only; values are converted from the unit the config
// declares for the series to canonical units, sorted by date, missing values left out. They
// return Ok, NotFound (LoadCsv: no such file) or ParseError naming PATH:LINE. Not thread-safe
// with respect to `out` only; no global state.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/status.h"
#include "rules/expr/series.h"

namespace liqwatch::alerts {

using FetchedHistory = std::map<std::string, std::vector<expr::Point>>;

// One `date,value` CSV (header required, empty value or "." = missing), appended to `out`.
Status LoadCsv(const std::string& path, Unit unit, std::vector<expr::Point>& out);

// <dir>/<series-id>.csv for every series of the config; a series without a file has no history.
Status LoadDataDir(const config::Config& c, const std::string& dir, FetchedHistory& out);

}  // namespace liqwatch::alerts
