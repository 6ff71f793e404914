// type fear_greed: alternative.me's Crypto Fear & Greed index.
#include <algorithm>

#include "sources/drivers/drivers.h"
#include "sources/formats/fear_greed.h"

namespace liqwatch::sources::drivers {
namespace {

class FearGreedDriver final : public SourceDriver {
 public:
  std::string_view type() const override { return "fear_greed"; }
  std::string_view default_base_url() const override { return "https://api.alternative.me"; }
  double default_requests_per_second() const override { return 1.0; }

  std::optional<std::string> CheckSeries(const SourceConfig& source,
                                         const SeriesConfig& s) const override {
    return CheckOnlyRemoteId(*this, source, s, "fng", "Fear & Greed");
  }

  // limit=0 asks for the whole history (first poll); later polls ask for the overlap only.
  std::string BuildUrl(const SourceConfig& source, const SeriesConfig&,
                       const RequestRange& range) const override {
    int limit = range.start ? std::max<int>(2, (range.today - *range.start).count() + 1) : 0;
    return FearGreedUrl(source.base_url, limit);
  }

  Result<ParsedPoints> Parse(const SourceConfig&, const SeriesConfig&,
                             const http::HttpResponse& response, Date today) const override {
    FearGreedOptions o;
    o.today = today;
    auto points = ParseFearGreed(response.body, o);
    if (!points.ok()) return points.status();
    return ParsedPoints{std::move(*points), std::nullopt};
  }
};

}  // namespace

const SourceDriver& FearGreed() {
  static const FearGreedDriver kDriver;
  return kDriver;
}

}  // namespace liqwatch::sources::drivers
