#include "rules/expr/derived.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace liqwatch::expr {

Result<DerivedSeries> DefineDerived(SeriesCatalog& catalog, std::string id,
                                    std::string_view definition, std::chrono::days max_age,
                                    CompileError* error) {
  if (catalog.Find(id)) {
    return Status::InvalidArgument(fmt::format("series '{}' is defined twice", id));
  }
  auto program = Compile(definition, catalog, error);
  if (!program.ok()) return program.status().WithContext(fmt::format("derived series '{}'", id));
  Kind kind = program->result_kind();
  Dimension dimension = Dimension::kIndex;
  switch (kind) {
    case Kind::kRate:
      dimension = Dimension::kRate;
      break;
    case Kind::kMoney:
      dimension = Dimension::kMoney;
      break;
    case Kind::kCount:
      dimension = Dimension::kCount;
      break;
    case Kind::kIndex:
    case Kind::kRatio:
    case Kind::kNumber:
      dimension = Dimension::kIndex;
      break;
    case Kind::kDuration:
    case Kind::kBool: {
      std::string message =
          fmt::format("a derived series must be a number, got {}", KindName(kind));
      if (error != nullptr) *error = CompileError{1, message};
      return Status::ParseError(fmt::format("derived series '{}': {} at column 1", id, message));
    }
  }
  SeriesSpec spec{id, dimension, max_age};
  spec.inputs = program->inputs();
  // In the order the definition names them ("sofr - iorb": SOFR first), as people read it.
  auto first_mention = [&](int input) {
    const std::string& name = catalog.spec(input).id;
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (auto at = definition.find(name); at != std::string_view::npos;
         at = definition.find(name, at + 1)) {
      const auto end = at + name.size();
      if ((at == 0 || !is_word(definition[at - 1])) &&
          (end == definition.size() || !is_word(definition[end])))
        return at;
    }
    return std::string_view::npos;
  };
  std::stable_sort(spec.inputs.begin(), spec.inputs.end(),
                   [&](int a, int b) { return first_mention(a) < first_mention(b); });
  // Money or a rate computed from a usd_mn flow is still written with its unit in rules.
  if (dimension == Dimension::kMoney || dimension == Dimension::kRate) {
    for (int input : program->inputs()) {
      const std::string& unit = catalog.spec(input).published_unit;
      if (!unit.empty() && DimensionOf(*ParseUnit(unit)) == dimension) {
        spec.published_unit = unit;
        break;
      }
    }
  }
  auto index = catalog.Add(std::move(spec));
  if (!index.ok()) return index.status();
  return DerivedSeries{std::move(id), *index, dimension, std::move(program).value()};
}

std::vector<Date> DerivedDates(const Program& program, const SeriesHistory& history, Date from,
                               Date to, DerivedDateSource source) {
  std::vector<Date> dates;
  std::vector<int> first;
  if (source == DerivedDateSource::kFirstInput && program.first_input() >= 0) {
    first.push_back(program.first_input());
  }
  for (int series : source == DerivedDateSource::kFirstInput ? first : program.inputs()) {
    auto points = history.Points(series);
    auto it = std::lower_bound(points.begin(), points.end(), from,
                               [](const Point& p, Date d) { return p.date < d; });
    for (; it != points.end() && it->date <= to; ++it) dates.push_back(it->date);
  }
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

std::vector<Point> ComputeDerivedHistory(const Program& program, const SeriesHistory& history,
                                         std::span<const Date> dates, TimePoint now,
                                         std::vector<DerivedGap>* gaps) {
  std::vector<Point> out;
  out.reserve(dates.size());
  for (Date d : dates) {
    Outcome r = program.Evaluate(history, d, now);
    if (r.has_value()) {
      out.push_back(Point{d, r.number()});
      continue;
    }
    out.push_back(GapPoint(d));
    if (gaps != nullptr) gaps->push_back(DerivedGap{d, r.no_data().ToString(history)});
  }
  return out;
}

}  // namespace liqwatch::expr
