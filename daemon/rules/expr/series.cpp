#include "rules/expr/series.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace liqwatch::expr {
namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// Names the parser gives a meaning to; a series with one of these ids could not be referenced.
constexpr std::string_view kReserved[] = {
    "and", "or",     "not",    "change",  "pct_change", "min",           "max",           "avg",
    "sum", "stddev", "zscore", "pctrank", "streak",     "crosses_above", "crosses_below", "age"};

}  // namespace

Result<int> SeriesCatalog::Add(SeriesSpec spec) {
  if (!IsIdentifier(spec.id)) {
    return Status::InvalidArgument(fmt::format(
        "invalid series id '{}': use letters, digits and '_', starting with a letter", spec.id));
  }
  for (std::string_view r : kReserved) {
    if (r == spec.id) {
      return Status::InvalidArgument(
          fmt::format("invalid series id '{}': it is a reserved word of the rule language", r));
    }
  }
  if (spec.max_age.count() < 0) {
    return Status::InvalidArgument(fmt::format("series '{}': max age is negative", spec.id));
  }
  if (index_.count(spec.id) != 0) {
    return Status::InvalidArgument(fmt::format("series '{}' is defined twice", spec.id));
  }
  int index = int(specs_.size());
  index_.emplace(spec.id, index);
  specs_.push_back(std::move(spec));
  return index;
}

std::optional<int> SeriesCatalog::Find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

int AsOf(std::span<const Point> points, Date d) {
  if (points.empty()) return -1;
  if (points.back().date <= d) return int(points.size()) - 1;  // live evaluation: the newest
  auto it = std::upper_bound(points.begin(), points.end(), d,
                             [](Date day, const Point& p) { return day < p.date; });
  return int(it - points.begin()) - 1;
}

int LatestValue(std::span<const Point> points, Date d) {
  int i = AsOf(points, d);
  while (i >= 0 && IsGap(points[size_t(i)])) --i;
  return i;
}

std::span<const Point> InMemoryHistory::Points(int series) const {
  if (series < 0 || size_t(series) >= points_.size()) return {};
  return points_[size_t(series)];
}

std::string InMemoryHistory::GapReason(int series, Date date) const {
  if (series < 0 || size_t(series) >= gaps_.size()) return {};
  const auto& gaps = gaps_[size_t(series)];
  auto it = std::lower_bound(gaps.begin(), gaps.end(), date,
                             [](const DerivedGap& g, Date d) { return g.date < d; });
  return it != gaps.end() && it->date == date ? it->reason : std::string();
}

Status InMemoryHistory::Set(int series, std::vector<Point> points, std::vector<DerivedGap> gaps) {
  if (series < 0 || size_t(series) >= points_.size()) {
    return Status::InvalidArgument(fmt::format("series index {} out of range", series));
  }
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::isinf(points[i].value)) {
      return Status::InvalidArgument(
          fmt::format("value on {} is not finite", FormatDate(points[i].date)));
    }
    if (i > 0 && points[i].date <= points[i - 1].date) {
      return Status::InvalidArgument(
          fmt::format("dates not strictly increasing at {}", FormatDate(points[i].date)));
    }
  }
  for (size_t i = 1; i < gaps.size(); ++i) {
    if (gaps[i].date <= gaps[i - 1].date) {
      return Status::InvalidArgument(
          fmt::format("gap dates not strictly increasing at {}", FormatDate(gaps[i].date)));
    }
  }
  points_[size_t(series)] = std::move(points);
  gaps_[size_t(series)] = std::move(gaps);
  return Status::Ok();
}

Status InMemoryHistory::Append(int series, Point p) {
  if (series < 0 || size_t(series) >= points_.size()) {
    return Status::InvalidArgument(fmt::format("series index {} out of range", series));
  }
  if (std::isinf(p.value)) {
    return Status::InvalidArgument(fmt::format("value on {} is not finite", FormatDate(p.date)));
  }
  auto& v = points_[size_t(series)];
  if (!v.empty() && p.date < v.back().date) {
    return Status::InvalidArgument(fmt::format("observation on {} is older than the latest, {}",
                                               FormatDate(p.date), FormatDate(v.back().date)));
  }
  if (!v.empty() && p.date == v.back().date) {
    v.back().value = p.value;
  } else {
    v.push_back(p);
  }
  return Status::Ok();
}

}  // namespace liqwatch::expr
