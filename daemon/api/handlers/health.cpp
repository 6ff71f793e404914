// /healthz (the process answers) and /readyz (started, not draining, database readable).
#include "api/handlers.h"

namespace liqwatch::api {

boost::asio::awaitable<Reply> Healthz(Services&, const Call&) {
  co_return Reply{200, "{\"status\":\"ok\"}\n"};
}

boost::asio::awaitable<Reply> Readyz(Services& svc, const Call&) {
  if (!svc.ready) co_return Error(503, "not ready");
  auto job = [](store::Store& s) { return s.Ping().ok(); };
  bool ok = co_await svc.reader.Run(job);
  co_return ok ? Reply{200, "{\"status\":\"ready\"}\n"} : Error(503, "database not readable");
}

}  // namespace liqwatch::api
