// type csv: any CSV download (base_url + path), one value column per series (remote_id names
// the column).
#include <array>

#include <fmt/format.h>

#include "sources/drivers/drivers.h"
#include "sources/formats/csv_table.h"
#include "sources/formats/url.h"

namespace liqwatch::sources::drivers {
namespace {

struct CsvOptions final : DriverOptions {
  std::optional<std::string> date_column;  // header name
  std::optional<std::string> date_format;
  std::optional<char> delimiter;
  std::optional<int> skip_lines;
};

class CsvDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "csv"; }
  double default_requests_per_second() const override { return 1.0; }
  std::span<const std::string_view> keys() const override { return kKeys; }

  std::shared_ptr<const DriverOptions> ReadOptions(OptionReader& r,
                                                   SourceConfig& s) const override {
    auto o = std::make_shared<CsvOptions>();
    ReadPath(r, s);
    o->date_column = r.String("date_column");
    o->date_format = r.String("date_format");
    if (auto d = r.String("delimiter")) {
      if (d->size() != 1)
        r.Error("delimiter", fmt::format("{}.delimiter: expected one character", r.path()));
      else
        o->delimiter = (*d)[0];
    }
    o->skip_lines = ReadIndex(r, "skip_lines");
    return o;
  }

  std::string BuildUrl(const SourceConfig& source, const SeriesConfig&,
                       const RequestRange&) const override {
    return JoinUrl(source.base_url, source.path.empty() ? "/" : source.path);
  }

  Result<ParsedPoints> Parse(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) const override {
    const auto& opt = source.As<CsvOptions>();
    CsvTableOptions o;
    o.name = source.name;
    o.today = today;
    if (opt.date_column) o.date_column = *opt.date_column;
    if (opt.date_format) o.date_format = *opt.date_format;
    if (opt.delimiter) o.delimiter = *opt.delimiter;
    if (opt.skip_lines) o.skip_lines = static_cast<size_t>(*opt.skip_lines);
    o.value_columns = {series.remote_id};
    auto points = ParseCsvTable(response.body, o);
    if (!points.ok()) return points.status();
    return ParsedPoints{std::move(*points), std::nullopt};
  }

 private:
  static constexpr std::array<std::string_view, 5> kKeys = {"path", "date_column", "date_format",
                                                            "delimiter", "skip_lines"};
};

}  // namespace

const SourceDriver& Csv() {
  static const CsvDriver kDriver;
  return kDriver;
}

}  // namespace liqwatch::sources::drivers
