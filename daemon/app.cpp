#include "app.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "alerts/ingest.h"
#include "alerts/live.h"
#include "api/api.h"
#include "config/config.h"
#include "config/rules_config.h"
#include "core/log.h"
#include "core/service_notify.h"
#include "http/client.h"
#include "http/server.h"
#include "notify/dispatcher.h"
#include "notify/factory.h"
#include "notify/routing.h"
#include "sources/poller.h"
#include "store/lock.h"
#include "store/worker.h"

namespace liqwatch {

namespace asio = boost::asio;

namespace {

// The rules' view of which notifiers a transition goes to: the rule's notify: + matching
// routes (on the event's labels and severity), else every notifier.
std::vector<std::string> TargetsFor(const config::Config& c, const config::RuleConfig& rule,
                                    const store::Transition& t) {
  return notify::Targets(c, rule, t.labels, t.severity);
}

// Store a successful poll of `series` and evaluate the rules on it, all in one transaction
// (alerts/ingest.h), with, only for a series configured in `c`, its health row and the
// response's validators written last in the same transaction: validators committed without
// their data would answer the next poll with a 304 for data never stored, and a health row
// would claim a poll whose data was rolled back. A poller retired by a reload that removed its
// series records neither: Daemon::ForgetUnpolled has deleted them. Returns the deliveries
// queued. Runs on the store thread: it must only use its arguments (copied in) and the Store.
Result<int> IngestPoll(store::Store& s, const config::Config& c, const config::SeriesConfig& series,
                       const std::vector<Observation>& batch,
                       const std::optional<sources::ObservationSink::FetchedValidators>& validators,
                       TimePoint now) {
  auto finish = [&](store::Store& st, bool fresh) -> Status {
    if (c.FindFeed(series.id) == nullptr) return Status::Ok();
    if (auto r = st.RecordPollSuccess(series.id, series.source, now, fresh); !r.ok()) return r;
    if (validators)
      return st.SaveHttpValidators(series.id, validators->url, validators->validators, now);
    return Status::Ok();
  };
  auto targets = [&c](const config::RuleConfig& rule, const store::Transition& t) {
    return TargetsFor(c, rule, t);
  };
  return alerts::IngestPoll(s, c, series, batch, now, targets, finish);
}

class Daemon final : public sources::ObservationSink {
 public:
  Daemon(std::shared_ptr<const config::Config> config, std::unique_ptr<store::Store> store,
         std::unique_ptr<store::Store> reader)
      : config_(std::move(config)),
        http_(io_, config_->user_agent),
        store_(std::move(store)),
        dispatcher_(io_, store_, clock_),
        signals_(io_, SIGTERM, SIGINT),
        hup_(io_, SIGHUP),
        watchdog_(io_),
        age_timer_(io_),
        reader_(std::move(reader)) {}

  int Run(const RunOptions& options) {
    options_ = options;
    ApplyConfig();
    WaitForSignals();
    StartWatchdog();
    asio::co_spawn(io_, AgeLoop(), asio::detached);
    StartApi();
    Logger("app")->info("event=started {} db={}", config_->Summary(), config_->storage_path);
    (void)notify_.Ready();
    (void)notify_.Status(
        fmt::format("polling {} series, {} rules", config_->series.size(), config_->rules.size()));
    io_.run();
    Logger("app")->info("event=stopped");
    return 0;
  }

  // ObservationSink. The two reads before each request (last stored date, validators) are
  // answered from memory after the first poll of a series: this daemon is the only writer of
  // observations and validators, and it updates both here once a poll is committed.
  asio::awaitable<std::optional<Date>> LastStoredDate(const config::SeriesConfig& series) override {
    poll_started_[series.id] = std::chrono::steady_clock::now();  // a poll starts here
    if (auto it = last_date_.find(series.id); it != last_date_.end()) co_return it->second;
    // A fallback feed asks what its own source delivered (its first poll backfills history).
    auto job = [id = series.stored_id(), source = series.fallback_of.empty()
                                                      ? std::optional<std::string>()
                                                      : std::optional<std::string>(series.source)](
                   store::Store& s) { return s.LastObservationDate(id, source); };
    auto r = co_await store_.Run(job);
    if (!r.ok()) co_return std::nullopt;  // not remembered: asked again next poll
    last_date_[series.id] = *r;
    co_return *r;
  }

  asio::awaitable<std::optional<HttpValidators>> StoredValidators(
      const config::SeriesConfig& series, const std::string& url) override {
    auto& known = validators_[series.id];
    if (auto it = known.find(url); it != known.end()) co_return it->second;
    auto job = [id = series.id, url](store::Store& s) { return s.GetHttpValidators(id, url); };
    auto r = co_await store_.Run(job);
    if (!r.ok()) {
      Logger("store")->error("event=validators_read_failed series={} error=\"{}\"", series.id,
                             r.status().message());
      co_return std::nullopt;  // an unconditional request costs bytes, not correctness
    }
    RememberValidators(series.id, url, *r);
    co_return *r;
  }

  asio::awaitable<bool> OnObservations(const config::SeriesConfig& series,
                                       std::vector<Observation> batch,
                                       std::optional<FetchedValidators> validators) override {
    ObserveFetch(series);
    auto config = config_;  // the config this batch is evaluated under, even across a reload
    auto now = clock_.Now();
    std::optional<Date> newest;
    for (const auto& o : batch)
      if (o.series == series.id && (!newest || o.date > *newest)) newest = o.date;
    std::optional<FetchedValidators> remember = validators;
    auto job = [config, series, batch = std::move(batch), validators = std::move(validators), now,
                earlier = TakeUnchanged(series.id)](store::Store& s) -> Result<int> {
      if (earlier) {
        auto w = s.RecordUnchangedPolls({*earlier});
        if (!w.ok()) return w;
      }
      return IngestPoll(s, *config, series, batch, validators, now);
    };
    auto r = co_await store_.Run(job);
    if (!r.ok()) {
      Logger("store")->error("event=ingest_failed series={} error=\"{}\"", series.id,
                             r.status().message());
      // The whole poll was rolled back (alerts/ingest.h): it counts as a failed poll, so the
      // health row, `liqwatch status` and /metrics say why the series does not advance.
      co_await OnPollError(series, Status::IoError("storing the poll failed, nothing of it was "
                                                   "kept: " +
                                                   r.status().message()));
      co_return false;
    }
    // Committed: what the next poll of this series asks for beforehand.
    if (auto it = last_date_.find(series.id); it != last_date_.end() && newest)
      it->second = std::max(it->second.value_or(*newest), *newest);
    if (remember && config_->FindFeed(series.id) != nullptr) {
      const auto& v = remember->validators;
      RememberValidators(series.id, remember->url,
                         v.empty() ? std::nullopt : std::optional<HttpValidators>(v));
    }
    if (*r > 0) dispatcher_.Wake();
    recorded_.insert(series.id);
    NoteOutcome(series.id, true);
    co_return true;
  }

  // The answer is the one already stored: nothing to store or evaluate, and no write either.
  // The poll is noted in memory; its health row (last success, poll count) is written with
  // every other series' at most kHealthFlushEvery later, before the series' next failure or
  // new data, and at shutdown. A crash loses at most that much "last polled at" and poll
  // count; observations and alerts are written by the polls that bring them, as before.
  // A change the row must show at once is written at once: the series' first poll of this
  // run, or its first success after a failure (consecutive_failures back to 0).
  asio::awaitable<void> OnUnchanged(const config::SeriesConfig& series) override {
    ObserveFetch(series);
    if (config_->FindFeed(series.id) == nullptr) co_return;  // removed by a reload
    auto& polls = unchanged_[series.id];
    polls.series = series.id;
    polls.source = series.source;
    polls.last = clock_.Now();
    ++polls.count;
    if (!recorded_.contains(series.id) || failing_.contains(series.id)) {
      auto job = [polls = *TakeUnchanged(series.id)](store::Store& st) {
        return st.RecordUnchangedPolls({polls});
      };
      auto s = co_await store_.Run(job);
      if (!s.ok()) Logger("store")->error("event=health_write_failed error=\"{}\"", s.message());
      recorded_.insert(series.id);
    } else if (!health_flush_scheduled_ && !stopping_) {
      health_flush_scheduled_ = true;
      asio::co_spawn(io_, FlushHealthLater(), asio::detached);
    }
    NoteOutcome(series.id, true);
  }

  asio::awaitable<void> OnPollError(const config::SeriesConfig& series,
                                    const Status& error) override {
    ObserveFetch(series);
    // A poller retired by a reload that removed its series: no health row for it any more.
    if (config_->FindFeed(series.id) == nullptr) co_return;
    auto now = clock_.Now();
    auto job = [id = series.id, src = series.source, msg = error.message(), now,
                earlier = TakeUnchanged(series.id)](store::Store& st) {
      if (earlier) {
        auto w = st.RecordUnchangedPolls({*earlier});
        if (!w.ok()) return w;
      }
      return st.RecordPollFailure(id, src, now, msg);
    };
    auto s = co_await store_.Run(job);
    if (!s.ok()) Logger("store")->error("event=health_write_failed error=\"{}\"", s.message());
    recorded_.insert(series.id);
    NoteOutcome(series.id, false);
  }

  // The unchanged polls noted since the last flush, every series' in one transaction.
  asio::awaitable<void> FlushHealthLater() {
    health_timer_.expires_after(kHealthFlushEvery);
    boost::system::error_code ec;
    co_await health_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    health_flush_scheduled_ = false;
    if (ec) co_return;  // cancelled by Shutdown, which flushes
    co_await FlushHealth();
  }

  asio::awaitable<void> FlushHealth() {
    if (unchanged_.empty()) co_return;
    std::vector<store::UnchangedPolls> polls;
    polls.reserve(unchanged_.size());
    for (auto& [id, p] : unchanged_) polls.push_back(std::move(p));
    unchanged_.clear();
    auto job = [polls = std::move(polls)](store::Store& st) {
      return st.RecordUnchangedPolls(polls);
    };
    auto s = co_await store_.Run(job);
    if (!s.ok()) Logger("store")->error("event=health_write_failed error=\"{}\"", s.message());
  }

  // Staleness: rules using age() are also evaluated every evaluation.age_interval (read again
  // after each wait, so a reload applies from the next tick), not only on new observations.
  asio::awaitable<void> AgeLoop() {
    for (;;) {
      age_timer_.expires_after(config_->age_interval);
      boost::system::error_code ec;
      co_await age_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec || stopping_) co_return;
      auto config = config_;
      auto now = clock_.Now();
      // One transaction: the transitions, their outbox rows and the rule memory together.
      auto job = [config, now](store::Store& s) {
        return s.Atomically([&] {
          return alerts::EvaluateAgeRules(
              s, *config, now,
              [&config](const config::RuleConfig& rule, const store::Transition& t) {
                return TargetsFor(*config, rule, t);
              });
        });
      };
      auto r = co_await store_.Run(job);
      if (!r.ok()) {
        Logger("alerts")->error("event=age_evaluation_failed error=\"{}\"", r.status().message());
        continue;
      }
      if (*r > 0) dispatcher_.Wake();
    }
  }

  // Per poll, O(1): the series' outcome is noted and a STATUS= refresh is scheduled unless one
  // is already; the refresh (ReportStatus) runs at most once per kStatusEvery.
  void NoteOutcome(const std::string& series, bool ok) {
    if (config_->FindFeed(series) == nullptr) return;  // removed by a reload
    if (ok) {
      failing_.erase(series);
    } else {
      failing_.insert(series);
    }
    if (status_scheduled_ || stopping_) return;
    status_scheduled_ = true;
    asio::co_spawn(io_, ReportStatus(), asio::detached);
  }

  // The systemd STATUS= line, e.g. "22 series: 21 ok, 1 failing (nasdaq); 2 alerts firing"
  // (failing series by id, the first kStatusNames named). Sent only when it changes.
  asio::awaitable<void> ReportStatus() {
    const auto due = last_status_at_ + kStatusEvery;
    if (due > std::chrono::steady_clock::now()) {
      status_timer_.expires_at(due);
      boost::system::error_code ec;
      co_await status_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec || stopping_) co_return;
    }
    status_scheduled_ = false;  // outcomes from here on schedule the next refresh
    last_status_at_ = std::chrono::steady_clock::now();
    auto count = [](store::Store& st) { return st.CountRulesInState(AlertState::kFiring); };
    auto firing = co_await store_.Run(count);
    const std::size_t total = config_->series.size();
    std::string text = fmt::format("{} series: {} ok, {} failing", total, total - failing_.size(),
                                   failing_.size());
    if (!failing_.empty()) {
      std::vector<std::string_view> names;
      for (const auto& id : failing_) {
        if (names.size() == kStatusNames) break;
        names.push_back(id);
      }
      text += fmt::format(" ({}{})", fmt::join(names, ", "),
                          failing_.size() > names.size()
                              ? fmt::format(", {} more", failing_.size() - names.size())
                              : "");
    }
    if (firing.ok()) text += fmt::format("; {} alerts firing", *firing);
    if (text != last_status_) {
      last_status_ = text;
      (void)notify_.Status(text);
    }
  }

 private:
  // The unchanged polls of `series` not yet written, now to be written by the caller.
  std::optional<store::UnchangedPolls> TakeUnchanged(const std::string& series) {
    auto node = unchanged_.extract(series);
    if (node.empty()) return std::nullopt;
    return std::move(node.mapped());
  }

  // Bounded like the store's (Store::kValidatorUrlsPerSeries): an incremental feed's URL moves
  // on with its dates, so the oldest are dropped.
  void RememberValidators(const std::string& series, const std::string& url,
                          std::optional<HttpValidators> v) {
    auto& known = validators_[series];
    if (known.size() >= 2 * store::Store::kValidatorUrlsPerSeries && !known.contains(url))
      known.clear();
    known[url] = std::move(v);
  }

  void ApplyConfig() {
    auto notifiers = notify::MakeNotifiers(*config_, http_, clock_);
    std::map<std::string, Duration> group_waits;
    for (const auto& r : config_->rules) group_waits[r.name] = config::RuleGroupWait(r);
    dispatcher_.Configure(std::move(notifiers), config_->delivery, std::move(group_waits));
    if (!poller_) {
      dispatcher_.Start();
    }
    if (poller_) poller_->Stop();
    retired_.push_back(std::move(poller_));
    std::erase_if(failing_, [this](const auto& id) { return !config_->FindFeed(id); });
    // Validators of removed series are deleted from the store (ForgetUnpolled); the memory
    // of what is stored starts afresh with the new config.
    last_date_.clear();
    validators_.clear();
    asio::co_spawn(io_, ForgetUnpolled(config_), asio::detached);
    poller_ = std::make_unique<sources::Poller>(io_, http_, *this, clock_);
    for (const auto& warning : sources::PollRateWarnings(config_->sources, config_->PolledFeeds()))
      Logger("poller")->warn("event=rate_limit_caps_polls {}", warning);
    // The poller's coroutines hold references to their feeds: kept as long as retired_.
    polled_.push_back(config_->PolledFeeds());
    poller_->Start(config_->sources, polled_.back());
    asio::co_spawn(io_, RetireRemoved(config_), asio::detached);
  }

  // Alerts of rules (or for_each items) the config no longer has are closed, not left open.
  asio::awaitable<void> RetireRemoved(std::shared_ptr<const config::Config> config) {
    auto now = clock_.Now();
    auto job = [config, now](store::Store& s) {
      return s.Atomically([&] { return alerts::RetireRemovedInstances(s, *config, now); });
    };
    auto r = co_await store_.Run(job);
    if (!r.ok()) {
      Logger("alerts")->error("event=retire_failed error=\"{}\"", r.status().message());
      co_return;
    }
    if (*r > 0) dispatcher_.Wake();
  }

  // Health rows (and validators) describe the configured series only: those of series removed
  // from the config are deleted at start and on reload, so `liqwatch status` (which reads the
  // database without a config), /metrics and the API agree with what is polled. Their
  // observations stay: history is data.
  asio::awaitable<void> ForgetUnpolled(std::shared_ptr<const config::Config> config) {
    std::vector<std::string> keep;
    for (const auto& s : config->PolledFeeds()) keep.push_back(s.id);
    // Unchanged polls noted under the old config: those of kept series are written first.
    std::vector<store::UnchangedPolls> polls;
    for (auto& [id, p] : unchanged_)
      if (config->FindFeed(id) != nullptr) polls.push_back(std::move(p));
    unchanged_.clear();
    auto job = [keep = std::move(keep),
                polls = std::move(polls)](store::Store& s) -> Result<std::vector<std::string>> {
      if (auto w = s.RecordUnchangedPolls(polls); !w.ok()) return w;
      return s.ForgetUnpolledSeries(keep);
    };
    auto r = co_await store_.Run(job);
    if (!r.ok()) {
      Logger("store")->error("event=health_prune_failed error=\"{}\"", r.status().message());
    } else if (!r->empty()) {
      Logger("app")->info("event=series_forgotten count={} series={}", r->size(),
                          fmt::join(*r, ","));
    }
  }

  void WaitForSignals() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      Logger("app")->info("event=shutdown signal={}", sig);
      asio::co_spawn(io_, Shutdown(), asio::detached);
    });
    WaitForHangup();
  }

  void WaitForHangup() {
    hup_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      Reload();
      WaitForHangup();
    });
  }

  void Reload() {
    auto log = Logger("app");
    (void)notify_.Reloading();
    auto loaded = config::LoadConfig(options_.config_path);
    if (!loaded.config) {
      for (const auto& e : loaded.errors) log->error("event=reload_rejected {}", e.ToString());
      log->error("event=reload_rejected errors={} keeping the running config",
                 loaded.errors.size());
    } else {
      // The database is opened once; a reload cannot move it.
      loaded.config->storage_path = config_->storage_path;
      config_ = std::make_shared<const config::Config>(std::move(*loaded.config));
      if (!options_.log_level) (void)SetLogLevel(config_->log_level);
      ApplyConfig();
      log->info("event=reloaded {}", config_->Summary());
    }
    (void)notify_.Ready();
  }

  asio::awaitable<void> Shutdown() {
    (void)notify_.Stopping();
    stopping_ = true;
    age_timer_.cancel();
    if (api_) api_->SetReady(false);
    if (server_) server_->Stop();
    hup_.cancel();
    if (poller_) poller_->Stop();
    health_timer_.cancel();
    co_await FlushHealth();
    co_await dispatcher_.Stop(options_.drain_timeout);
    http_.Cancel();
    watchdog_.cancel();
    status_timer_.cancel();
    io_.stop();
  }

  // The HTTP API on this loop, reading through its own read-only store connection. A failure
  // to listen is logged and the daemon runs on without it: alerting matters more.
  void StartApi() {
    const std::string listen = options_.listen.value_or(config_->listen);
    if (listen == "off" || listen.empty()) return;
    const std::string web = api::FindWebDir(options_.web_dir.value_or(config_->web_dir));
    api_ = std::make_unique<api::Api>(
        reader_, store_, [this] { return config_; }, clock_, web, LIQWATCH_VERSION);
    server_ = std::make_unique<http::Server>(
        io_, [api = api_.get()](const http::Request& r) { return api->Handle(r); });
    if (auto s = server_->Listen(listen); !s.ok()) {
      Logger("api")->error("event=listen_failed error=\"{}\"", s.message());
      server_.reset();
      return;
    }
    server_->Start();
    api_->SetLoopbackOnly(server_->loopback_only());
    api_->SetReady(true);
    const char* writes = config_->api_token         ? "bearer"
                         : server_->loopback_only() ? "loopback"
                                                    : "refused";
    Logger("api")->info("event=listening address={} port={} web_dir={} auth={} writes={}", listen,
                        server_->port(), web.empty() ? "(none)" : web,
                        config_->api_token ? "bearer" : "none", writes);
    if (!config_->api_token && !server_->loopback_only())
      Logger("api")->warn(
          "event=api_writes_refused reason=\"listening beyond loopback without api.token\"");
  }

  void ObserveFetch(const config::SeriesConfig& series) {
    auto it = poll_started_.find(series.id);
    if (it == poll_started_.end() || !api_) return;
    api_->ObserveFetch(
        series.source,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second).count());
    poll_started_.erase(it);
  }

  void StartWatchdog() {
    auto interval = notify_.WatchdogInterval();
    if (interval.count() == 0) return;
    (void)notify_.WatchdogPing();
    // Pinged from the loop itself: a stuck loop stops pinging and systemd restarts us.
    watchdog_.expires_after(interval);
    watchdog_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) StartWatchdog();
    });
  }

  SystemWallClock clock_;
  ServiceNotify notify_;
  RunOptions options_;
  std::shared_ptr<const config::Config> config_;
  asio::io_context io_;
  http::HttpClient http_;
  store::StoreWorker store_;
  notify::Dispatcher dispatcher_;
  std::unique_ptr<sources::Poller> poller_;
  std::vector<std::unique_ptr<sources::Poller>> retired_;  // coroutines may still reference them
  std::deque<std::vector<config::SeriesConfig>> polled_;   // the feeds of each poller, ditto
  std::set<std::string> failing_;  // series whose last poll failed, for STATUS=
  std::string last_status_;
  static constexpr auto kStatusEvery = std::chrono::seconds(1);
  static constexpr std::size_t kStatusNames = 10;
  std::chrono::steady_clock::time_point last_status_at_{};
  bool status_scheduled_ = false;
  asio::steady_timer status_timer_{io_};
  // Unchanged polls not yet written (OnUnchanged), and the series whose health row this run
  // has written.
  static constexpr auto kHealthFlushEvery = std::chrono::seconds(10);
  std::unordered_map<std::string, store::UnchangedPolls> unchanged_;
  std::unordered_set<std::string> recorded_;
  bool health_flush_scheduled_ = false;
  asio::steady_timer health_timer_{io_};
  // What the store holds, for the poller's pre-request questions (see LastStoredDate).
  std::unordered_map<std::string, std::optional<Date>> last_date_;
  std::unordered_map<std::string, std::map<std::string, std::optional<HttpValidators>>> validators_;
  asio::signal_set signals_;
  asio::signal_set hup_;
  asio::steady_timer watchdog_;
  asio::steady_timer age_timer_;  // AgeLoop
  bool stopping_ = false;
  store::StoreWorker reader_;  // API reads: own connection and thread, never behind writes
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<http::Server> server_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> poll_started_;
};

// At start-up, before anything is evaluated or sent: the store's invariant (alerts,
// rule_state, rule_memory and events agree; store.h CheckConsistency). Every unit of
// evaluation is one transaction, so a crash cannot break it; a violation means the file was
// edited by hand, restored from a partial copy or written by an older liqwatch that evaluated
// in several transactions. The daemon then refuses to start rather than repair: a guessed
// repair could page for an alert that never opened or lose one that did. Each violation is
// logged with its rows, so an operator can fix them (docs/operations.md) or restore a backup.
Status CheckStoreConsistency(store::Store& s) {
  auto log = Logger("store");
  auto violations = s.CheckConsistency();
  if (!violations.ok()) {
    log->critical("event=consistency_check_failed error=\"{}\"", violations.status().message());
    return violations.status();
  }
  if (violations->empty()) return Status::Ok();
  for (const auto& v : *violations)
    log->critical("event=invariant_violated check={} {}", v.check, v.detail);
  log->critical(
      "event=refusing_to_start violations={} reason=\"the database breaks the invariant "
      "(alerts, rule_state, rule_memory and events agree); nothing was changed, see "
      "docs/operations.md 'Consistency check at start-up'\"",
      violations->size());
  return Status::Internal("database inconsistent");
}

}  // namespace

int RunDaemon(const RunOptions& options) {
  auto loaded = config::LoadConfig(options.config_path);
  if (!loaded.config) {
    for (const auto& e : loaded.errors)
      std::fprintf(stderr, "%s\n", ScrubSecrets(e.ToString()).c_str());
    return 2;
  }
  auto& config = *loaded.config;
  if (options.db_path) config.storage_path = *options.db_path;
  LogOptions log;
  log.level = options.log_level.value_or(config.log_level);
  log.journald = std::getenv("JOURNAL_STREAM") != nullptr;
  if (auto s = InitLogging(log); !s.ok()) {
    std::fprintf(stderr, "liqwatch: %s\n", s.message().c_str());
    return 2;
  }
  // One daemon per database, held until RunDaemon returns (after the daemon's teardown).
  auto lock = store::LockDatabase(config.storage_path);
  if (!lock.ok()) {
    Logger("store")->critical("event=locked error=\"{}\"", lock.status().message());
    std::fprintf(stderr, "liqwatch: %s\n", lock.status().message().c_str());
    return 1;
  }
  auto store = store::Store::Open(config.storage_path, store::Store::Mode::kReadWrite);
  if (!store.ok()) {
    Logger("store")->critical("event=open_failed error=\"{}\"", store.status().message());
    return 1;
  }
  if (auto st = CheckStoreConsistency(**store); !st.ok()) return 1;
  auto reader = store::Store::Open(config.storage_path, store::Store::Mode::kReadOnly);
  if (!reader.ok()) {
    Logger("store")->critical("event=open_failed error=\"{}\"", reader.status().message());
    return 1;
  }
  // Keep the loop single-threaded: signals are handled by Asio, not by async handlers.
  auto shared = std::make_shared<const config::Config>(std::move(config));
  Daemon daemon(shared, std::move(*store), std::move(*reader));
  return daemon.Run(options);
}

}  // namespace liqwatch
