// type json: any JSON document (base_url + path): rows under a JSON Pointer, the date and one
// value per series (remote_id is the value's pointer within a row).
#include <array>

#include <fmt/format.h>

#include "sources/drivers/drivers.h"
#include "sources/formats/json_pointer.h"

namespace liqwatch::sources::drivers {
namespace {

// The parser's options as the keys set them (the parser's defaults where absent).
struct JsonOptions final : DriverOptions {
  JsonPointerOptions parse;
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
    JsonPointerOptions& p = o->parse;
    p.date_format = r.String("date_format").value_or(p.date_format);
    for (const char* key : {"rows_pointer", "date_pointer"}) {
      auto v = r.String(key);
      if (!v) continue;
      if (!v->empty() && (*v)[0] != '/')
        r.Error(key, fmt::format("{}: a JSON Pointer must be empty or start with '/', got '{}'",
                                 r.path(), *v));
      (std::string_view(key) == "rows_pointer" ? p.rows_pointer : p.date_pointer) = *v;
    }
    return o;
  }

  Result<ParsedPoints> Parse(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) const override {
    JsonPointerOptions o = source.As<JsonOptions>().parse;
    o.name = source.name;
    o.today = today;
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
