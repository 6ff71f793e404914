#include "sources/schedule.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/calendar.h"
#include "core/defaults.h"
#include "core/release.h"
#include "sources/driver.h"
#include "sources/fetch.h"

namespace liqwatch::sources {

bool IsReleaseDriven(const SeriesConfig& series) {
  return series.release && !series.interval_written && series.windows.empty();
}

Duration ScheduleDelay(const SeriesConfig& series, TimePoint now) {
  Duration delay = series.interval;
  if (series.windows.empty()) return delay;
  auto ny = ToNewYork(now);
  if (!ny.ok() || !IsBusinessDay(ny->date)) return delay;
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(ny->time_of_day).count();
  for (const auto& w : series.windows) {
    if (minute >= w.start_minute && minute < w.end_minute) delay = std::min(delay, w.interval);
    if (minute < w.start_minute) {
      auto until = std::chrono::duration_cast<Duration>(std::chrono::minutes(w.start_minute) -
                                                        ny->time_of_day);
      delay = std::min(delay, until);
    }
  }
  return std::max(delay, Duration(1));
}

Duration ReleaseDelay(const ReleaseSchedule& release, std::optional<Date> latest, TimePoint now,
                      Duration fast) {
  using config::defaults::kReleaseIdleMax;
  using config::defaults::kReleaseLateInterval;
  if (!IsLate(release, latest, now)) return PollDelay(release, latest, now, fast, kReleaseIdleMax);
  // Late: freshness reports it; keep asking, less often, until it lands or the next is due.
  Duration delay = kReleaseLateInterval;
  if (auto next = NextDueTime(release, now))
    delay = std::min(delay, std::chrono::ceil<Duration>(*next - now));
  return std::max(delay, Duration(1));
}

Duration SuccessDelay(const SeriesConfig& series, Duration fast, std::optional<Date> latest,
                      TimePoint now) {
  if (IsReleaseDriven(series)) return ReleaseDelay(*series.release, latest, now, fast);
  return ScheduleDelay(series, now);
}

std::chrono::steady_clock::time_point NextSlot(std::chrono::steady_clock::time_point scheduled,
                                               Duration delay,
                                               std::chrono::steady_clock::time_point now) {
  const auto step =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::max(delay, Duration(1)));
  auto next = scheduled + step;
  if (next >= now) return next;
  const auto missed = (now - next + step - std::chrono::steady_clock::duration(1)) / step;
  return next + missed * step;
}

double PeakPollsPerSecond(const SeriesConfig& series, Duration fast) {
  Duration fastest = IsReleaseDriven(series) ? fast : series.interval;
  for (const auto& w : series.windows) fastest = std::min(fastest, w.interval);
  return 1.0 / std::chrono::duration<double>(std::max(fastest, Duration(1))).count();
}

std::vector<std::string> PollRateWarnings(const std::vector<SourceConfig>& sources,
                                          const std::vector<SeriesConfig>& series) {
  struct HostLoad {
    double polls_per_second = 0;
    int series = 0;
    double limit = 0;  // the smallest requests_per_second of its sources; 0: unlimited
    std::vector<std::string> sources;
  };
  std::map<std::string, HostLoad> hosts;
  const Date any_day = Date(std::chrono::year(2026) / 1 / 2);  // the host does not depend on it
  for (const auto& s : series) {
    auto src = std::find_if(sources.begin(), sources.end(),
                            [&](const SourceConfig& c) { return c.name == s.source; });
    if (src == sources.end() || src->driver == nullptr) continue;
    const std::string host = HostOf(BuildRequest(*src, s, std::nullopt, any_day).url);
    auto& h = hosts[host];
    h.polls_per_second += PeakPollsPerSecond(s, src->driver->fast_poll_interval());
    ++h.series;
    if (std::find(h.sources.begin(), h.sources.end(), src->name) != h.sources.end()) continue;
    h.sources.push_back(src->name);
    if (double limit = HostLimit(*src, host); limit > 0)
      h.limit = h.limit > 0 ? std::min(h.limit, limit) : limit;
  }
  std::vector<std::string> out;
  for (const auto& [host, h] : hosts) {
    if (h.limit <= 0 || h.polls_per_second <= h.limit * 1.001) continue;
    out.push_back(fmt::format(
        "host {}: {} series poll up to {:.3g} requests/s at their fastest, but "
        "requests_per_second is {:g} (sources: {}): polls wait for their turn and fall behind "
        "their schedule; raise requests_per_second if the host allows it",
        host, h.series, h.polls_per_second, h.limit, fmt::join(h.sources, ", ")));
  }
  return out;
}

double HostLimit(const SourceConfig& source, std::string_view host) {
  if (!source.requests_per_second_written && IsLocalHost(host)) return 0;
  return source.requests_per_second;
}

bool IsLocalHost(std::string_view host) {
  // Strip the port: "[::1]:8080", "127.0.0.1:9", "localhost:80".
  if (!host.empty() && host.front() == '[') {
    host = host.substr(
        1, host.find(']') == std::string_view::npos ? host.size() - 1 : host.find(']') - 1);
  } else if (auto colon = host.rfind(':');
             colon != std::string_view::npos && host.find(':') == colon) {
    host = host.substr(0, colon);
  }
  auto ends_with = [&](std::string_view suffix) {
    return host.size() >= suffix.size() && host.substr(host.size() - suffix.size()) == suffix;
  };
  if (host == "localhost" || host == "::1" || ends_with(".localhost") || ends_with(".internal") ||
      ends_with(".local"))
    return true;
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  std::string text(host);
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return false;
  if (a > 255 || b > 255 || c > 255 || d > 255) return false;
  return a == 127 || a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
}

}  // namespace liqwatch::sources
