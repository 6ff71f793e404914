// The series a rule expression can name, and the read-only view of their history it reads.
//
// Contract: a SeriesCatalog maps series ids to dense indexes 0..size()-1 plus the dimension of
// their canonical values and the max age after which a value counts as missing. Expressions are
// compiled against a catalog and keep only indexes, so evaluation never looks up a string. A
// catalog is built once (config load) and is then read-only; concurrent const use is safe.
//
// SeriesHistory is the evaluator's only input: Points(i) returns the observations of catalog
// series i, sorted by strictly increasing date, values already in the canonical unit of the
// series' dimension (see core/units.h), missing values ("." on FRED) left out. The span must stay
// valid while an evaluation runs. Implementations must be safe for concurrent const calls if
// rules are evaluated on several threads.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "core/units.h"

namespace liqwatch::expr {

struct Point {
  Date date;
  double value;  // canonical unit of the series' dimension
};

struct SeriesSpec {
  std::string id;
  Dimension dimension = Dimension::kIndex;
  // As-of lookups ignore an observation older than this relative to the date they look at:
  // the input counts as missing (NoData), never as its old value. 7 days suits daily and
  // weekly (H.4.1) series; monthly series need ~35d.
  std::chrono::days max_age{7};
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
  // Observations of catalog series `series`, sorted by strictly increasing date; empty if none.
  virtual std::span<const Point> Points(int series) const = 0;
};

// A SeriesHistory held in vectors: for tests, backtests, and derived series computed in memory.
// Not synchronised: do not mutate while another thread evaluates against it.
class InMemoryHistory final : public SeriesHistory {
 public:
  explicit InMemoryHistory(int series_count) : points_(size_t(series_count)) {}
  std::span<const Point> Points(int series) const override;
  // Replaces the history of `series`. Fails unless dates strictly increase and values are finite.
  Status Set(int series, std::vector<Point> points);
  // Adds a newer observation, or replaces the value of the last one if the date is the same
  // (a revision). Fails if `p` is older than the last observation.
  Status Append(int series, Point p);

 private:
  std::vector<std::vector<Point>> points_;
};

}  // namespace liqwatch::expr
