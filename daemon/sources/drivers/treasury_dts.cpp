// type treasury_dts: the Daily Treasury Statement's operating cash balance (the TGA) from
// Treasury's Fiscal Data API, paged.
#include "sources/drivers/calendar.h"
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

  std::optional<std::string> CheckSeries(const SourceConfig& source,
                                         const SeriesConfig& s) const override {
    return CheckOnlyRemoteId(*this, source, s, "tga", "Treasury DTS");
  }

  std::optional<ReleaseSchedule> release_calendar(std::string_view remote_id) const override {
    using namespace calendar;
    static constexpr CalendarEntry kCalendar[] = {
        {"tga", Cadence::kBusinessDays, kWed, 1, 0, 16, 0, k1h,
         "Treasury Daily Treasury Statement: ~16:00 ET on D+1 business day [K]"},
    };
    return FindCalendar(kCalendar, remote_id);
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
