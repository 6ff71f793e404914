// `liqwatch notify-test --config FILE --notifier NAME`: sends one test message through a
// configured notifier, so an operator can check a channel (URL, credentials, TLS, routing on
// the receiving side) without waiting for an alert. Nothing is written to the database.
#include <cstdio>
#include <random>

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cli/command.h"
#include "config/config.h"
#include "core/log.h"
#include "http/client.h"
#include "notify/context.h"
#include "notify/factory.h"

namespace liqwatch::cli {

namespace {

struct NotifyTestArgs {
  std::string notifier;
  std::string severity = "info";
};

std::string RandomHex32() {
  std::random_device rd;
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) out += kHex[rd() & 0xf];
  return out;
}

// A synthetic event: clearly a test, shaped like a real one so the channel renders it fully.
store::DeliveryJob TestJob(const NotifyTestArgs& a, TimePoint now) {
  store::DeliveryJob j;
  j.notifier = a.notifier;
  j.idempotency_key = RandomHex32();
  j.event_id = 0;
  j.rule = "liqwatch_notify_test";
  j.kind = "test";
  j.severity = a.severity;
  j.series = "test";
  j.obs_date = FormatDate(std::chrono::floor<std::chrono::days>(now));
  j.eval_time = FormatTime(now);
  j.message = "Test notification from liqwatch notify-test: if you can read this, the '" +
              a.notifier + "' channel works.";
  return j;
}

int RunNotifyTest(Command& cmd, const NotifyTestArgs& a) {
  auto loaded = cmd.LoadConfig();
  if (!loaded) return kExitUsage;
  const config::Config& c = *loaded;
  LogOptions log;
  log.level = "warn";
  (void)InitLogging(log);
  const config::NotifierConfig* nc = nullptr;
  std::string names;
  for (const auto& n : c.notifiers) {
    if (n.name == a.notifier) nc = &n;
    names += (names.empty() ? "" : ", ") + n.name;
  }
  if (nc == nullptr)
    return cmd.Usage(fmt::format("no notifier '{}' in {} (configured: {})", a.notifier,
                                 cmd.config_path(), names.empty() ? "none" : names));
  boost::asio::io_context io;
  http::HttpClient http(io, c.user_agent);
  SystemWallClock clock;
  auto notifier = notify::MakeNotifier(*nc, {http, clock, notify::AlertCatalog::Build(c)});
  if (!notifier) return cmd.Usage(fmt::format("notifier type '{}' cannot send", nc->type));
  auto job = TestJob(a, clock.Now());
  notify::SendResult result;
  result.outcome = notify::SendResult::Outcome::kRetryable;
  result.error = "not sent";
  auto send = [&]() -> boost::asio::awaitable<void> {
    auto op = notifier->Send(job);
    result = co_await std::move(op);
  };
  boost::asio::co_spawn(io, send(), [&](std::exception_ptr e) {
    if (e) result.error = "internal error";
  });
  io.run();
  if (result.outcome == notify::SendResult::Outcome::kDelivered) {
    std::printf("notifier %s (%s): test message delivered\n", nc->name.c_str(), nc->type.c_str());
    return kExitOk;
  }
  return cmd.Fail(fmt::format(
      "notifier {} ({}): {} failure: {}", nc->name, nc->type,
      result.outcome == notify::SendResult::Outcome::kPermanent ? "permanent" : "retryable",
      ScrubSecrets(result.error)));
}

}  // namespace

void RegisterNotifyTest(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<NotifyTestArgs>();
  auto cmd = Command::Add(
      app, "notify-test",
      "Send a test message through one configured notifier (webhook, Slack or email). Exit 0 "
      "when it was delivered, 1 when the channel failed, 2 on a config error.");
  cmd->WithConfig(Command::ConfigFile::kRequired);
  cmd->app()
      .add_option("--notifier,-n", args->notifier, "Name of the notifier under notifiers:")
      ->required();
  cmd->app()
      .add_option("--severity", args->severity, "Severity shown in the test message")
      ->check(CLI::IsMember({"info", "warning", "critical"}))
      ->capture_default_str();
  cmd->Run(run, [args](Command& c) { return RunNotifyTest(c, *args); });
}

}  // namespace liqwatch::cli
