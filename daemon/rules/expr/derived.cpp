#include "rules/expr/derived.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

namespace liqwatch::expr {

namespace {

// The dimension a derived series of `kind` is stored in; nullopt for a non-number.
std::optional<Dimension> DimensionOfKind(Kind kind) {
  switch (kind) {
    case Kind::kRate:
      return Dimension::kRate;
    case Kind::kMoney:
      return Dimension::kMoney;
    case Kind::kCount:
      return Dimension::kCount;
    case Kind::kIndex:
    case Kind::kRatio:
    case Kind::kNumber:
      return Dimension::kIndex;
    case Kind::kDuration:
    case Kind::kBool:
      return std::nullopt;
  }
  return std::nullopt;
}

// Where `name` first stands as a whole word in `definition` (npos if nowhere).
size_t FirstMention(std::string_view definition, const std::string& name) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (auto at = definition.find(name); at != std::string_view::npos;
       at = definition.find(name, at + 1)) {
    const auto end = at + name.size();
    if ((at == 0 || !is_word(definition[at - 1])) &&
        (end == definition.size() || !is_word(definition[end])))
      return at;
  }
  return std::string_view::npos;
}

// Money or a rate computed from a usd_mn flow is still written with its unit in rules.
std::string PublishedUnit(const SeriesCatalog& catalog, const Program& program,
                          Dimension dimension) {
  if (dimension != Dimension::kMoney && dimension != Dimension::kRate) return {};
  for (int input : program.inputs()) {
    const std::string& unit = catalog.spec(input).published_unit;
    if (!unit.empty() && DimensionOf(*ParseUnit(unit)) == dimension) return unit;
  }
  return {};
}

}  // namespace

Result<DerivedSeries> DefineDerived(SeriesCatalog& catalog, std::string id,
                                    std::string_view definition, std::chrono::days max_age,
                                    CompileError* error) {
  if (catalog.Find(id)) {
    return Status::InvalidArgument(fmt::format("series '{}' is defined twice", id));
  }
  auto program = Compile(definition, catalog, error);
  if (!program.ok()) return program.status().WithContext(fmt::format("derived series '{}'", id));
  const Kind kind = program->result_kind();
  const std::optional<Dimension> dimension = DimensionOfKind(kind);
  if (!dimension) {
    std::string message = fmt::format("a derived series must be a number, got {}", KindName(kind));
    if (error != nullptr) *error = CompileError{1, message};
    return Status::ParseError(fmt::format("derived series '{}': {} at column 1", id, message));
  }
  SeriesSpec spec{id, *dimension, max_age};
  spec.inputs = program->inputs();
  // In the order the definition names them ("sofr - iorb": SOFR first), as people read it.
  std::stable_sort(spec.inputs.begin(), spec.inputs.end(), [&](int a, int b) {
    return FirstMention(definition, catalog.spec(a).id) <
           FirstMention(definition, catalog.spec(b).id);
  });
  spec.published_unit = PublishedUnit(catalog, *program, *dimension);
  auto index = catalog.Add(std::move(spec));
  if (!index.ok()) return index.status();
  return DerivedSeries{std::move(id), *index, *dimension, std::move(program).value()};
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
