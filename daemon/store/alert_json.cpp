#include "store/alert_json.h"

#include <fmt/format.h>

#include "core/log.h"

namespace liqwatch::store {

boost::json::value OptJson(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value OptJson(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object AlertJson(const AlertRow& a) {
  boost::json::object o;
  o["id"] = a.id;
  o["rule"] = a.rule;
  o["labels"] = a.labels;
  o["series"] = a.series;
  o["severity"] = a.severity;
  o["state"] = a.state;
  o["opened_at"] = a.opened_at;
  o["resolved_at"] = OptJson(a.resolved_at);
  o["first_observation_date"] = a.first_obs_date;
  o["last_observation_date"] = a.last_obs_date;
  o["value"] = OptJson(a.value);
  o["threshold"] = OptJson(a.threshold);
  o["message"] = a.message;
  o["deliveries"] = {{"pending", a.deliveries_pending},
                     {"delivered", a.deliveries_delivered},
                     {"dead", a.deliveries_dead}};
  return o;
}

boost::json::object AlertEventJson(const AlertEventRow& e) {
  boost::json::object o;
  o["id"] = e.id;
  o["alert_id"] = e.alert_id ? boost::json::value(*e.alert_id) : nullptr;
  o["rule"] = e.rule;
  o["labels"] = e.labels;
  o["kind"] = e.kind;
  o["from_state"] = e.from_state;
  o["to_state"] = e.to_state;
  o["severity"] = e.severity;
  o["series"] = e.series;
  o["value"] = OptJson(e.value);
  o["threshold"] = OptJson(e.threshold);
  o["observation_date"] = e.obs_date;
  o["event_time"] = e.eval_time;
  o["message"] = e.message;
  return o;
}

namespace {
std::optional<std::string> ScrubbedOpt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return ScrubSecrets(*text);
}
}  // namespace

boost::json::object DeliveryJson(const DeliveryRow& d) {
  boost::json::object o;
  o["id"] = d.id;
  o["event_id"] = d.event_id;
  o["notifier"] = d.notifier;
  o["status"] = d.status;
  o["attempts"] = d.attempts;
  o["next_attempt_at"] = d.next_attempt_at;
  // Scrubbed again when served: a row written before the store scrubbed errors may hold one.
  o["last_error"] = OptJson(ScrubbedOpt(d.last_error));
  o["created_at"] = d.created_at;
  o["delivered_at"] = OptJson(d.delivered_at);
  return o;
}

boost::json::object AlertDetailJson(const AlertRow& a, const std::vector<AlertEventRow>& events,
                                    const std::vector<DeliveryRow>& deliveries) {
  boost::json::array ev, dl;
  for (const auto& e : events) ev.push_back(AlertEventJson(e));
  for (const auto& d : deliveries) dl.push_back(DeliveryJson(d));
  return {{"alert", AlertJson(a)}, {"events", std::move(ev)}, {"deliveries", std::move(dl)}};
}

boost::json::object SourceHealthJson(const SourceHealthRow& h) {
  boost::json::object o;
  o["series"] = h.series;
  o["source"] = h.source;
  o["last_attempt_at"] = OptJson(h.last_attempt_at);
  o["last_success_at"] = OptJson(h.last_success_at);
  o["last_error_at"] = OptJson(h.last_error_at);
  o["last_error"] = OptJson(ScrubbedOpt(h.last_error));
  o["consecutive_failures"] = h.consecutive_failures;
  o["last_new_observation_at"] = OptJson(h.last_new_observation_at);
  o["polls"] = h.polls;
  o["errors"] = h.errors;
  return o;
}

std::vector<std::string> AlertCsvHeader() {
  return {"id",
          "opened_at",
          "rule",
          "severity",
          "state",
          "first_observation_date",
          "last_observation_date",
          "value",
          "threshold",
          "resolved_at",
          "message",
          "labels"};
}

std::vector<std::string> AlertCsvCells(const AlertRow& a) {
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : ""; };
  return {std::to_string(a.id),
          a.opened_at,
          a.rule,
          a.severity,
          a.state,
          a.first_obs_date,
          a.last_obs_date,
          num(a.value),
          num(a.threshold),
          a.resolved_at.value_or(""),
          a.message,
          a.labels};
}

}  // namespace liqwatch::store
