// `liqwatch rules`: every rule instance with its stored state and what the engine sees now.
//
// For each rule instance (one per for_each item; a threshold rule has one) the command reads the
// instance's memory (rule_memory) and judges it with alerts::Judge against the database's current
// history, as of the newest observation date of its clock series, with the wall clock as `now` (for
// age()). It answers "why is this rule quiet?" without waiting for the next observation:
// the verdict is the same as the daemon would reach on that date. Nothing is written. JSON keys
// (stable, docs/cli.md): [{rule, labels, series, severity, state, since_date, alert_id,
// last_observation_date, as_of, level, value, message}].
#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "alerts/history_input.h"
#include "alerts/judge.h"
#include "alerts/memory.h"
#include "alerts/replay.h"
#include "cli/command.h"
#include "cli/output.h"
#include "config/config.h"
#include "config/desk_units.h"
#include "config/rules_config.h"
#include "core/json.h"
#include "core/log.h"
#include "core/units.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

// The verdict as a level a desk reads: ok, no_data, or the severity of the level reached
// (an info rule's breach reads "info", not "warn"; so does a warning lowered by its season).
std::string LevelName(const config::ExprRule& e, const alerts::Verdict& v) {
  switch (v.level) {
    case alerts::Verdict::Level::kNone:
      return "ok";
    case alerts::Verdict::Level::kWarn:
      return std::string(SeverityName(v.seasonal ? Severity::kInfo : e.warn_severity));
    case alerts::Verdict::Level::kCrit:
      return "critical";
    case alerts::Verdict::Level::kNoData:
      return "no_data";
  }
  return "ok";
}

// One rule instance as the command shows it: its stored memory, its open alert and the verdict
// as of the newest observation date of its clock series.
struct InstanceView {
  const config::RuleConfig& rule;
  const config::RuleInstance& inst;
  alerts::RuleMemory memory;
  bool entered = false;  // memory has a since_date (some state was entered)
  std::optional<int64_t> alert_id;
  std::string series;  // the clock series
  std::optional<Date> as_of;
  alerts::Verdict verdict;
};

// The open alert of a rule instance, from the stored rule states.
std::optional<int64_t> AlertIdOf(const std::vector<store::RuleState>& states,
                                 const std::string& rule, const std::string& labels) {
  std::optional<int64_t> alert_id;
  for (const auto& st : states)
    if (st.rule == rule && st.labels == labels) alert_id = st.alert_id;
  return alert_id;
}

// Judges `inst` as of the newest date of its clock series (no_data when it has none).
InstanceView ViewInstance(const config::Config& c, const config::RuleConfig& rule,
                          const config::RuleInstance& inst,
                          const std::optional<alerts::RuleMemory>& memory,
                          const std::vector<store::RuleState>& states,
                          const expr::SeriesHistory& history, TimePoint now) {
  InstanceView v{rule, inst, memory.value_or(alerts::RuleMemory{})};
  v.alert_id = AlertIdOf(states, rule.name, inst.labels);
  v.series = c.rule_set->ClockId(inst);
  v.as_of = alerts::NewestClockDate(*c.rule_set, history, inst);
  if (v.as_of) {
    v.verdict = alerts::Judge(inst, history, *v.as_of, now);
  } else {
    v.verdict.level = alerts::Verdict::Level::kNoData;
    v.verdict.message = fmt::format("{}: no observation stored", v.series);
  }
  // since_date is set when a state is entered; an instance that never left inactive has none.
  v.entered = memory.has_value() && v.memory.since_date != Date{};
  return v;
}

boost::json::object InstanceJson(const InstanceView& v) {
  auto opt = [](const auto& x) -> boost::json::value {
    if (x) return boost::json::value(*x);
    return nullptr;
  };
  const alerts::RuleMemory& m = v.memory;
  boost::json::object o;
  o["rule"] = v.rule.name;
  o["labels"] = v.inst.labels;
  o["series"] = v.series;
  o["severity"] = std::string(SeverityName(v.rule.severity));
  o["state"] = std::string(AlertStateName(m.state));
  o["since_date"] = v.entered ? boost::json::value(FormatDate(m.since_date)) : nullptr;
  o["alert_id"] = opt(v.alert_id);
  o["last_observation_date"] = m.last_obs ? boost::json::value(FormatDate(*m.last_obs)) : nullptr;
  o["as_of"] = v.as_of ? boost::json::value(FormatDate(*v.as_of)) : nullptr;
  o["level"] = LevelName(*v.rule.expr, v.verdict);
  o["value"] = opt(v.verdict.value);
  o["message"] = v.verdict.message;
  return o;
}

// A table row; VALUE as the alerts' messages write it (`desk`).
std::vector<std::string> InstanceRow(const InstanceView& v, const config::DeskUnits& desk) {
  const alerts::Verdict& verdict = v.verdict;
  return {InstanceName(v.rule.name, v.inst.labels),
          std::string(AlertStateName(v.memory.state)),
          v.entered ? FormatDate(v.memory.since_date) : "-",
          v.as_of ? FormatDate(*v.as_of) : "-",
          LevelName(*v.rule.expr, verdict),
          verdict.value ? desk.AlertValue(v.rule.name, v.series, *verdict.value) : "",
          verdict.message};
}

int RunRules(Command& cmd) {
  const Format format = cmd.format();
  auto loaded = cmd.LoadConfig(config::SecretRefs::kSkip);
  if (!loaded) return kExitUsage;
  const config::Config& c = *loaded;
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly, &c);
  if (!store.ok()) return cmd.Fail(store.status());
  auto known = alerts::KnownHistory::Load(**store, c);
  if (!known.ok()) return cmd.Fail(known.status());
  const auto history = alerts::BuildHistory(*c.rule_set, c, known->Current());
  auto states = (*store)->RuleStates();
  if (!states.ok()) return cmd.Fail(states.status());
  const TimePoint now = SystemWallClock().Now();

  const auto desk = config::DeskUnits::Build(c);  // VALUE as the alerts' messages write it
  boost::json::array arr;
  Table t;
  t.header = {"RULE", "STATE", "SINCE", "AS OF", "NOW", "VALUE", "CONDITION"};
  for (const auto& rule : c.rules) {
    for (const auto& inst : rule.expr->instances) {
      auto memory = alerts::LoadMemory(**store, rule.name, inst.labels);
      if (!memory.ok()) return cmd.Fail(memory.status());
      const InstanceView v = ViewInstance(c, rule, inst, *memory, *states, history, now);
      if (format == Format::kJson)
        arr.push_back(InstanceJson(v));
      else
        t.rows.push_back(InstanceRow(v, desk));
    }
  }
  if (format == Format::kJson) {
    std::printf("%s\n", WriteJson(arr).c_str());
  } else {
    std::printf("%s", RenderTable(t, 60).c_str());
  }
  return 0;
}

}  // namespace

void RegisterRules(CLI::App& app, CommandFn& run) {
  auto cmd = Command::Add(
      app, "rules",
      "Every rule instance with its stored state and what it evaluates to now: "
      "judged against the database as of the newest observation of its clock series (the "
      "verdict the daemon reaches on that date). Writes nothing; safe while the daemon runs.");
  cmd->WithConfig(Command::ConfigFile::kRequired);
  cmd->WithDbOverride("SQLite database (default: storage.path of the config)");
  cmd->WithFormat(Command::kTableOrJson);
  cmd->Run(run, RunRules);
}

}  // namespace liqwatch::cli
