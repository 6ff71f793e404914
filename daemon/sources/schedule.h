// When the poller asks a feed again: pure functions of the series' config, what is stored and
// the time, so every schedule is unit-tested with a FixedWallClock's time.
//
// Contract: pure, thread-safe, never throw; no clock is read (`now` is passed in). Three
// schedules, chosen per series (docs/sources.md, "When a series is polled"):
// - release-driven: the series has a release calendar (`release:` or the built-in default of
//   its feed) and writes neither `interval:` nor `windows:`. It sleeps until the next print is
//   due, polls at the driver's fast interval from the due time until the print lands, then
//   sleeps again. A print past due + grace is late (freshness says so); it is retried every
//   defaults::kReleaseLateInterval until it lands or the next one is due.
// - windows: `windows:` polls at each window's interval inside it (New York time, US business
//   days), else at `interval`.
// - fixed: every `interval` (defaults::kPollInterval when unset).
// Polls run on a grid anchored at their scheduled start (NextSlot), so a slow response or
// store never stretches the interval, and missed slots are skipped, not caught up in a burst.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "sources/source_config.h"

namespace liqwatch::sources {

// True if `series` is polled by its release calendar (see the contract).
bool IsReleaseDriven(const SeriesConfig& series);

// Fixed and windowed schedules: the interval, or a release window's interval while New York
// time is inside a window on a US business day, never past the start of the next window
// today. Without jitter.
Duration ScheduleDelay(const SeriesConfig& series, TimePoint now);

// Release-driven schedule: the delay after a successful poll at `now` that left `latest` as
// the newest stored date of the series; `fast` is the driver's fast_poll_interval().
Duration ReleaseDelay(const ReleaseSchedule& release, std::optional<Date> latest, TimePoint now,
                      Duration fast);

// The delay after a successful poll: ReleaseDelay for release-driven series, else
// ScheduleDelay. Without jitter.
Duration SuccessDelay(const SeriesConfig& series, Duration fast, std::optional<Date> latest,
                      TimePoint now);

// The next start on the grid: `scheduled + delay`, or, if that is already past at `now` (the
// poll overran), the first later slot `scheduled + k * delay` at or after `now`.
std::chrono::steady_clock::time_point NextSlot(std::chrono::steady_clock::time_point scheduled,
                                               Duration delay,
                                               std::chrono::steady_clock::time_point now);

// How often a series is polled at most (its fastest interval: the fast interval of a
// release-driven series, the shortest window or `interval`), in polls per second.
double PeakPollsPerSecond(const SeriesConfig& series, Duration fast);

// check-config warnings: each host whose series together poll faster than its sources'
// requests_per_second allow ("host api.example.com: 12 series poll up to 12 requests/s but
// requests_per_second is 1 (sources: x); polls will be spaced out to 1/s ..."). Empty: none.
std::vector<std::string> PollRateWarnings(const std::vector<SourceConfig>& sources,
                                          const std::vector<SeriesConfig>& series);

// True for loopback and private-network hosts (localhost, 127.0.0.0/8, ::1, 10/8, 172.16/12,
// 192.168/16, *.localhost, *.internal, *.local): the default per-host rate limit does not
// apply to them (a local feed or a test server is not a public site to be polite to).
bool IsLocalHost(std::string_view host);

// The request rate the poller keeps to `host` for `source`, in requests per second; 0: no
// limit. The source's requests_per_second, except that the type's default (the key not
// written) does not apply to a local host (IsLocalHost).
double HostLimit(const SourceConfig& source, std::string_view host);

}  // namespace liqwatch::sources
