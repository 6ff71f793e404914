// /api/v1/audit: the newest changes made through the API and the CLI, newest first.
#include <fmt/format.h>

#include "api/handlers.h"

namespace liqwatch::api {

namespace {

constexpr int kMaxAudit = 1000;

boost::json::object AuditJson(const store::AuditEntry& e) {
  boost::system::error_code ec;
  auto detail = boost::json::parse(e.detail, ec);
  return {{"id", e.id},         {"at", e.at},
          {"actor", e.actor},   {"action", e.action},
          {"target", e.target}, {"detail", ec ? boost::json::value(e.detail) : detail}};
}

}  // namespace

boost::asio::awaitable<Reply> ListAudit(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {"limit"})) co_return *bad;
  int limit = 100;
  if (auto it = call.target.query.find("limit"); it != call.target.query.end()) {
    auto n = ParseId(it->second);
    if (!n || *n < 1 || *n > kMaxAudit)
      co_return Error(400, fmt::format("limit: expected a number from 1 to {}", kMaxAudit));
    limit = static_cast<int>(*n);
  }
  auto job = [limit](store::Store& s) -> Reply {
    auto rows = s.AuditLog(limit);
    if (!rows.ok()) return FromStatus(rows.status());
    boost::json::array arr;
    for (const auto& e : *rows) arr.push_back(AuditJson(e));
    return Json(boost::json::object{{"audit", std::move(arr)}});
  };
  co_return co_await svc.reader.Run(job);
}

}  // namespace liqwatch::api
