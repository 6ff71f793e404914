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
      const alerts::RuleMemory m = memory->value_or(alerts::RuleMemory{});
      std::optional<int64_t> alert_id;
      for (const auto& st : *states)
        if (st.rule == rule.name && st.labels == inst.labels) alert_id = st.alert_id;
      const std::string series = c.rule_set->ClockId(inst);
      auto as_of = alerts::NewestClockDate(*c.rule_set, history, inst);
      alerts::Verdict v;
      if (as_of) {
        v = alerts::Judge(inst, history, *as_of, now);
      } else {
        v.level = alerts::Verdict::Level::kNoData;
        v.message = fmt::format("{}: no observation stored", series);
      }
      // since_date is set when a state is entered; an instance that never left inactive has none.
      const bool entered = memory->has_value() && m.since_date != Date{};
      if (format == Format::kJson) {
        auto opt = [](const auto& x) -> boost::json::value {
          if (x) return boost::json::value(*x);
          return nullptr;
        };
        boost::json::object o;
        o["rule"] = rule.name;
        o["labels"] = inst.labels;
        o["series"] = series;
        o["severity"] = std::string(SeverityName(rule.severity));
        o["state"] = std::string(AlertStateName(m.state));
        o["since_date"] = entered ? boost::json::value(FormatDate(m.since_date)) : nullptr;
        o["alert_id"] = opt(alert_id);
        o["last_observation_date"] =
            m.last_obs ? boost::json::value(FormatDate(*m.last_obs)) : nullptr;
        o["as_of"] = as_of ? boost::json::value(FormatDate(*as_of)) : nullptr;
        o["level"] = LevelName(*rule.expr, v);
        o["value"] = opt(v.value);
        o["message"] = v.message;
        arr.push_back(std::move(o));
      } else {
        t.rows.push_back({InstanceName(rule.name, inst.labels),
                          std::string(AlertStateName(m.state)),
                          entered ? FormatDate(m.since_date) : "-",
                          as_of ? FormatDate(*as_of) : "-", LevelName(*rule.expr, v),
                          v.value ? desk.AlertValue(rule.name, series, *v.value) : "", v.message});
      }
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
