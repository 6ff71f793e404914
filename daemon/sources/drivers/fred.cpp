// type fred: FRED's JSON API (with api_key) or the keyless fredgraph.csv download.
#include <array>

#include "sources/drivers/calendar.h"
#include "sources/drivers/drivers.h"
#include "sources/formats/date_format.h"
#include "sources/formats/fred.h"

namespace liqwatch::sources::drivers {
namespace {

// When FRED has each series (docs/sources.md, "Release calendar"). FRED publishes no time per
// series: most are inferred [I] from when its copies land, hence the wider grace.
using namespace calendar;
// clang-format off
constexpr CalendarEntry kCalendar[] = {
  // FRED copies: the morning after the source [I].
  {"SOFR", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed SOFR: D+1 business day morning [I]"},
  {"EFFR", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed EFFR (~09:00 ET D+1): D+1 business day morning [I]"},
  {"RRPONTSYD", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed ON RRP results: D+1 business day [I]"},
  {"RPONTSYD", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed repo results: D+1 business day [I]"},
  {"RPONTTLD", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed repo results: D+1 business day [I]"},
  // Policy rates are daily-7-day series on FRED; a weekend's values arrive the next business day.
  {"IORB", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Fed Board policy rate on FRED, daily incl. weekends, D+1 business day [I]"},
  {"DFEDTARU", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Fed Board target range on FRED, daily incl. weekends, D+1 business day [I]"},
  {"DFEDTARL", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Fed Board target range on FRED, daily incl. weekends, D+1 business day [I]"},
  {"CBBTCUSD", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Coinbase bitcoin on FRED, daily incl. weekends, D+1 business day [I]"},
  // H.4.1: Thursday 16:30 ET for Wednesday, Friday after a Thursday holiday [K]; FRED hours later.
  {"WTREGEN", Cadence::kWeekly, kWed, 1, 0, 16, 30, k3h, "Fed Board H.4.1: Thursday ~16:30 ET for Wednesday [K]; FRED copies within hours [I]"},
  {"WRESBAL", Cadence::kWeekly, kWed, 1, 0, 16, 30, k3h, "Fed Board H.4.1: Thursday ~16:30 ET for Wednesday [K]; FRED copies within hours [I]"},
  {"WALCL", Cadence::kWeekly, kWed, 1, 0, 16, 30, k3h, "Fed Board H.4.1: Thursday ~16:30 ET for Wednesday [K]; FRED copies within hours [I]"},
  {"BAMLH0A0HYM2", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "ICE BofA OAS via FRED: morning of D+1 business day [I]"},
  {"BAMLC0A0CM", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "ICE BofA OAS via FRED: morning of D+1 business day [I]"},
  {"BAMLH0A3HYC", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "ICE BofA OAS via FRED: morning of D+1 business day [I]"},
  {"VIXCLS", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Cboe VIX close via FRED: D+1 business day [I]"},
  {"SP500", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "S&P 500 close via FRED: D+1 business day [I]"},
  {"NASDAQCOM", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Nasdaq close via FRED: D+1 business day [I]"},
  {"DGS2", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Fed Board H.15 Treasury yields via FRED: D+1 business day [I]"},
  {"DGS10", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Fed Board H.15 Treasury yields via FRED: D+1 business day [I]"},
  // Weekly indices and the weekly-published dollar index, by calendar-day lag.
  // Published Monday for the prior week: a day's value is due at most 7 days later.
  {"DTWEXBGS", Cadence::kBusinessDays, kWed, 0, 7, 10, 0, k1d, "Fed Board H.10 broad dollar via FRED: weekly, Monday for the prior week [I]"},
  {"NFCI", Cadence::kWeekly, kFri, 0, 5, 8, 30, k4h, "Chicago Fed NFCI: Wednesday ~08:30 ET for the week ending Friday [K]"},
  {"STLFSI4", Cadence::kWeekly, kFri, 0, 6, 10, 0, k1d, "St. Louis Fed STLFSI4: Thursday for the week ending Friday [I]"},
};
// clang-format on

struct FredOptions final : DriverOptions {
  std::string graph_url;               // keyless fredgraph.csv host
  std::optional<std::string> api_key;  // a secret; set: the JSON API
};

class FredDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "fred"; }
  std::string_view default_base_url() const override { return "https://api.stlouisfed.org"; }
  double default_requests_per_second() const override { return 2.0; }
  // FRED's copies land hours after the source's print (kCalendar: grace 3-24h).
  Duration fast_poll_interval() const override { return std::chrono::minutes(5); }
  std::optional<ReleaseSchedule> release_calendar(std::string_view remote_id) const override {
    return FindCalendar(kCalendar, remote_id);
  }
  std::span<const std::string_view> keys() const override { return kKeys; }

  std::shared_ptr<const DriverOptions> ReadOptions(OptionReader& r, SourceConfig&) const override {
    auto o = std::make_shared<FredOptions>();
    o->graph_url = r.Url("graph_url").value_or("https://fred.stlouisfed.org");
    o->api_key = r.Secret("api_key");
    return o;
  }

  std::string BuildUrl(const SourceConfig& source, const SeriesConfig& series,
                       const RequestRange& range) const override {
    const auto& o = source.As<FredOptions>();
    return o.api_key ? FredJsonUrl(source.base_url, series.remote_id, *o.api_key, range.start)
                     : FredGraphCsvUrl(o.graph_url, series.remote_id, range.start);
  }

  Result<ParsedPoints> Parse(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) const override {
    auto points = Points(source, series, response);
    if (!points.ok()) return points.status();
    // The FRED parsers have no clock: apply the shared future-date policy here.
    if (auto st = CheckNoFutureDates(*points, today, "FRED " + series.remote_id); !st.ok())
      return st;
    return ParsedPoints{std::move(*points), std::nullopt};
  }

  // The JSON API's error bodies carry the reason ("Bad Request.  The series does not exist.").
  std::optional<std::string> ErrorReason(const SourceConfig& source, const SeriesConfig& series,
                                         const http::HttpResponse& response) const override {
    if (!source.As<FredOptions>().api_key) return std::nullopt;
    auto points = Points(source, series, response);
    return points.ok() ? "" : ": " + points.status().message();
  }

 private:
  static constexpr std::array<std::string_view, 2> kKeys = {"graph_url", "api_key"};

  static Result<std::vector<RawPoint>> Points(const SourceConfig& source,
                                              const SeriesConfig& series,
                                              const http::HttpResponse& response) {
    return source.As<FredOptions>().api_key ? ParseFredJson(response.body)
                                            : ParseFredGraphCsv(response.body, series.remote_id);
  }
};

}  // namespace

const SourceDriver& Fred() {
  static const FredDriver kDriver;
  return kDriver;
}

}  // namespace liqwatch::sources::drivers
