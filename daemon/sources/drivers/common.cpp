// What every driver shares: the default series check, error reasons and series ids, and the
// readers of keys several drivers declare.
#include <cmath>

#include <fmt/format.h>

#include "sources/driver.h"
#include "sources/drivers/drivers.h"

namespace liqwatch::sources {

std::optional<std::string> SourceDriver::CheckSeries(const SourceConfig& source,
                                                     const SeriesConfig& series) const {
  if (!series.field.empty())
    return fmt::format("field is only for nyfed series (source '{}' has type {})", source.name,
                       source.type);
  return std::nullopt;
}

std::optional<std::string> SourceDriver::ErrorReason(const SourceConfig&, const SeriesConfig&,
                                                     const http::HttpResponse&) const {
  return std::nullopt;
}

std::string SourceDriver::SeriesIdFor(const SeriesConfig& series, const RawPoint&) const {
  return series.id;
}

namespace drivers {

void ReadPath(OptionReader& r, SourceConfig& s) {
  auto v = r.String("path");
  if (!v) return;
  if (v->empty() || (*v)[0] != '/')
    r.Error("path",
            fmt::format("{}.path: expected a path starting with '/', got '{}'", r.path(), *v));
  else
    s.path = *v;
}

std::optional<int> ReadIndex(OptionReader& r, const char* key) {
  constexpr double kMaxIndex = 9999;
  auto v = r.Number(key);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > kMaxIndex || *v != std::floor(*v)) {
    r.Error(key, fmt::format("{}.{}: expected an integer from 0 to 9999", r.path(), key));
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

}  // namespace drivers
}  // namespace liqwatch::sources
