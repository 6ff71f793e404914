// type csv: any CSV download (base_url + path), one value column per series (remote_id names
// the column).
#include <array>

#include <fmt/format.h>

#include "sources/drivers/drivers.h"
#include "sources/formats/csv_table.h"

namespace liqwatch::sources::drivers {
namespace {

// The parser's options as the keys set them (the parser's defaults where absent).
struct CsvOptions final : DriverOptions {
  CsvTableOptions table;
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
    CsvTableOptions& t = o->table;
    t.date_column = r.String("date_column").value_or(t.date_column);
    t.date_format = r.String("date_format").value_or(t.date_format);
    if (auto d = r.String("delimiter")) {
      if (d->size() != 1)
        r.Error("delimiter", fmt::format("{}.delimiter: expected one character", r.path()));
      else
        t.delimiter = (*d)[0];
    }
    if (auto skip = ReadIndex(r, "skip_lines")) t.skip_lines = static_cast<size_t>(*skip);
    return o;
  }

  Result<ParsedPoints> Parse(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) const override {
    CsvTableOptions o = source.As<CsvOptions>().table;
    o.name = source.name;
    o.today = today;
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
