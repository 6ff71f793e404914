#include "sources/formats/fear_greed.h"

#include <algorithm>

#include <fmt/format.h>

#include "sources/formats/date_format.h"
#include "sources/formats/json_pointer.h"
#include "sources/formats/json_util.h"
#include "sources/formats/url.h"

namespace liqwatch::sources {

Result<std::vector<RawPoint>> ParseFearGreed(std::string_view body,
                                             const FearGreedOptions& options) {
  constexpr std::string_view kName = "Fear&Greed";
  // Surface the API's own error first (its "data" may then be absent).
  auto parsed = ParseJsonBody(body, kName);
  if (!parsed.ok()) return parsed.status();
  if (const auto* root = parsed->if_object()) {
    if (const auto* meta = root->if_contains("metadata"); meta && meta->is_object()) {
      const auto* err = meta->get_object().if_contains("error");
      if (err && !err->is_null()) {
        return Status::Unavailable(
            fmt::format("{}: API error: {}", kName,
                        err->is_string() ? std::string(err->get_string()) : DescribeJson(*err)));
      }
    }
  }
  JsonPointerOptions o;
  o.name = std::string(kName);
  o.rows_pointer = "/data";
  o.date_pointer = "/timestamp";
  o.date_kind = JsonDateKind::kUnixSeconds;
  o.values = {{"value", "/value"}};
  o.today = options.today;
  auto points = ParseJsonPointer(body, o);
  if (!points.ok()) return points.status();
  for (const RawPoint& p : *points) {
    if (p.value && (*p.value < 0 || *p.value > 100)) {
      return Status::ParseError(
          fmt::format("{}: {}: value {} is outside 0..100", kName, FormatDate(p.date), *p.value));
    }
  }
  std::stable_sort(points->begin(), points->end(),
                   [](const RawPoint& a, const RawPoint& b) { return a.date < b.date; });
  if (Status s = CheckNoRepeatedPoints(*points, kName); !s.ok()) return s;
  return points;
}

std::string FearGreedUrl(std::string_view base, int limit) {
  return JoinUrl(base, "/fng/") + QueryString({{"limit", std::to_string(limit)}});
}

}  // namespace liqwatch::sources
