#include "api/config_json.h"

#include "config/rules_config.h"
#include "core/release.h"
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
          {"for_each", nullptr},
          {"severity", std::string(SeverityName(r.severity))},
          {"description", r.description},
          {"notify", std::move(notify)}};
}

}  // namespace liqwatch::api
