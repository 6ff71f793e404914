// Every default value of the configuration, in one place.
//
// Contract: constants only. The loader applies these when a key is absent; docs/configuration.md
// lists the same values. Change a default here and nowhere else.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace liqwatch::config::defaults {

using namespace std::chrono_literals;

// Storage and service
inline constexpr std::string_view kStoragePath = "/var/lib/liqwatch/liqwatch.db";
inline constexpr std::string_view kListen = "127.0.0.1:9464";
inline constexpr std::string_view kLogLevel = "info";
// Input files are read whole and must be regular files of at most this size (a config pointed
// at /dev/zero or a multi-gigabyte file is an error, not a hang).
inline constexpr std::size_t kMaxConfigBytes = 1u << 20;   // 1 MiB: the config file
inline constexpr std::size_t kMaxSecretBytes = 64u << 10;  // 64 KiB: a ${file:}/${cred:} secret
inline constexpr int kMaxForObservations = 100000;         // rules: `for: N` observations
inline constexpr std::string_view kUserAgent =
    "liqwatch/0.1 (+https://github.com/liqwatch/liqwatch; USD funding liquidity monitor)";

// Polling
inline constexpr std::chrono::milliseconds kPollInterval = 1h;
inline constexpr std::chrono::milliseconds kHttpTimeout = 30s;
inline constexpr std::size_t kMaxBodyBytes = 8u << 20;          // 8 MiB
inline constexpr std::chrono::milliseconds kRetryInitial = 5s;  // first retry after a failed poll
inline constexpr std::chrono::milliseconds kRetryMax = 15min;   // backoff ceiling for polls
// Ceiling on a server's Retry-After (feeds and notifiers): http.max_retry_after, at most 24h.
inline constexpr std::chrono::milliseconds kMaxRetryAfter = 1h;
inline constexpr std::chrono::milliseconds kMaxRetryAfterLimit = 24h;
inline constexpr int kIncrementalOverlapDays = 7;  // re-ask this many days to catch revisions

// First poll of a series with nothing stored: how far back to ask (NY Fed, Treasury).
inline constexpr int kInitialLookbackDays = 730;
inline constexpr int kMaxPages = 20;        // paging (Treasury) stops there (an error)
inline constexpr double kPollJitter = 0.1;  // +-10% of the delay
// Release-driven polling (a series with a release calendar and no `interval:`/`windows:`):
// between due times it sleeps until the next due time, but at most this long; while a print is
// late (past due + grace) it retries at kReleaseLateInterval. The fast interval from the due
// time until the print lands is the source driver's (sources/driver.h).
inline constexpr std::chrono::milliseconds kReleaseIdleMax = 24h;
inline constexpr std::chrono::milliseconds kReleaseLateInterval = 15min;

// Delivery (outbox)
inline constexpr std::chrono::milliseconds kDeliveryTimeout = 10s;
inline constexpr std::chrono::milliseconds kDeliveryBackoffInitial = 2s;
inline constexpr std::chrono::milliseconds kDeliveryBackoffMax = 10min;
inline constexpr std::chrono::milliseconds kDeliveryMaxAge = 24h;  // then dead-lettered
inline constexpr int kDeliveryBatch = 50;
// A staleness rule over several feeds (for_each with late()/age()): its alerts opening within
// this window go out as one message per notifier (an outage makes them all fire at once).
inline constexpr std::chrono::milliseconds kStaleRuleGroupWait = 10s;
// Alertmanager: re-post still-firing alerts this often (its resolve_timeout defaults to 5m).
inline constexpr std::chrono::milliseconds kAlertmanagerResendInterval = 1min;
// evaluation.age_interval: how often the daemon evaluates age() (staleness) rules.
inline constexpr std::chrono::milliseconds kAgeInterval = 60s;

}  // namespace liqwatch::config::defaults
