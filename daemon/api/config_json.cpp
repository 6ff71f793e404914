#include "api/config_json.h"

#include "config/rules_config.h"
#include "core/release.h"
#include "core/time.h"
#include "store/alert_json.h"

namespace liqwatch::api {

boost::json::object SeriesInfoJson(const config::SeriesConfig& s) {
  boost::json::value release = nullptr;
  if (s.release)
    release =
        boost::json::object{{"schedule", s.release->ToString()}, {"source", s.release->source}};
  boost::json::value fallback = nullptr;
  if (s.fallback)
    fallback = boost::json::object{{"source", s.fallback->source},
                                   {"remote_id", s.fallback->remote_id},
                                   {"unit", std::string(UnitName(s.fallback->unit))},
                                   {"feed", s.id + "@" + s.fallback->source}};
  return {{"id", s.id},
          {"source", s.source},
          {"remote_id", s.remote_id},
          {"unit", std::string(UnitName(CanonicalUnit(DimensionOf(s.unit))))},
          {"interval", FormatDuration(s.interval)},
          {"description", s.description},
          {"release", std::move(release)},
          {"fallback", std::move(fallback)}};
}

std::optional<Date> LatestDate(const std::vector<store::LatestObservation>& latest,
                               std::string_view id) {
  for (const auto& l : latest) {
    if (l.series != id) continue;
    if (auto d = ParseDate(l.obs_date); d.ok()) return *d;
  }
  return std::nullopt;
}

boost::json::value FreshnessJson(const config::SeriesConfig& s, std::optional<Date> latest,
                                 TimePoint now) {
  if (!s.release) return nullptr;
  Freshness f = AssessFreshness(*s.release, s.id, latest, now);
  boost::json::object o{{"state", std::string(FreshnessName(f.state))},
                        {"late", f.state == Freshness::State::kLate},
                        {"missing", nullptr},
                        {"deadline", nullptr},
                        {"message", f.message}};
  if (f.missing) {
    o["missing"] = FormatDate(*f.missing);
    o["deadline"] = FormatTime(f.deadline);
  }
  return o;
}

std::vector<std::pair<std::string, std::string>> RuleInstances(const config::Config& c,
                                                               const config::RuleConfig& r) {
  if (!r.expr || !c.rule_set) return {{"", r.series}};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& inst : r.expr->instances)
    out.emplace_back(inst.labels, c.rule_set->ClockId(inst));
  return out;
}

boost::json::object RuleInfoJson(const config::Config& c, const config::RuleConfig& r) {
  boost::json::array notify;
  for (const auto& n : r.notify) notify.push_back(boost::json::value(n));
  auto text = [](const auto& cond) -> boost::json::value {
    if (cond) return boost::json::value(cond->written);
    return nullptr;
  };
  if (r.series.empty()) {  // written as an expression
    const auto& e = *r.expr;
    const auto& first = e.instances.front();
    boost::json::value for_each = nullptr;
    if (e.fans_out()) {
      boost::json::array labels;
      for (const auto& inst : e.instances) labels.push_back(boost::json::value(inst.labels));
      for_each = std::move(labels);
    }
    return {{"name", r.name},
            {"series", RuleInstances(c, r).front().second},
            {"op", nullptr},
            {"threshold", nullptr},
            {"expr", first.warn ? text(first.warn) : text(first.crit)},
            {"crit", first.warn ? text(first.crit) : boost::json::value(nullptr)},
            {"clear", text(first.clear)},
            {"seasonal", text(first.seasonal)},
            {"for_each", std::move(for_each)},
            {"severity", std::string(SeverityName(r.severity))},
            {"description", r.description},
            {"notify", std::move(notify)}};
  }
  return {{"name", r.name},
          {"series", r.series},
          {"op", std::string(config::ComparisonText(r.op))},
          {"threshold", r.threshold},
          {"expr", nullptr},
          {"crit", nullptr},
          {"clear", nullptr},
          {"seasonal", nullptr},
          {"for_each", nullptr},
          {"severity", std::string(SeverityName(r.severity))},
          {"description", r.description},
          {"notify", std::move(notify)}};
}

void AddTimeDisplay(boost::json::object& o, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    const auto* v = o.if_contains(key);
    if (!v) continue;
    boost::json::value shown = nullptr;
    if (v->is_string())
      if (auto t = ParseTime(v->as_string()); t.ok()) shown = FormatNewYork(*t);
    o[std::string(key) + "_display"] = std::move(shown);
  }
}

void AddAlertDisplay(const config::DeskUnits& d, boost::json::object& o) {
  auto text = [&](std::string_view key) -> std::string {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const std::string rule = text("rule"), series = text("series");
  for (std::string_view key : {"value", "threshold"}) {
    const auto* v = o.if_contains(key);
    boost::json::value shown = nullptr;
    if (v && v->is_number()) shown = d.AlertValue(rule, series, v->to_number<double>());
    o[std::string(key) + "_display"] = std::move(shown);
  }
  AddTimeDisplay(o, {"opened_at", "resolved_at", "event_time"});
}

boost::json::array LevelsJson(const config::Config& c, const config::DeskUnits& d,
                              const config::RuleConfig& r) {
  boost::json::array out;
  for (const auto& l : d.Levels(c, r))
    out.push_back(boost::json::object{{"series", l.series},
                                      {"op", l.op},
                                      {"value", l.value},
                                      {"kind", l.kind},
                                      {"display", l.display}});
  return out;
}

}  // namespace liqwatch::api
