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

// Base URLs per source type (each overridable per source with base_url / graph_url).
struct SourceTypeDefaults {
  std::string_view type;
  std::string_view base_url;
  std::string_view graph_url;  // FRED keyless CSV host; empty for other types
  double requests_per_second;  // per-host politeness
};
inline constexpr SourceTypeDefaults kSourceTypes[] = {
    {"fred", "https://api.stlouisfed.org", "https://fred.stlouisfed.org", 2.0},
    {"nyfed", "https://markets.newyorkfed.org", "", 2.0},
    {"treasury_dts", "https://api.fiscaldata.treasury.gov", "", 2.0},
    {"fear_greed", "https://api.alternative.me", "", 1.0},
    {"html_table", "", "", 0.2},  // base_url required (a preset may supply it)
    {"csv", "", "", 1.0},         // base_url required
    {"json", "", "", 1.0},        // base_url required
};
// html_table presets: base URL and path of the page (how each is read:
// sources/formats/html_table.h). A data-points preset reads single figures off a product page
// (remote_id names one of `points`) instead of a table.
struct HtmlPreset {
  std::string_view name;
  std::string_view base_url;
  std::string_view path;
  bool data_points = false;
};
inline constexpr std::string_view kISharesPoints = "shares_outstanding, nav or total_net_assets";
inline constexpr HtmlPreset kHtmlPresets[] = {
    {"farside_btc", "https://farside.co.uk", "/btc/"},
    {"farside_eth", "https://farside.co.uk", "/eth/"},
    {"ici_etf_flows", "https://www.ici.org", "/research/stats/etf_flows"},
    {"ishares_ibit", "https://www.ishares.com", "/us/products/333011/ishares-bitcoin-trust-etf",
     true},
    {"ishares_etha", "https://www.ishares.com", "/us/products/337614/ishares-ethereum-trust-etf",
     true},
};
inline constexpr const HtmlPreset* FindHtmlPreset(std::string_view name) {
  for (const auto& p : kHtmlPresets)
    if (p.name == name) return &p;
  return nullptr;
}

// First poll of a series with nothing stored: how far back to ask (NY Fed, Treasury).
inline constexpr int kInitialLookbackDays = 730;
inline constexpr int kTreasuryPageSize = 1000;    // rows per Fiscal Data page
inline constexpr int kTreasuryMaxPages = 20;      // paging stops there (an error)
inline constexpr int kNyFedOperationsLastN = 50;  // operations asked for per poll
inline constexpr double kPollJitter = 0.1;        // +-10% of the delay

// Delivery (outbox)
inline constexpr std::chrono::milliseconds kDeliveryTimeout = 10s;
inline constexpr std::chrono::milliseconds kDeliveryBackoffInitial = 2s;
inline constexpr std::chrono::milliseconds kDeliveryBackoffMax = 10min;
inline constexpr std::chrono::milliseconds kDeliveryMaxAge = 24h;  // then dead-lettered
inline constexpr int kDeliveryBatch = 50;
// Alertmanager: re-post still-firing alerts this often (its resolve_timeout defaults to 5m).
inline constexpr std::chrono::milliseconds kAlertmanagerResendInterval = 1min;
// evaluation.age_interval: how often the daemon evaluates age() (staleness) rules.
inline constexpr std::chrono::milliseconds kAgeInterval = 60s;

}  // namespace liqwatch::config::defaults
