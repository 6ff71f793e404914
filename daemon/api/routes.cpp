#include "api/handlers.h"

#include <fmt/format.h>

namespace liqwatch::api {

namespace {

using boost::beast::http::verb;

const Route kRoutes[] = {
    {verb::get, "/healthz", Healthz, Access::kOpen},
    {verb::get, "/readyz", Readyz, Access::kOpen},
    {verb::get, "/metrics", Metrics, Access::kRead},
    {verb::get, "/api/v1/alerts", ListAlerts, Access::kRead},
    {verb::get, "/api/v1/alerts/{}", ShowAlert, Access::kRead},
    {verb::post, "/api/v1/alerts/{}/ack", AckAlert, Access::kWrite},
    {verb::get, "/api/v1/series/{}", ShowSeries, Access::kRead},
    {verb::get, "/api/v1/sources", ListSources, Access::kRead},
    {verb::get, "/api/v1/rules", ListRules, Access::kRead},
    {verb::get, "/api/v1/silences", ListSilences, Access::kRead},
    {verb::post, "/api/v1/silences", AddSilence, Access::kWrite},
    {verb::delete_, "/api/v1/silences/{}", ExpireSilence, Access::kWrite},
    {verb::get, "/api/v1/audit", ListAudit, Access::kRead},
};

}  // namespace

std::span<const Route> Routes() { return kRoutes; }

std::optional<int64_t> IdArg(const Call& call, std::string_view what, Reply* error) {
  auto id = ParseId(call.args.at(0));
  if (!id)
    *error = Error(
        400, fmt::format("bad {} id '{}': expected a positive integer", what, call.args.at(0)));
  return id;
}

std::optional<Reply> BadParams(const Call& call, const std::vector<std::string_view>& allowed) {
  if (auto e = CheckParams(call.target, allowed)) return Error(400, *e);
  return std::nullopt;
}

}  // namespace liqwatch::api
