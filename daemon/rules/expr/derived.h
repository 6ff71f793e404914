// Derived series: named expressions over other series, e.g.
//   net_liquidity = walcl - tga - rrp      sofr_iorb = sofr - iorb
// stored, plotted and used in rules like any fetched series.
//
// Contract: DefineDerived compiles the definition against the catalog, requires a numeric
// result, and registers the new id in the catalog with the dimension the expression yields (a
// ratio or bare number is registered as kIndex), so later rules and derived series can name it.
// Define in dependency order: a definition can only name series already in the catalog, which
// also rules out cycles. On failure the catalog is unchanged and the error carries the column.
//
// Inputs of different frequencies join as of a date: each input contributes its latest
// observation on or before that date, and an input older than its series' max age is missing.
// ComputeDerivedHistory evaluates the definition on each requested date (typically
// DerivedDates: every date on which any input has an observation) and returns one point per
// date: the value, or a gap marker (GapPoint, NaN) where the definition is NoData, so a later
// as-of read on that date is NoData rather than the previous date's value. If `gaps` is given,
// each gap's reason (NoData::ToString(history), so a gap of an input derived series is
// explained down to the fetched input) is appended to it. The output is sorted and can be
// loaded into an InMemoryHistory under the derived series' index, with the gaps
// (InMemoryHistory::Set), so rules can take windows over it; filter IsGap points out before
// plotting. All functions are pure; the returned vectors are owned by the caller.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/expr/program.h"
#include "rules/expr/series.h"

namespace liqwatch::expr {

struct DerivedSeries {
  std::string id;
  int index = -1;  // in the catalog it was defined in
  Dimension dimension = Dimension::kIndex;
  Program program;
};

Result<DerivedSeries> DefineDerived(SeriesCatalog& catalog, std::string id,
                                    std::string_view definition, std::chrono::days max_age,
                                    CompileError* error = nullptr);

enum class DerivedDateSource {
  kAnyInput,    // every date any input has an observation (walcl - tga - rrp: daily)
  kFirstInput,  // only the dates of the first series named (sofr - iorb: SOFR's business days,
                // not IORB's calendar days)
};

// Sorted, unique dates in [from, to] on which the chosen inputs of `program` have observations.
std::vector<Date> DerivedDates(const Program& program, const SeriesHistory& history, Date from,
                               Date to, DerivedDateSource source = DerivedDateSource::kAnyInput);

std::vector<Point> ComputeDerivedHistory(const Program& program, const SeriesHistory& history,
                                         std::span<const Date> dates, TimePoint now,
                                         std::vector<DerivedGap>* gaps = nullptr);

}  // namespace liqwatch::expr
