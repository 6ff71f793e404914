// `liqwatch silence add|list|expire`: silences stored in the database (notify/silences.h).
// The CLI opens the database itself (read-write, WAL), so it works while the daemon runs; the
// daemon applies a new or expired silence at its next outbox pass. With --push NOTIFIER (an
// `alertmanager` notifier of --config) a silence is also created in, and expired from, that
// Alertmanager cluster, so every replica mutes it; `list --alertmanager NOTIFIER` adds the
// cluster's own silences. The WHERE column says where each silence lives.
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <boost/json.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "cli/command.h"
#include "cli/output.h"
#include "core/json.h"
#include "core/log.h"
#include "http/client.h"
#include "notify/alertmanager.h"
#include "notify/operator_actions.h"
#include "notify/silences.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

struct SilenceArgs {
  std::string rule;
  std::vector<std::string> labels;
  std::string duration;
  std::string until;
  std::string comment;
  std::string author;
  bool all = false;
  int64_t id = 0;
  std::string push;          // add: alertmanager notifier to push the silence to
  std::string alertmanager;  // list: alertmanager notifier whose silences to add
};

// The `alertmanager` notifier `name` of --config; nullopt after printing why not.
std::optional<config::NotifierConfig> AlertmanagerNotifier(const Command& cmd,
                                                           const std::string& name) {
  auto c = cmd.LoadConfig();
  if (!c) return std::nullopt;
  for (const auto& n : c->notifiers) {
    if (n.name != name) continue;
    if (n.type == "alertmanager") return n;
    cmd.Usage(fmt::format("notifier '{}' is of type {}, not alertmanager", name, n.type));
    return std::nullopt;
  }
  cmd.Usage(fmt::format("no notifier '{}' in {}", name, cmd.config_path()));
  return std::nullopt;
}

// Runs one Alertmanager call to completion on a private event loop (the CLI has no other).
template <typename T, typename MakeOp>
T RunOnLoop(const std::string& user_agent, MakeOp make_op, T fallback) {
  boost::asio::io_context io;
  http::HttpClient http(io, user_agent);
  T out = std::move(fallback);
  auto run = [&]() -> boost::asio::awaitable<void> {
    auto op = make_op(http);
    out = co_await std::move(op);
  };
  boost::asio::co_spawn(io, run(), [](std::exception_ptr) {});
  io.run();
  return out;
}

int RunAdd(Command& cmd, const SilenceArgs& a) {
  const TimePoint now = Clock::now();
  notify::SilenceRequest r{a.rule, a.labels, a.duration, a.until, a.comment, a.author};
  if (r.author.empty()) r.author = CliUser();
  auto made = notify::MakeSilence(r, now, "--");
  if (!made.ok()) return cmd.Usage(made.status().message());
  const notify::Silence& s = *made;
  auto store = cmd.OpenStore(store::Store::Mode::kReadWrite);
  if (!store.ok()) return cmd.Fail(store.status());
  std::optional<config::NotifierConfig> am;
  if (!a.push.empty()) {
    if (a.rule == "*" && s.matchers.empty())
      return cmd.Usage("--push: Alertmanager needs a matcher: give a rule or a --label");
    am = AlertmanagerNotifier(cmd, a.push);
    if (!am) return kExitUsage;
  }
  auto id = notify::AddSilenceAudited(**store, s, "cli:" + CliUser(), now);
  if (!id.ok()) return cmd.Fail(id.status());
  std::printf("silence %lld: rule %s%s until %s\n", static_cast<long long>(*id), s.rule.c_str(),
              s.matchers.empty() ? "" : (" {" + s.matchers + "}").c_str(), s.ends_at.c_str());
  if (!am) return 0;
  // The local silence is kept whatever happens to the push: it mutes liqwatch's own channels.
  auto pushed = RunOnLoop<Result<std::vector<std::string>>>(
      "liqwatch-cli",
      [&](http::HttpClient& http) {
        return notify::PushSilence(http, *am, s.rule, s.matchers, s.starts_at, s.ends_at,
                                   s.created_by, s.comment);
      },
      Status::Unavailable("not sent"));
  if (!pushed.ok())
    return cmd.Fail(fmt::format("silence {} kept locally; push to alertmanager {} failed: {}", *id,
                                a.push, ScrubSecrets(pushed.status().message())));
  std::string where;
  for (const auto& p : *pushed) where += (where.empty() ? "" : ",") + p;
  if (auto st = notify::SetSilencePushedTo(**store, *id, where); !st.ok()) return cmd.Fail(st);
  std::printf("silence %lld: pushed to %s\n", static_cast<long long>(*id), where.c_str());
  return 0;
}

int RunList(Command& cmd, const SilenceArgs& a) {
  const Format format = cmd.format();
  auto store = cmd.OpenStore(store::Store::Mode::kReadOnly);
  if (!store.ok()) return cmd.Fail(store.status());
  auto rows = notify::ListSilences(**store, Clock::now(), a.all);
  if (!rows.ok()) return cmd.Fail(rows.status());
  // The cluster's own silences: those not pushed from this database.
  std::vector<notify::RemoteSilence> remote;
  if (!a.alertmanager.empty()) {
    auto am = AlertmanagerNotifier(cmd, a.alertmanager);
    if (!am) return kExitUsage;
    auto listed = RunOnLoop<Result<std::vector<notify::RemoteSilence>>>(
        "liqwatch-cli",
        [&](http::HttpClient& http) { return notify::ListRemoteSilences(http, *am); },
        Status::Unavailable("not asked"));
    if (!listed.ok())
      return cmd.Fail(fmt::format("alertmanager {}: {}", a.alertmanager,
                                  ScrubSecrets(listed.status().message())));
    for (auto& r : *listed) {
      bool ours = false;
      for (const auto& s : *rows)
        ours = ours || ("," + s.pushed_to + ",").find("=" + r.id + ",") != std::string::npos;
      if (!ours && (a.all || r.state != "expired")) remote.push_back(std::move(r));
    }
  }
  const std::string am_where = "alertmanager " + a.alertmanager;
  if (format == Format::kJson) {
    boost::json::array arr;
    for (const auto& s : *rows) arr.push_back(notify::SilenceJson(s));
    for (const auto& r : remote) {
      arr.push_back({{"id", r.id},
                     {"rule", nullptr},
                     {"labels", r.matchers},
                     {"starts_at", r.starts_at},
                     {"ends_at", r.ends_at},
                     {"comment", r.comment},
                     {"created_by", r.created_by},
                     {"created_at", nullptr},
                     {"active", r.state == "active"},
                     {"where", am_where}});
    }
    std::printf("%s\n", WriteJson(arr).c_str());
    return 0;
  }
  Table t;
  t.header = {"ID", "RULE", "LABELS", "STARTS", "ENDS", "ACTIVE", "BY", "COMMENT", "WHERE"};
  for (const auto& s : *rows) {
    t.rows.push_back({std::to_string(s.id), s.rule, s.matchers, s.starts_at, s.ends_at,
                      s.active ? "yes" : "no", s.created_by, s.comment, notify::SilenceWhere(s)});
  }
  for (const auto& r : remote) {
    t.rows.push_back({r.id, "-", r.matchers, r.starts_at, r.ends_at,
                      r.state == "active" ? "yes" : "no", r.created_by, r.comment, am_where});
  }
  std::fputs((format == Format::kCsv ? RenderCsv(t) : RenderTable(t)).c_str(), stdout);
  return 0;
}

int RunExpire(Command& cmd, const SilenceArgs& a) {
  auto store = cmd.OpenStore(store::Store::Mode::kReadWrite);
  if (!store.ok()) return cmd.Fail(store.status());
  auto before = notify::GetSilence(**store, a.id);
  auto s = notify::ExpireSilenceAudited(**store, a.id, "cli:" + CliUser(), Clock::now());
  if (!s.ok()) return cmd.Fail(s);
  std::printf("silence %lld expired\n", static_cast<long long>(a.id));
  if (!before.ok() || before->pushed_to.empty()) return 0;
  // Also in the Alertmanager clusters it was pushed to ("NOTIFIER=ID,...").
  int rc = 0;
  for (const auto& pushed : SplitLabels(before->pushed_to)) {
    // Named copies, not a structured binding: clang 14 (the sanitizer builds) cannot capture
    // one in the lambda below.
    const std::string& notifier = pushed.first;
    const std::string& remote_id = pushed.second;
    auto am = AlertmanagerNotifier(cmd, notifier);
    if (!am) return kExitUsage;
    auto done = RunOnLoop<Status>(
        "liqwatch-cli",
        [&](http::HttpClient& http) { return notify::ExpireRemoteSilence(http, *am, remote_id); },
        Status::Unavailable("not sent"));
    if (!done.ok()) {
      rc = cmd.Fail(fmt::format("alertmanager {}: {}", notifier, ScrubSecrets(done.message())));
    } else {
      std::printf("silence %lld: expired in alertmanager %s (%s)\n", static_cast<long long>(a.id),
                  notifier.c_str(), remote_id.c_str());
    }
  }
  return rc;
}

}  // namespace

void RegisterSilence(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<SilenceArgs>();
  auto* silence = app.add_subcommand(
      "silence", "Silence alerts: recorded as usual, but not delivered while the silence lasts.");
  silence->require_subcommand(1);
  auto add = Command::Add(*silence, "add",
                          "Add a silence for a rule (or '*'), optionally only for some labels.");
  add->WithDb();
  auto& a = add->app();
  a.add_option("--rule,-r", args->rule, "Rule name, or '*' for every rule")->required();
  a.add_option("--label,-l", args->labels, "Only alerts with this label (KEY=VALUE; repeatable)");
  auto* for_opt = a.add_option("--for", args->duration, "How long: 30m, 12h, 2d, 1w (> 0)");
  a.add_option("--until", args->until,
               "Or until when (UTC, in the future): YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
      ->excludes(for_opt);
  a.add_option("--comment,-m", args->comment, "Why (shown in silence list)");
  a.add_option("--author", args->author, "Who (default: $USER)");
  a.add_option("--push", args->push,
               "Also create it in this alertmanager notifier's cluster (needs --config)");
  add->WithConfig(Command::ConfigFile::kDefaultPath, "Config file (for --push)");
  add->Run(run, [args](Command& c) { return RunAdd(c, *args); });

  auto list = Command::Add(*silence, "list", "List active and future silences.");
  list->WithDb();
  list->app().add_flag("--all", args->all, "Include ended silences");
  list->WithFormat(Command::kAllFormats);
  list->app().add_option(
      "--alertmanager", args->alertmanager,
      "Also list this alertmanager notifier's cluster silences (needs --config)");
  list->WithConfig(Command::ConfigFile::kDefaultPath, "Config file (for --alertmanager)");
  list->Run(run, [args](Command& c) { return RunList(c, *args); });

  auto expire = Command::Add(*silence, "expire", "End a silence now.");
  expire->WithDb();
  expire->app().add_option("id", args->id, "Silence id (from silence list)")->required();
  expire->WithConfig(Command::ConfigFile::kDefaultPath,
                     "Config file (to expire a pushed silence in Alertmanager too)");
  expire->Run(run, [args](Command& c) { return RunExpire(c, *args); });
}

}  // namespace liqwatch::cli
