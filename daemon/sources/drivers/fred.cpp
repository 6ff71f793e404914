// type fred: FRED's JSON API (with api_key) or the keyless fredgraph.csv download.
#include <array>

#include "sources/drivers/drivers.h"
#include "sources/formats/date_format.h"
#include "sources/formats/fred.h"

namespace liqwatch::sources::drivers {
namespace {

struct FredOptions final : DriverOptions {
  std::string graph_url;               // keyless fredgraph.csv host
  std::optional<std::string> api_key;  // a secret; set: the JSON API
};

class FredDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "fred"; }
  std::string_view default_base_url() const override { return "https://api.stlouisfed.org"; }
  double default_requests_per_second() const override { return 2.0; }
  // FRED's copies land hours after the source's print (release_config.cpp: grace 3-24h).
  Duration fast_poll_interval() const override { return std::chrono::minutes(5); }
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
