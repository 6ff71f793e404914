// /api/v1/alerts: the alert history (paged by cursor, JSON or CSV), one alert in detail, and
// acknowledging one.
#include <fmt/format.h>

#include "api/config_json.h"
#include "api/handlers.h"
#include "core/csv.h"
#include "notify/operator_actions.h"
#include "store/alert_filter.h"
#include "store/alert_json.h"

namespace liqwatch::api {

namespace {

constexpr int kMaxLimit = 1000;

// The request target with its cursor replaced by `next`: the Link to the following page.
std::string NextTarget(std::string_view target, const std::string& next) {
  const auto q = target.find('?');
  std::string out(target.substr(0, q));
  char sep = '?';
  std::string_view rest = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty() || pair.rfind("cursor=", 0) == 0 || pair == "cursor") continue;
    out += sep;
    out += pair;
    sep = '&';
  }
  return out + sep + "cursor=" + next;
}

Reply AlertsPage(store::Store& s, const config::DeskUnits& desk, store::AlertQuery q, bool csv,
                 const std::string& target) {
  const int limit = q.limit;
  q.limit = limit + 1;  // one more than asked tells whether a next page exists
  auto rows = s.QueryAlerts(q);
  if (!rows.ok()) return FromStatus(rows.status());
  std::optional<std::string> next;
  if (static_cast<int>(rows->size()) > limit) {
    rows->pop_back();
    next = store::FormatAlertCursor(rows->back());
  }
  if (csv) {
    Reply r{200, CsvRecord(store::AlertCsvHeader()), "text/csv; charset=utf-8"};
    for (const auto& a : *rows) r.body += CsvRecord(store::AlertCsvCells(a));
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"liqwatch-alerts.csv\"");
    if (next)
      r.headers.emplace_back("Link", fmt::format("<{}>; rel=\"next\"", NextTarget(target, *next)));
    return r;
  }
  boost::json::array arr;
  for (const auto& a : *rows) {
    boost::json::object o = store::AlertJson(a);
    AddAlertDisplay(desk, o);
    arr.push_back(std::move(o));
  }
  return Json(boost::json::object{{"alerts", std::move(arr)},
                                  {"next", next ? boost::json::value(*next) : nullptr}});
}

Reply AlertDetail(store::Store& s, const config::DeskUnits& desk, int64_t id) {
  auto a = s.GetAlert(id);
  if (!a.ok()) return FromStatus(a.status());
  if (!*a) return Error(404, fmt::format("no alert with id {}", id));
  auto ev = s.AlertEvents(id);
  if (!ev.ok()) return FromStatus(ev.status());
  auto dl = s.AlertDeliveries(id);
  if (!dl.ok()) return FromStatus(dl.status());
  boost::json::object detail = store::AlertDetailJson(**a, *ev, *dl);
  AddAlertDisplay(desk, detail["alert"].as_object());
  for (auto& e : detail["events"].as_array()) AddAlertDisplay(desk, e.as_object());
  for (auto& x : detail["deliveries"].as_array()) AddTimeDisplay(x.as_object(), {"delivered_at"});
  return Json(detail);
}

}  // namespace

boost::asio::awaitable<Reply> ListAlerts(Services& svc, const Call& call) {
  std::vector<std::string_view> allowed(store::kAlertFilters.begin(), store::kAlertFilters.end());
  allowed.push_back("format");
  if (auto bad = BadParams(call, allowed)) co_return *bad;
  bool csv = false;
  if (auto it = call.target.query.find("format"); it != call.target.query.end()) {
    if (it->second != "json" && it->second != "csv")
      co_return Error(400, fmt::format("format: unknown '{}', expected json or csv", it->second));
    csv = it->second == "csv";
  }
  auto parsed = store::ParseAlertFilter(call.target.query, call.now, "", kMaxLimit);
  if (!parsed.ok()) co_return Error(400, parsed.status().message());
  auto job = [config = call.config, q = *parsed, csv,
              target = std::string(call.req.target())](store::Store& s) {
    return AlertsPage(s, config::DeskUnits::Build(*config), q, csv, target);
  };
  co_return co_await svc.reader.Run(job);
}

boost::asio::awaitable<Reply> ShowAlert(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {})) co_return *bad;
  Reply error;
  auto id = IdArg(call, "alert", &error);
  if (!id) co_return error;
  auto job = [config = call.config, id = *id](store::Store& s) {
    return AlertDetail(s, config::DeskUnits::Build(*config), id);
  };
  co_return co_await svc.reader.Run(job);
}

boost::asio::awaitable<Reply> AckAlert(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {})) co_return *bad;
  Reply error;
  auto id = IdArg(call, "alert", &error);
  if (!id) co_return error;
  auto body = JsonBody(call.req, {"comment"});
  if (auto* e = std::get_if<std::string>(&body)) co_return Error(400, *e);
  const auto& fields = std::get<boost::json::object>(body);
  const auto* comment = fields.if_contains("comment");
  if (!comment || !comment->is_string() || comment->as_string().empty())
    co_return Error(400, "comment: expected a non-empty string (why the alert is acknowledged)");
  auto job = [id = *id, comment = std::string(comment->as_string()), actor = call.actor,
              now = call.now](store::Store& s) -> Reply {
    auto ev = notify::AckAlertAudited(s, id, comment, actor, now);
    if (!ev.ok()) return FromStatus(ev.status());
    return Json(boost::json::object{{"alert_id", id}, {"event_id", *ev}}, 201);
  };
  co_return co_await svc.writer.Run(job);
}

}  // namespace liqwatch::api
