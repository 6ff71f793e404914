// /api/v1/rules: every rule with its instances' state; a rule shows its most urgent instance.
#include "api/config_json.h"
#include "api/handlers.h"
#include "store/alert_json.h"

namespace liqwatch::api {

namespace {

// How much a state needs a reader's attention.
int Urgency(AlertState s) {
  switch (s) {
    case AlertState::kFiring:
      return 4;
    case AlertState::kPending:
      return 3;
    case AlertState::kNoData:
      return 2;
    case AlertState::kResolved:
      return 1;
    case AlertState::kInactive:
      return 0;
  }
  return 0;
}

// One instance of rule `rule` with its stored state (inactive if none); `urgency` is set.
boost::json::object InstanceJson(const config::DeskUnits& desk, const std::string& rule,
                                 const std::string& labels, const std::string& series,
                                 const std::vector<store::RuleState>& states, int* urgency) {
  boost::json::object inst{{"labels", labels},      {"series", series},
                           {"state", "inactive"},   {"since", nullptr},
                           {"alert_id", nullptr},   {"last_observation_date", nullptr},
                           {"last_value", nullptr}, {"last_value_display", nullptr}};
  *urgency = 0;
  for (const auto& st : states) {
    if (st.rule != rule || st.labels != labels) continue;
    inst["state"] = std::string(AlertStateName(st.state));
    inst["since"] = FormatTime(st.since);
    inst["alert_id"] = st.alert_id ? boost::json::value(*st.alert_id) : nullptr;
    inst["last_observation_date"] = store::OptJson(st.last_obs_date);
    inst["last_value"] = store::OptJson(st.last_value);
    if (st.last_value) inst["last_value_display"] = desk.AlertValue(rule, series, *st.last_value);
    *urgency = Urgency(st.state);
  }
  AddTimeDisplay(inst, {"since"});
  return inst;
}

Reply RulesReply(store::Store& s, const config::Config& c) {
  auto states = s.RuleStates();
  if (!states.ok()) return FromStatus(states.status());
  const auto desk = config::DeskUnits::Build(c);
  boost::json::array rules;
  for (const auto& r : c.rules) {
    boost::json::object o = RuleInfoJson(c, r);
    o["levels"] = LevelsJson(c, desk, r);
    boost::json::array instances;
    size_t shown = 0;
    int shown_urgency = -1;
    for (const auto& [labels, series] : RuleInstances(c, r)) {
      int u = 0;
      instances.push_back(InstanceJson(desk, r.name, labels, series, *states, &u));
      if (u > shown_urgency) {
        shown_urgency = u;
        shown = instances.size() - 1;
      }
    }
    for (const char* key : {"state", "since", "since_display", "alert_id", "last_observation_date",
                            "last_value", "last_value_display"})
      o[key] = instances[shown].as_object().at(key);
    o["instances"] = std::move(instances);
    rules.push_back(std::move(o));
  }
  return Json(boost::json::object{{"rules", std::move(rules)}});
}

}  // namespace

boost::asio::awaitable<Reply> ListRules(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {})) co_return *bad;
  auto job = [config = call.config](store::Store& s) { return RulesReply(s, *config); };
  co_return co_await svc.reader.Run(job);
}

}  // namespace liqwatch::api
