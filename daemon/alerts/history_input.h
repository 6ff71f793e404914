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
#include "store/store.h"

namespace liqwatch::alerts {

using FetchedHistory = std::map<std::string, std::vector<expr::Point>>;

// Largest data file a replay reads (25 years of a daily series is ~300 KB).
inline constexpr std::size_t kMaxDataFileBytes = 64u << 20;

// One `date,value` CSV (header required, empty value or "." = missing), appended to `out`.
// The file must be a regular file of at most kMaxDataFileBytes (InvalidArgument otherwise,
// naming it); a value that is not a finite number in canonical units is a ParseError.
Status LoadCsv(const std::string& path, Unit unit, std::vector<expr::Point>& out);

// <dir>/<series-id>.csv for every series of the config. `dir` must be a folder (NotFound
// otherwise, naming it); a series without a file has no history and its id is appended to
// `missing` (config order).
Status LoadDataDir(const config::Config& c, const std::string& dir, FetchedHistory& out,
                   std::vector<std::string>& missing);

// The names of the rules (config order) that read series `id`, directly or through derived
// series: the rules a replay without that series cannot judge.
std::vector<std::string> RulesReading(const config::Config& c, const std::string& id);

// The database's history as known on each date (`liqwatch backtest` without --data): the
// stored observations of every series of the config, with each revision (observation_revisions)
// seen after the end of a date rolled back to its old value for that date. Values are canonical
// as stored; missing values are left out. Reads the store once, in Load().
class KnownHistory {
 public:
  static Result<KnownHistory> Load(store::Store& s, const config::Config& c);
  // Points as known at the end of `date` (UTC): for each observation, the value seen on or
  // before that day (a revision seen on a later day is undone).
  FetchedHistory AsKnownOn(Date date) const;
  // Points as stored now (every revision applied).
  FetchedHistory Current() const;
  // How many revisions were seen on or before `date`: AsKnownOn() changes only with it.
  size_t Epoch(Date date) const;

 private:
  using Values = std::map<std::string, std::map<Date, std::optional<double>>>;
  static FetchedHistory Points(const Values& v);
  Values current_;
  std::vector<store::Revision> revisions_;  // every series, by seen_at
  std::vector<Date> seen_days_;             // the day of each revision's seen_at
};

// alerts::Backtest (replay.h) over `k` as known on each evaluation date; the history is rebuilt
// (derived series included) only when a revision seen in between changes it.
std::vector<store::Transition> BacktestAsKnown(const config::Config& c, const KnownHistory& k,
                                               Date from, Date to);

}  // namespace liqwatch::alerts
