// The series a rule expression can name, and the read-only view of their history it reads.
//
// Contract: a SeriesCatalog maps series ids to dense indexes 0..size()-1 plus the dimension of
// their canonical values and the max age after which a value counts as missing. Expressions are
// compiled against a catalog and keep only indexes, so evaluation never looks up a string. A
// catalog is built once (config load) and is then read-only; concurrent const use is safe.
//
// SeriesHistory is the evaluator's only input: Points(i) returns the observations of catalog
// series i, sorted by strictly increasing date, values already in the canonical unit of the
// series' dimension (see core/units.h), missing values ("." on FRED) left out. A point may be a
// gap marker (IsGap: a quiet NaN value) meaning "known missing on this date": derived series
// carry one on each date their definition had no value (an input missing or stale), so an as-of
// read lands on the gap (NoData) instead of the previous day's value. GapReason(i, date) says
// why. The span must stay valid while an evaluation runs. Implementations must be safe for
// concurrent const calls if rules are evaluated on several threads.
#pragma once

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/release.h"
#include "core/status.h"
#include "core/time.h"
#include "core/units.h"

namespace liqwatch::expr {

struct Point {
  Date date;
  double value;  // canonical unit of the series' dimension; NaN for a gap marker
};

// A gap marker: the series is known to have no value on `d` (see the contract above).
inline Point GapPoint(Date d) { return Point{d, std::numeric_limits<double>::quiet_NaN()}; }
inline bool IsGap(const Point& p) { return std::isnan(p.value); }

// Index of the latest point (gap markers included) dated on or before `d` in sorted `points`,
// or -1. O(1) when `d` is at or past the newest point, else a binary search.
int AsOf(std::span<const Point> points, Date d);
// Index of the latest point dated on or before `d` that is not a gap marker, or -1.
int LatestValue(std::span<const Point> points, Date d);

// Why a derived series has a gap on `date`: the NoData text of its definition there, e.g.
// "iorb: no observation within 7d of 2025-10-28 (latest 2025-10-17)".
struct DerivedGap {
  Date date;
  std::string reason;
};

struct SeriesSpec {
  std::string id;
  Dimension dimension = Dimension::kIndex;
  // As-of lookups ignore an observation older than this relative to the date they look at:
  // the input counts as missing (NoData), never as its old value. 7 days suits daily and
  // weekly (H.4.1) series; monthly series need ~35d.
  std::chrono::days max_age{7};
  // The unit the feed publishes in when it is not the canonical one ("usd_mn", "bp"), else "".
  // A derived series carries the first such unit among its inputs. The compiler refuses a bare
  // number next to such a series (`btc_flow < -500` would mean -$500bn): write 500mn.
  std::string published_unit;
  // When each print is due (core/release.h); late(series) needs one. nullopt: no calendar.
  std::optional<ReleaseSchedule> release;
  // A policy rate (IORB, the target range: core/fomc.h): it changes only on FOMC effective
  // dates, so its newest print carried forward is its print for a later date with no decision
  // taking effect in between (alerts/readiness.h counts that print as known).
  bool policy_rate = false;
  // A derived series: the catalog indexes of the series its definition reads, so an alert on
  // it can show what it was made of ("sofr_iorb = 22bp (sofr 3.87%, iorb 3.65%)").
  std::vector<int> inputs;
};

class SeriesCatalog {
 public:
  // Registers a series and returns its index. Fails if the id is empty, is not an identifier
  // ([A-Za-z_][A-Za-z0-9_]*), is a function or keyword name, or is already registered.
  Result<int> Add(SeriesSpec spec);
  // The index of `id` (case-sensitive), if registered.
  std::optional<int> Find(std::string_view id) const;
  const SeriesSpec& spec(int index) const { return specs_[size_t(index)]; }
  int size() const { return int(specs_.size()); }

 private:
  std::vector<SeriesSpec> specs_;
  std::unordered_map<std::string, int> index_;
};

class SeriesHistory {
 public:
  virtual ~SeriesHistory() = default;
  // Observations of catalog series `series`, sorted by strictly increasing date, gap markers
  // included; empty if none.
  virtual std::span<const Point> Points(int series) const = 0;
  // Why `series` has a gap marker on `date`, or "" if not known. Allocates: for messages only
  // (NoData::ToString(history)), never on the evaluation path.
  virtual std::string GapReason(int series, Date date) const {
    (void)series, (void)date;
    return {};
  }
};

// A SeriesHistory held in vectors: for tests, backtests, and derived series computed in memory.
// Not synchronised: do not mutate while another thread evaluates against it.
class InMemoryHistory final : public SeriesHistory {
 public:
  explicit InMemoryHistory(int series_count)
      : points_(size_t(series_count)), gaps_(size_t(series_count)) {}
  std::span<const Point> Points(int series) const override;
  std::string GapReason(int series, Date date) const override;
  // Replaces the history of `series` and its gap reasons. Fails unless dates strictly increase
  // (in `points` and in `gaps`) and values are finite or gap markers (NaN; ±inf is refused).
  Status Set(int series, std::vector<Point> points, std::vector<DerivedGap> gaps = {});
  // Adds a newer observation (or gap marker), or replaces the value of the last one if the date
  // is the same (a revision). Fails if `p` is older than the last observation or infinite.
  Status Append(int series, Point p);

 private:
  std::vector<std::vector<Point>> points_;
  std::vector<std::vector<DerivedGap>> gaps_;  // by series, sorted by date
};

}  // namespace liqwatch::expr
