// type nyfed: the NY Fed Markets API, reference rates (sofr, tgcr, bgcr, effr, obfr) and the
// repo / reverse repo operations (the Standing Repo Facility, ON RRP).
#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "sources/drivers/calendar.h"
#include "sources/drivers/drivers.h"
#include "sources/formats/nyfed.h"

namespace liqwatch::sources::drivers {
namespace {

bool OneOf(const std::string& v, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

bool IsRate(const std::string& remote_id) {
  return OneOf(remote_id, {"sofr", "tgcr", "bgcr", "effr", "obfr"});
}

// When each feed is published (docs/sources.md, "Release calendar").
using namespace calendar;
// clang-format off
constexpr CalendarEntry kCalendar[] = {
  {"sofr", Cadence::kBusinessDays, kWed, 1, 0, 8, 0, k45m,
   "NY Fed reference rates: ~08:00 ET on D+1 business day [K]"},
  {"tgcr", Cadence::kBusinessDays, kWed, 1, 0, 8, 0, k45m, "NY Fed reference rates: ~08:00 ET on D+1 business day [K]"},
  {"bgcr", Cadence::kBusinessDays, kWed, 1, 0, 8, 0, k45m, "NY Fed reference rates: ~08:00 ET on D+1 business day [K]"},
  {"effr", Cadence::kBusinessDays, kWed, 1, 0, 9, 0, k45m, "NY Fed EFFR/OBFR: ~09:00 ET on D+1 business day [K]"},
  {"obfr", Cadence::kBusinessDays, kWed, 1, 0, 9, 0, k45m, "NY Fed EFFR/OBFR: ~09:00 ET on D+1 business day [K]"},
  {"reverserepo", Cadence::kBusinessDays, kWed, 0, 0, 13, 30, k30m,
   "NY Fed ON RRP: operation 12:45-13:15 ET, results ~13:15-13:30 on D [K]"},
  {"repo", Cadence::kBusinessDays, kWed, 0, 0, 14, 0, k30m,
   "NY Fed SRF: afternoon operation closes 13:45 ET, results minutes later on D [K]"},
};
// clang-format on

std::string_view OperationType(const std::string& remote_id) {
  return remote_id == "repo" ? "Repo" : "Reverse Repo";
}

class NyFedDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "nyfed"; }
  std::string_view default_base_url() const override { return "https://markets.newyorkfed.org"; }
  double default_requests_per_second() const override { return 2.0; }
  Duration fast_poll_interval() const override { return std::chrono::seconds(30); }
  std::optional<ReleaseSchedule> release_calendar(std::string_view remote_id) const override {
    return FindCalendar(kCalendar, remote_id);
  }

  std::optional<std::string> CheckSeries(const SourceConfig&,
                                         const SeriesConfig& s) const override {
    if (IsRate(s.remote_id)) {
      if (!s.field.empty() &&
          !OneOf(s.field,
                 {"percentRate", "percentPercentile1", "percentPercentile25", "percentPercentile75",
                  "percentPercentile99", "volumeInBillions", "targetRateFrom", "targetRateTo"}))
        return fmt::format(
            "field '{}' is not a NY Fed rate field, expected percentRate, "
            "percentPercentile1, percentPercentile25, percentPercentile75, "
            "percentPercentile99, volumeInBillions, targetRateFrom or "
            "targetRateTo",
            s.field);
      return std::nullopt;
    }
    if (OneOf(s.remote_id, {"repo", "reverserepo"})) {
      if (!s.field.empty() && s.field != "total")
        return fmt::format("field '{}' is not valid for NY Fed operations, expected total",
                           s.field);
      return std::nullopt;
    }
    return fmt::format(
        "remote_id '{}' is not a NY Fed feed, expected sofr, tgcr, bgcr, effr, "
        "obfr (reference rates), repo (Standing Repo Facility) or reverserepo "
        "(ON RRP)",
        s.remote_id);
  }

  std::string BuildUrl(const SourceConfig& source, const SeriesConfig& series,
                       const RequestRange& range) const override {
    if (IsRate(series.remote_id))
      return NyFedRateSearchUrl(source.base_url, series.remote_id, range.from, range.today);
    return NyFedOperationsSearchUrl(source.base_url, range.from, range.today,
                                    OperationType(series.remote_id));
  }

  Result<ParsedPoints> Parse(const SourceConfig&, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) const override {
    Result<std::vector<RawPoint>> points = IsRate(series.remote_id)
                                               ? RatePoints(series, response.body, today)
                                               : OperationPoints(series, response.body, today);
    if (!points.ok()) return points.status();
    return ParsedPoints{std::move(*points), std::nullopt};
  }

  // The day's sum is the series; each operation's value goes to "<id>:op:<operationId>" (and
  // small value exercises to "<id>:sve:<operationId>").
  std::string SeriesIdFor(const SeriesConfig& series, const RawPoint& p) const override {
    if (IsRate(series.remote_id) || p.column == "total") return series.id;
    return series.id + ":" + p.column;
  }

 private:
  static Result<std::vector<RawPoint>> RatePoints(const SeriesConfig& series, std::string_view body,
                                                  Date today) {
    NyFedRatesOptions o;
    o.today = today;
    auto points = ParseNyFedRefRates(body, o);
    if (!points.ok()) return points;
    const std::string field = series.field.empty() ? "percentRate" : series.field;
    std::vector<RawPoint> kept;
    for (auto& p : *points)
      if (p.column == field) kept.push_back(std::move(p));
    if (kept.empty() && !points->empty())
      return Status::LayoutChanged(fmt::format("NY Fed {}: no '{}' field in {} record values",
                                               series.remote_id, field, points->size()));
    return kept;
  }

  static Result<std::vector<RawPoint>> OperationPoints(const SeriesConfig& series,
                                                       std::string_view body, Date today) {
    NyFedOperationsOptions o;
    o.today = today;
    o.operation_type = std::string(OperationType(series.remote_id));
    return ParseNyFedOperationPoints(body, o);
  }
};

}  // namespace

const SourceDriver& NyFed() {
  static const NyFedDriver kDriver;
  return kDriver;
}

}  // namespace liqwatch::sources::drivers
