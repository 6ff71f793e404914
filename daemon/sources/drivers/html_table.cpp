// type html_table: a table of an HTML page (base_url + path, read with XPath), or a preset:
// Farside's ETF flow tables, ICI's ETF net issuance, iShares product pages (data points).
#include <array>

#include <fmt/format.h>

#include "sources/drivers/drivers.h"
#include "sources/formats/html_table.h"

namespace liqwatch::sources::drivers {
namespace {

// A preset is a page and how it is read. A data-points preset reads single figures off a
// product page (remote_id names one of kISharesPoints) instead of a table.
struct Preset {
  std::string_view name;
  std::string_view base_url;
  std::string_view path;
  bool data_points = false;
};
constexpr std::string_view kISharesPoints = "shares_outstanding, nav or total_net_assets";
constexpr Preset kPresets[] = {
    {"farside_btc", "https://farside.co.uk", "/btc/"},
    {"farside_eth", "https://farside.co.uk", "/eth/"},
    {"ici_etf_flows", "https://www.ici.org", "/research/stats/etf_flows"},
    {"ishares_ibit", "https://www.ishares.com", "/us/products/333011/ishares-bitcoin-trust-etf",
     true},
    {"ishares_etha", "https://www.ishares.com", "/us/products/337614/ishares-ethereum-trust-etf",
     true},
};
constexpr const char* kTableKeys[] = {"table_xpath", "header_rows_xpath", "header_row",
                                      "rows_xpath",  "dates_in_header",   "date_column",
                                      "date_format"};

const Preset* FindPreset(std::string_view name) {
  for (const auto& p : kPresets)
    if (p.name == name) return &p;
  return nullptr;
}

struct HtmlOptions final : DriverOptions {
  const Preset* preset = nullptr;
  std::optional<std::string> table_xpath, header_rows_xpath, rows_xpath, date_format;
  std::optional<int> header_row;
  std::optional<bool> dates_in_header;  // dates across the header row
  std::optional<size_t> date_column;    // 0-based index
};

class HtmlTableDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "html_table"; }
  double default_requests_per_second() const override { return 0.2; }
  Duration fast_poll_interval() const override { return std::chrono::minutes(5); }
  std::span<const std::string_view> keys() const override { return kKeys; }

  std::shared_ptr<const DriverOptions> ReadOptions(OptionReader& r,
                                                   SourceConfig& s) const override {
    auto o = std::make_shared<HtmlOptions>();
    ReadPreset(r, s, *o);
    ReadPath(r, s);
    o->table_xpath = r.String("table_xpath");
    o->header_rows_xpath = r.String("header_rows_xpath");
    o->rows_xpath = r.String("rows_xpath");
    o->header_row = ReadIndex(r, "header_row");
    o->dates_in_header = r.Bool("dates_in_header");
    if (auto c = r.String("date_column")) {
      if (c->empty() || c->size() > 4 || c->find_first_not_of("0123456789") != std::string::npos)
        r.Error("date_column", fmt::format("{}.date_column: expected a 0-based column index "
                                           "(0 to 9999) for html_table, got '{}'",
                                           r.path(), *c));
      else
        o->date_column = std::stoul(*c);
    }
    o->date_format = r.String("date_format");
    return o;
  }

  std::optional<std::string> CheckSeries(const SourceConfig& source,
                                         const SeriesConfig& s) const override {
    if (auto problem = SourceDriver::CheckSeries(source, s)) return problem;
    const Preset* preset = source.As<HtmlOptions>().preset;
    if (preset && preset->data_points && s.remote_id != "shares_outstanding" &&
        s.remote_id != "nav" && s.remote_id != "total_net_assets")
      return fmt::format("remote_id '{}' is not a data point of preset {}, expected {}",
                         s.remote_id, preset->name, kISharesPoints);
    return std::nullopt;
  }

  Result<ParsedPoints> Parse(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) const override {
    const auto& opt = source.As<HtmlOptions>();
    Result<std::vector<RawPoint>> points = std::vector<RawPoint>{};
    if (opt.preset && opt.preset->data_points) {
      // One data point of a product page (ishares_*): the series' remote_id names it.
      HtmlDataPointsOptions o = ISharesFundOptions(today);
      o.name = source.name;
      std::erase_if(o.points, [&](const HtmlDataPoint& p) { return p.column != series.remote_id; });
      points = ParseHtmlDataPoints(response.body, o);
    } else {
      auto o = TableOptions(source.name, opt, today);
      o.value_columns = {series.remote_id};
      points = ParseHtmlTable(response.body, o);
    }
    if (!points.ok()) return points.status();
    return ParsedPoints{std::move(*points), std::nullopt};
  }

 private:
  static constexpr std::array<std::string_view, 9> kKeys = {
      "path",       "preset",          "table_xpath", "header_rows_xpath", "header_row",
      "rows_xpath", "dates_in_header", "date_column", "date_format"};

  // `preset:` gives the page (base_url default and path) and how it is read; a product page
  // has no table, so the table keys would be silently ignored: they are errors there.
  static void ReadPreset(OptionReader& r, SourceConfig& s, HtmlOptions& o) {
    auto name = r.String("preset");
    if (!name) return;
    o.preset = FindPreset(*name);
    if (o.preset == nullptr) {
      r.Error("preset", fmt::format("{}.preset: unknown preset '{}' for type html_table, expected "
                                    "farside_btc, farside_eth, ici_etf_flows, "
                                    "ishares_ibit or ishares_etha (type html_table)",
                                    r.path(), *name));
      return;
    }
    for (const char* key : kTableKeys) {
      if (o.preset->data_points && r.Has(key))
        r.Error(key, fmt::format("{}.{}: not a key of preset {} (it reads single data points, "
                                 "not a table)",
                                 r.path(), key, o.preset->name));
    }
    s.base_url = std::string(o.preset->base_url);
    s.path = std::string(o.preset->path);
  }

  static HtmlTableOptions TableOptions(const std::string& name, const HtmlOptions& opt,
                                       Date today) {
    const std::string_view preset = opt.preset ? opt.preset->name : "";
    HtmlTableOptions o = preset == "farside_btc" || preset == "farside_eth"
                             ? FarsideEtfOptions(today)
                         : preset == "ici_etf_flows" ? IciEtfNetIssuanceOptions(today)
                                                     : HtmlTableOptions{};
    o.name = name;
    o.today = today;
    if (opt.table_xpath) o.table_xpath = *opt.table_xpath;
    if (opt.header_rows_xpath) o.header_rows_xpath = *opt.header_rows_xpath;
    if (opt.header_row) o.header_row = static_cast<size_t>(*opt.header_row);
    if (opt.rows_xpath) o.rows_xpath = *opt.rows_xpath;
    if (opt.dates_in_header) o.dates_in_header = *opt.dates_in_header;
    if (opt.date_column) o.date_column = *opt.date_column;
    if (opt.date_format) o.date_format = *opt.date_format;
    return o;
  }
};

}  // namespace

const SourceDriver& HtmlTable() {
  static const HtmlTableDriver kDriver;
  return kDriver;
}

}  // namespace liqwatch::sources::drivers
