// Typed configuration, as loaded from YAML by LoadConfig().
//
// Contract: a Config returned by LoadConfig() is fully validated: every reference (rule ->
// series, series -> source, rule -> notifier) resolves, every secret reference has been
// replaced by its value (and registered with the log scrubber), every default applied. It is a
// plain value: copy it freely; the daemon swaps a whole new Config in on reload.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/defaults.h"
#include "core/model.h"
#include "core/release.h"
#include "core/status.h"
#include "core/time.h"
#include "core/units.h"
#include "sources/source_config.h"

namespace liqwatch::config {

struct ExprRule;  // config/rules_config.h
struct RuleSet;   // config/rules_config.h

// Sources and series are declared with the stage that reads them (sources/source_config.h);
// their type-specific keys belong to each source type's driver (sources/drivers/).
using liqwatch::Position;
using sources::ReleaseWindow;
using sources::SeriesConfig;
using sources::SourceConfig;

enum class Comparison { kGreater, kGreaterEqual, kLess, kLessEqual };
std::string_view ComparisonText(Comparison c);

struct RuleConfig {
  std::string name;
  // A rule written as `series`/`op`/`threshold` (the API and notifications show that form);
  // empty series for a rule written as an expression.
  std::string series;
  Comparison op = Comparison::kGreater;
  double threshold = 0;  // in the canonical unit of the series' dimension
  Severity severity = Severity::kWarning;
  std::string description;
  std::vector<std::string> notify;  // notifier names; empty = all notifiers
  // Firing alerts of this rule that open within this window go out as one message per
  // notifier (webhook, Slack, email); unset: RuleGroupWait's default (config/rules_config.h).
  std::optional<Duration> group_wait;
  // The rule as the engine runs it, set by LoadConfig for both forms (a threshold rule is
  // compiled to the expression `series op threshold`).
  std::shared_ptr<const ExprRule> expr;
  Position pos;
};

// Email notifier settings (type: email); see config/notify_config.h.
struct EmailConfig {
  std::string from;                     // header From: "liqwatch <alerts@example.com>"
  std::vector<std::string> to;          // one or more recipient addresses
  std::optional<std::string> username;  // AUTH user (a secret reference is allowed)
  std::optional<std::string> password;  // AUTH password (a secret)
  std::string starttls = "required";    // smtp:// only: required, optional or off
  std::string ca_file;                  // CA bundle for TLS verification; empty = system
};

// type alertmanager (docs/notifications.md): every URL receives every alert.
struct AlertmanagerConfig {
  std::vector<std::string> urls;        // base URLs of the replicas (secrets resolved)
  Duration resend_interval{};           // re-post firing alerts; < Alertmanager's resolve_timeout
  std::string dashboard_url;            // generatorURL base; empty = no link
  std::optional<std::string> username;  // basic auth (a secret reference is allowed)
  std::optional<std::string> password;  // basic auth password (a secret)
  std::optional<std::string> bearer_token;  // Authorization: Bearer (a secret)
  std::string ca_file;                      // CA bundle for https; empty = system
};

struct NotifierConfig {
  std::string name;
  std::string type;  // webhook, slack, email, alertmanager
  std::string url;   // may be a secret (webhook URLs embed tokens); smtp(s):// for email
  Duration timeout{};
  std::optional<std::string> signing_secret;  // webhook: HMAC-SHA256 key (a secret)
  bool send_resolved = true;                  // deliver resolved events too
  bool deliver_after_silence = true;          // still firing when a silence ends: deliver
  int rate_limit_count = 0;                   // rate_limit: N/PERIOD; 0 = unlimited
  Duration rate_limit_period{};
  Duration group_wait{};            // slack/email: group alerts opening within it
  std::string message_template;     // optional {{placeholder}} text (notify/template.h)
  EmailConfig email;                // type email
  AlertmanagerConfig alertmanager;  // type alertmanager
  Position pos;
};

// A route (top-level `routes:`, config/notify_config.h): alerts of rules matching every given
// condition also go to `notify`. Evaluated in file order; without `continue` the first match
// ends the search.
struct RouteConfig {
  std::vector<std::string> severities;  // info, warning, critical; empty = any
  std::vector<std::string> rules;       // rule names, '*' globs allowed; empty = any
  std::vector<std::pair<std::string, std::string>> labels;  // all must match
  std::vector<std::string> notify;                          // notifier names
  bool continue_matching = false;
  Position pos;
};

struct DeliveryConfig {
  Duration backoff_initial{};
  Duration backoff_max{};
  Duration max_age{};
  // http.max_retry_after: ceiling on a receiver's Retry-After
  Duration max_retry_after = defaults::kMaxRetryAfter;
};

struct Config {
  std::string file;  // path it was loaded from
  std::string storage_path;
  std::string listen;                    // api.listen: HOST:PORT of the HTTP API
  std::optional<std::string> api_token;  // api.token (a secret): required bearer token if set
  std::string web_dir;                   // api.web_dir: dashboard assets; empty = default
  // api.dashboard_url: the dashboard's address as readers of notifications reach it; alerts
  // link to their detail view (with a silence button) and chart there. Empty: no links.
  std::string dashboard_url;
  std::string log_level;
  std::string user_agent;
  DeliveryConfig delivery;
  Duration age_interval{};  // evaluation.age_interval: timer for age() rules (default 60s)
  std::vector<SourceConfig> sources;
  std::vector<SeriesConfig> series;
  // One polled feed per series' `fallback:` (id "<series>@<source>", fallback_of = the series):
  // polled like a series, stored under the series it feeds with its provenance.
  std::vector<SeriesConfig> fallback_feeds;
  std::vector<RuleConfig> rules;
  std::vector<NotifierConfig> notifiers;
  std::vector<RouteConfig> routes;  // notify/routing.h
  // Series catalog (series + derived:) and compiled derived series; always set by LoadConfig.
  std::shared_ptr<const RuleSet> rule_set;

  const SourceConfig* FindSource(std::string_view name) const;
  // A hash lookup once IndexSeries() has run over the current `series` (LoadConfig does), so
  // the daemon's per-poll lookups cost the same at 10 or 10,000 series; a linear scan while
  // `series` is being built or after it grew or shrank.
  const SeriesConfig* FindSeries(std::string_view id) const;
  // Every feed the poller polls: the series, then the fallback feeds.
  std::vector<SeriesConfig> PolledFeeds() const;
  // A series or a fallback feed by its id.
  const SeriesConfig* FindFeed(std::string_view id) const;
  // Indexes `series` by id for FindSeries. Code that edits `series` in place after loading
  // (renaming an id without changing the count) calls it again.
  void IndexSeries();
  // "3 sources, 22 series, 14 rules, 2 notifiers"
  std::string Summary() const;

 private:
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, IdHash, std::equal_to<>> series_index_;
};

// One problem found in a config file, printed as "FILE:LINE:COL: message".
struct ConfigError {
  std::string file;
  Position pos;
  std::string message;
  std::string ToString() const;
};

struct LoadResult {
  std::optional<Config> config;     // set when errors is empty
  std::vector<ConfigError> errors;  // every problem found, in file order
};

// Whether ${env:}/${file:}/${cred:} references are read. Commands that send nothing
// (backtest, test-rules, rules) skip them, so a rule file checks in CI without the daemon's
// secrets: a skipped reference stays as its own text ("${env:FRED_API_KEY}"), which is not a
// secret. Literal secrets are registered with the log scrubber either way.
enum class SecretRefs { kResolve, kSkip };

// Reads and validates a config file. Never throws; I/O and YAML syntax errors are reported
// as ConfigErrors too. Thread-compatible (no global state besides the secret registry).
LoadResult LoadConfig(const std::string& path, SecretRefs secrets = SecretRefs::kResolve);
// Same, from text (tests); `file` is used in error messages.
LoadResult LoadConfigFromString(const std::string& text, const std::string& file,
                                SecretRefs secrets = SecretRefs::kResolve);

}  // namespace liqwatch::config
