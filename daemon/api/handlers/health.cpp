// /healthz (the process answers) and /readyz (started, not draining, database readable, and
// not every feed failing).
#include <fmt/format.h>

#include "api/handlers.h"

namespace liqwatch::api {

boost::asio::awaitable<Reply> Healthz(Services&, const Call&) {
  co_return Reply{200, "{\"status\":\"ok\"}\n"};
}

boost::asio::awaitable<Reply> Readyz(Services& svc, const Call& call) {
  if (!svc.ready) co_return Error(503, "not ready");
  // A daemon whose every configured feed failed its last poll (no network, a proxy down)
  // watches nothing: not ready, so a load balancer or an operator's check sees it.
  auto job = [config = call.config](store::Store& s) -> Reply {
    if (!s.Ping().ok()) return Error(503, "database not readable");
    auto health = s.SourceHealth();
    if (!health.ok()) return Error(503, "database not readable");
    std::size_t failing = 0;
    for (const auto& h : *health)
      if (h.consecutive_failures > 0 && config->FindSeries(h.series)) ++failing;
    const std::size_t configured = config->series.size();
    if (configured > 0 && failing == configured)
      return Error(503, fmt::format("every feed failing: the last poll of all {} series failed; "
                                    "see /api/v1/sources",
                                    configured));
    return Reply{200, "{\"status\":\"ready\"}\n"};
  };
  co_return co_await svc.reader.Run(job);
}

}  // namespace liqwatch::api
