// type treasury_dts: the Daily Treasury Statement's operating cash balance (the TGA) from
// Treasury's Fiscal Data API, paged.
#include <fmt/format.h>

#include "sources/drivers/drivers.h"
#include "sources/formats/treasury.h"

namespace liqwatch::sources::drivers {
namespace {

constexpr int kPageSize = 1000;  // rows per Fiscal Data page

class TreasuryDtsDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "treasury_dts"; }
  std::string_view default_base_url() const override {
    return "https://api.fiscaldata.treasury.gov";
  }
  double default_requests_per_second() const override { return 2.0; }
  std::span<const std::string_view> keys() const override { return {}; }
  std::shared_ptr<const DriverOptions> ReadOptions(OptionReader&, SourceConfig&) const override {
    return std::make_shared<DriverOptions>();
  }

  std::optional<std::string> CheckSeries(const SourceConfig& source,
                                         const SeriesConfig& s) const override {
    if (auto problem = SourceDriver::CheckSeries(source, s)) return problem;
    if (s.remote_id != "tga")
      return fmt::format("remote_id '{}' is not a Treasury DTS feed, expected tga", s.remote_id);
    return std::nullopt;
  }

  std::string BuildUrl(const SourceConfig& source, const SeriesConfig&,
                       const RequestRange& range) const override {
    return TreasuryDtsUrl(source.base_url, range.from, kPageSize, range.page);
  }

  Result<ParsedPoints> Parse(const SourceConfig&, const SeriesConfig&,
                             const http::HttpResponse& response, Date today) const override {
    DtsOptions o;
    o.today = today;
    auto dts = ParseDtsOperatingCashBalance(response.body, o);
    if (!dts.ok()) return dts.status();
    return ParsedPoints{std::move(dts->points), dts->next_page_number};
  }
};

}  // namespace

const SourceDriver& TreasuryDts() {
  static const TreasuryDtsDriver kDriver;
  return kDriver;
}

}  // namespace liqwatch::sources::drivers
