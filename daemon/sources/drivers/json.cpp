// type json: any JSON document (base_url + path): rows under a JSON Pointer, the date and one
// value per series (remote_id is the value's pointer within a row).
#include <array>

#include <fmt/format.h>

#include "sources/drivers/drivers.h"
#include "sources/formats/json_pointer.h"
#include "sources/formats/url.h"

namespace liqwatch::sources::drivers {
namespace {

struct JsonOptions final : DriverOptions {
  std::optional<std::string> rows_pointer, date_pointer, date_format;
};

class JsonDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "json"; }
  double default_requests_per_second() const override { return 1.0; }
  std::span<const std::string_view> keys() const override { return kKeys; }

  std::shared_ptr<const DriverOptions> ReadOptions(OptionReader& r,
                                                   SourceConfig& s) const override {
    auto o = std::make_shared<JsonOptions>();
    ReadPath(r, s);
    o->date_format = r.String("date_format");
    for (const char* key : {"rows_pointer", "date_pointer"}) {
      auto p = r.String(key);
      if (p && !p->empty() && (*p)[0] != '/')
        r.Error(key, fmt::format("{}: a JSON Pointer must be empty or start with '/', got '{}'",
                                 r.path(), *p));
      (std::string_view(key) == "rows_pointer" ? o->rows_pointer : o->date_pointer) = p;
    }
    return o;
  }

  std::string BuildUrl(const SourceConfig& source, const SeriesConfig&,
                       const RequestRange&) const override {
    return JoinUrl(source.base_url, source.path.empty() ? "/" : source.path);
  }

  Result<ParsedPoints> Parse(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) const override {
    const auto& opt = source.As<JsonOptions>();
    JsonPointerOptions o;
    o.name = source.name;
    o.today = today;
    if (opt.rows_pointer) o.rows_pointer = *opt.rows_pointer;
    if (opt.date_pointer) o.date_pointer = *opt.date_pointer;
    if (opt.date_format) o.date_format = *opt.date_format;
    o.values = {{"", series.remote_id}};
    auto points = ParseJsonPointer(response.body, o);
    if (!points.ok()) return points.status();
    return ParsedPoints{std::move(*points), std::nullopt};
  }

 private:
  static constexpr std::array<std::string_view, 4> kKeys = {"path", "date_format", "rows_pointer",
                                                            "date_pointer"};
};

}  // namespace

const SourceDriver& Json() {
  static const JsonDriver kDriver;
  return kDriver;
}

}  // namespace liqwatch::sources::drivers
