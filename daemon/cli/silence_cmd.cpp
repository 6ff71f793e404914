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

#include "cli/commands.h"
#include "cli/load_config.h"
#include "cli/output.h"
#include "core/log.h"
#include "http/client.h"
#include "notify/alertmanager.h"
#include "notify/silences.h"
#include "store/store.h"

namespace liqwatch::cli {

namespace {

struct SilenceArgs {
  std::string db = "/var/lib/liqwatch/liqwatch.db";
  std::string rule;
  std::vector<std::string> labels;
  std::string duration;
  std::string until;
  std::string comment;
  std::string author;
  bool all = false;
  std::string format = "table";
  int64_t id = 0;
  std::string config = "/etc/liqwatch/liqwatch.yaml";
  std::string push;          // add: alertmanager notifier to push the silence to
  std::string alertmanager;  // list: alertmanager notifier whose silences to add
};

Result<std::unique_ptr<store::Store>> OpenRw(const std::string& db) {
  return store::Store::Open(db, store::Store::Mode::kReadWrite);
}

int Fail(const char* what, const std::string& msg, int code = 1) {
  std::fprintf(stderr, "liqwatch silence %s: %s\n", what, msg.c_str());
  return code;
}

// The `alertmanager` notifier `name` of the config at `path`; nullopt after printing why not.
std::optional<config::NotifierConfig> AlertmanagerNotifier(const char* what,
                                                           const std::string& path,
                                                           const std::string& name) {
  auto c = LoadConfigOrReport(path);
  if (!c) return std::nullopt;
  for (const auto& n : c->notifiers) {
    if (n.name != name) continue;
    if (n.type == "alertmanager") return n;
    Fail(what, fmt::format("notifier '{}' is of type {}, not alertmanager", name, n.type), 2);
    return std::nullopt;
  }
  Fail(what, fmt::format("no notifier '{}' in {}", name, path), 2);
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

// When a silence added now ends: --for (positive) or --until (in the future). A silence that
// has already ended would silence nothing, so it is refused rather than stored.
Result<TimePoint> SilenceEnd(const SilenceArgs& a, TimePoint now) {
  if (a.duration.empty() == a.until.empty())
    return Status::InvalidArgument("give either --for DURATION or --until TIME");
  if (!a.duration.empty()) {
    auto d = ParseDuration(a.duration);
    if (!d.ok()) return Status::InvalidArgument("--for: " + d.status().message());
    if (d->count() <= 0)
      return Status::InvalidArgument(fmt::format(
          "--for {}: a silence must last longer than 0s (e.g. 30m, 12h, 2d)", a.duration));
    return now + *d;
  }
  auto t = ParseTime(a.until);
  if (!t.ok()) return Status::InvalidArgument("--until: " + t.status().message());
  if (*t <= now)
    return Status::InvalidArgument(
        fmt::format("--until {}: that is not in the future (now {})", a.until, FormatTime(now)));
  return *t;
}

int RunAdd(const SilenceArgs& a) {
  const TimePoint now = Clock::now();
  auto ends = SilenceEnd(a, now);
  if (!ends.ok()) return Fail("add", ends.status().message(), 2);
  for (const auto& l : a.labels) {
    auto eq = l.find('=');
    if (eq == std::string::npos || eq == 0 || l.find(',') != std::string::npos)
      return Fail("add", fmt::format("--label '{}': expected KEY=VALUE", l), 2);
  }
  if (a.rule.empty()) return Fail("add", "--rule: expected a rule name or '*'", 2);
  auto store = OpenRw(a.db);
  if (!store.ok()) return Fail("add", store.status().message());
  notify::Silence s;
  s.rule = a.rule;
  for (const auto& l : a.labels) s.matchers += (s.matchers.empty() ? "" : ",") + l;
  s.starts_at = FormatTime(now);
  s.ends_at = FormatTime(*ends);
  s.comment = a.comment;
  s.created_by = a.author.empty() ? (std::getenv("USER") ? std::getenv("USER") : "") : a.author;
  s.created_at = s.starts_at;
  std::optional<config::NotifierConfig> am;
  if (!a.push.empty()) {
    if (a.rule == "*" && s.matchers.empty())
      return Fail("add", "--push: Alertmanager needs a matcher: give a rule or a --label", 2);
    am = AlertmanagerNotifier("add", a.config, a.push);
    if (!am) return 2;
  }
  auto id = notify::AddSilence(**store, s);
  if (!id.ok()) return Fail("add", id.status().message());
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
    return Fail("add", fmt::format("silence {} kept locally; push to alertmanager {} failed: {}",
                                   *id, a.push, ScrubSecrets(pushed.status().message())));
  std::string where;
  for (const auto& p : *pushed) where += (where.empty() ? "" : ",") + p;
  if (auto st = notify::SetSilencePushedTo(**store, *id, where); !st.ok())
    return Fail("add", st.message());
  std::printf("silence %lld: pushed to %s\n", static_cast<long long>(*id), where.c_str());
  return 0;
}

// "liqwatch", or "liqwatch+am=ID" for a silence also pushed to Alertmanager.
std::string Where(const notify::Silence& s) {
  return s.pushed_to.empty() ? "liqwatch" : "liqwatch+" + s.pushed_to;
}

boost::json::object SilenceJson(const notify::Silence& s) {
  return {{"id", s.id},
          {"rule", s.rule},
          {"labels", s.matchers},
          {"starts_at", s.starts_at},
          {"ends_at", s.ends_at},
          {"comment", s.comment},
          {"created_by", s.created_by},
          {"created_at", s.created_at},
          {"active", s.active},
          {"where", Where(s)}};
}

int RunList(const SilenceArgs& a) {
  Format format;
  if (!ParseFormat(a.format, format))
    return Fail("list", fmt::format("unknown --format '{}', expected table, json or csv", a.format),
                2);
  auto store = store::Store::Open(a.db, store::Store::Mode::kReadOnly);
  if (!store.ok()) return Fail("list", store.status().message());
  auto rows = notify::ListSilences(**store, Clock::now(), a.all);
  if (!rows.ok()) return Fail("list", rows.status().message());
  // The cluster's own silences: those not pushed from this database.
  std::vector<notify::RemoteSilence> remote;
  if (!a.alertmanager.empty()) {
    auto am = AlertmanagerNotifier("list", a.config, a.alertmanager);
    if (!am) return 2;
    auto listed = RunOnLoop<Result<std::vector<notify::RemoteSilence>>>(
        "liqwatch-cli",
        [&](http::HttpClient& http) { return notify::ListRemoteSilences(http, *am); },
        Status::Unavailable("not asked"));
    if (!listed.ok())
      return Fail("list", fmt::format("alertmanager {}: {}", a.alertmanager,
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
    for (const auto& s : *rows) arr.push_back(SilenceJson(s));
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
    std::printf("%s\n", boost::json::serialize(arr).c_str());
    return 0;
  }
  Table t;
  t.header = {"ID", "RULE", "LABELS", "STARTS", "ENDS", "ACTIVE", "BY", "COMMENT", "WHERE"};
  for (const auto& s : *rows) {
    t.rows.push_back({std::to_string(s.id), s.rule, s.matchers, s.starts_at, s.ends_at,
                      s.active ? "yes" : "no", s.created_by, s.comment, Where(s)});
  }
  for (const auto& r : remote) {
    t.rows.push_back({r.id, "-", r.matchers, r.starts_at, r.ends_at,
                      r.state == "active" ? "yes" : "no", r.created_by, r.comment, am_where});
  }
  std::fputs((format == Format::kCsv ? RenderCsv(t) : RenderTable(t)).c_str(), stdout);
  return 0;
}

int RunExpire(const SilenceArgs& a) {
  auto store = OpenRw(a.db);
  if (!store.ok()) return Fail("expire", store.status().message());
  auto before = notify::GetSilence(**store, a.id);
  auto s = notify::ExpireSilence(**store, a.id, Clock::now());
  if (!s.ok()) return Fail("expire", s.message());
  std::printf("silence %lld expired\n", static_cast<long long>(a.id));
  if (!before.ok() || before->pushed_to.empty()) return 0;
  // Also in the Alertmanager clusters it was pushed to ("NOTIFIER=ID,...").
  int rc = 0;
  for (const auto& pushed : SplitLabels(before->pushed_to)) {
    // Named copies, not a structured binding: clang 14 (the sanitizer builds) cannot capture
    // one in the lambda below.
    const std::string& notifier = pushed.first;
    const std::string& remote_id = pushed.second;
    auto am = AlertmanagerNotifier("expire", a.config, notifier);
    if (!am) return 2;
    auto done = RunOnLoop<Status>(
        "liqwatch-cli",
        [&](http::HttpClient& http) { return notify::ExpireRemoteSilence(http, *am, remote_id); },
        Status::Unavailable("not sent"));
    if (!done.ok()) {
      rc = Fail("expire",
                fmt::format("alertmanager {}: {}", notifier, ScrubSecrets(done.message())));
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
  auto* cmd = app.add_subcommand(
      "silence", "Silence alerts: recorded as usual, but not delivered while the silence lasts.");
  cmd->require_subcommand(1);
  auto* add = cmd->add_subcommand(
      "add", "Add a silence for a rule (or '*'), optionally only for some labels.");
  add->add_option("--db", args->db, "Database file")->capture_default_str();
  add->add_option("--rule,-r", args->rule, "Rule name, or '*' for every rule")->required();
  add->add_option("--label,-l", args->labels,
                  "Only alerts with this label (KEY=VALUE; repeatable)");
  auto* for_opt = add->add_option("--for", args->duration, "How long: 30m, 12h, 2d, 1w (> 0)");
  add->add_option("--until", args->until,
                  "Or until when (UTC, in the future): YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
      ->excludes(for_opt);
  add->add_option("--comment,-m", args->comment, "Why (shown in silence list)");
  add->add_option("--author", args->author, "Who (default: $USER)");
  add->add_option("--push", args->push,
                  "Also create it in this alertmanager notifier's cluster (needs --config)");
  add->add_option("--config,-c", args->config, "Config file (for --push)")->capture_default_str();
  add->callback([&run, args] { run = [args] { return RunAdd(*args); }; });

  auto* list = cmd->add_subcommand("list", "List active and future silences.");
  list->add_option("--db", args->db, "Database file")->capture_default_str();
  list->add_flag("--all", args->all, "Include ended silences");
  list->add_option("--format", args->format, "table, json or csv")->capture_default_str();
  list->add_option("--alertmanager", args->alertmanager,
                   "Also list this alertmanager notifier's cluster silences (needs --config)");
  list->add_option("--config,-c", args->config, "Config file (for --alertmanager)")
      ->capture_default_str();
  list->callback([&run, args] { run = [args] { return RunList(*args); }; });

  auto* expire = cmd->add_subcommand("expire", "End a silence now.");
  expire->add_option("--db", args->db, "Database file")->capture_default_str();
  expire->add_option("id", args->id, "Silence id (from silence list)")->required();
  expire
      ->add_option("--config,-c", args->config,
                   "Config file (to expire a pushed silence in Alertmanager too)")
      ->capture_default_str();
  expire->callback([&run, args] { run = [args] { return RunExpire(*args); }; });
}

}  // namespace liqwatch::cli
