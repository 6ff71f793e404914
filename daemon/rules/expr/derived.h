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
// DerivedDates: every date on which any input has an observation) and returns the points that
// have a value; dates with NoData are skipped and, if `gaps` is given, reported with the reason.
// The output is sorted and can be stored, plotted, or loaded into an InMemoryHistory under the
// derived series' index so rules can take windows over it. All functions are pure; the returned
// vectors are owned by the caller.
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

struct DerivedGap {
  Date date;
  std::string reason;  // NoData::ToString()
};

std::vector<Point> ComputeDerivedHistory(const Program& program, const SeriesHistory& history,
                                         std::span<const Date> dates, TimePoint now,
                                         std::vector<DerivedGap>* gaps = nullptr);

}  // namespace liqwatch::expr
