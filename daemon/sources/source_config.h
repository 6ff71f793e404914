// The configured shape of a source and of a series, as the poller and the drivers read them.
//
// Contract: plain values, filled and validated by config::LoadConfig (config/loader.cpp), which
// reads the keys every source shares and asks the source's driver (sources/driver.h) to read and
// check its own. A SourceConfig from the loader always has a driver and that driver's options.
// Copy freely; the options are immutable and shared.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/defaults.h"
#include "core/model.h"
#include "core/release.h"
#include "core/time.h"
#include "core/units.h"

namespace liqwatch::sources {

class SourceDriver;  // sources/driver.h

// A driver's own settings for one source (each driver derives its own struct).
struct DriverOptions {
  virtual ~DriverOptions() = default;
};

struct SourceConfig {
  std::string name;  // key under `sources:`
  std::string type;  // a registered driver's type: fred, nyfed, csv, ... (docs/sources.md)
  const SourceDriver* driver = nullptr;          // the driver of `type`
  std::shared_ptr<const DriverOptions> options;  // the driver's keys, read by the driver
  std::string base_url;
  // html_table / csv / json: where the page is (base_url + path); set by the driver.
  std::string path;
  Duration timeout{};
  std::size_t max_body_bytes = 0;
  double requests_per_second = 0;            // per host; the driver's default unless written
  bool requests_per_second_written = false;  // (a default spares local hosts: schedule.h)
  Duration max_retry_after = config::defaults::kMaxRetryAfter;  // http.max_retry_after: ceiling
                                                                // on a 429's Retry-After
  // Hosts besides base_url's own that a redirect may lead to ("*": any). Empty: redirects stay
  // on the configured host.
  std::vector<std::string> redirect_hosts;
  // Extra request headers (User-Agent, Accept, an API token), in config order. A value written
  // as a secret reference (${env:..}, ${file:..}, ${cred:..}) is resolved and registered with
  // the log scrubber: it never appears in logs, errors or the API.
  std::vector<std::pair<std::string, std::string>> headers;
  Position pos;

  // The driver's options as its own type (the driver's code only).
  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*options);
  }
};

// An optional faster schedule during release windows, in America/New_York on US business days.
struct ReleaseWindow {
  int start_minute = 0;  // minutes after midnight, New York time
  int end_minute = 0;    // exclusive
  Duration interval{};
};

struct SeriesConfig {
  std::string id;            // liqwatch's name for the series, used by rules
  std::string source;        // name of a SourceConfig
  std::string remote_id;     // the feed's own id, e.g. FRED's "SOFR"
  Unit unit = Unit::kIndex;  // unit the feed publishes in; stored values are canonical
  // Fixed schedule: poll every `interval` (with `windows`, faster inside them). Unset (no
  // `interval:` and no `windows:`) with a release calendar: polled by the calendar
  // (sources/schedule.h); unset without one: defaults::kPollInterval.
  Duration interval{};
  bool interval_written = false;  // `interval:` present
  std::string description;
  // Which value of a multi-value feed: NY Fed rates "percentRate" (default),
  // "percentPercentile1/25/75/99", "volumeInBillions"; NY Fed operations "total" (default).
  std::string field;
  std::vector<ReleaseWindow> windows;  // release windows (polled at their interval)
  double jitter = 0.1;                 // fraction of the delay, +-
  std::optional<Duration> max_age;     // rules: an older latest value counts as missing (7d)
  // Rules read a provisional value (Farside's newest row before every fund reported) only
  // when this is set; by default they wait until the row is final (store: provisional 0).
  bool alert_on_provisional = false;
  // When each print is due (config/release_config.h): `release:` or the built-in default of
  // the source; nullopt when neither (or `release: none`). Drives late(), the `late` state and
  // release-driven polling.
  std::optional<ReleaseSchedule> release;
  bool release_written = false;  // `release:` present (a schedule or none): no default
  // `fallback:`: a second source of the same series (docs/sources.md, "Fallback source"),
  // polled on its own calendar as the feed Config::fallback_feeds holds. Each source declares
  // the unit it publishes in; both store in the series' canonical unit.
  struct Fallback {
    std::string source;
    std::string remote_id;
    Unit unit = Unit::kIndex;
    std::string field;
    std::optional<ReleaseSchedule> release;
    bool release_written = false;
    Position pos;
  };
  std::optional<Fallback> fallback;
  // On a fallback feed (id "<series>@<source>"): the series it feeds; "" on a configured series.
  std::string fallback_of;
  Position pos;

  // The id observations are stored and judged under.
  const std::string& stored_id() const { return fallback_of.empty() ? id : fallback_of; }
};

}  // namespace liqwatch::sources
