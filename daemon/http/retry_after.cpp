#include "http/retry_after.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

namespace liqwatch::http {

namespace {

std::string_view TrimSpaces(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", in whole seconds: a TimePoint counts
// nanoseconds and cannot hold year 9999, seconds can (four-digit years only).
std::optional<std::chrono::sys_seconds> ParseHttpDate(std::string_view value) {
  std::string text(value);
  char weekday[4] = {}, month[4] = {}, zone[4] = {};
  int day = 0, year = 0, h = 0, m = 0, sec = 0, used = 0;
  if (std::sscanf(text.c_str(), "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", weekday,
                  &day, month, &year, &h, &m, &sec, zone, &used) != 8 ||
      static_cast<size_t>(used) != text.size() || std::string_view(zone) != "GMT")
    return std::nullopt;
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int mon = -1;
  for (int i = 0; i < 12; ++i)
    if (std::string_view(month) == kMonths[i]) mon = i;
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(mon + 1)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (mon < 0 || !ymd.ok() || h > 23 || m > 59 || sec > 60) return std::nullopt;
  return sys_days(ymd) + hours(h) + minutes(m) + seconds(sec);
}

}  // namespace

std::optional<Duration> ParseRetryAfter(std::string_view value, TimePoint now, Duration max) {
  value = TrimSpaces(value);
  if (value.empty()) return std::nullopt;
  max = std::max(max, Duration(0));
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    // Saturating: stop reading digits once the number exceeds the ceiling.
    const int64_t max_seconds = std::chrono::duration_cast<std::chrono::seconds>(max).count();
    int64_t seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds > max_seconds) return max;
    }
    return std::min(max, Duration(std::chrono::seconds(seconds)));
  }
  auto at = ParseHttpDate(value);
  if (!at) return std::nullopt;
  const auto now_s = std::chrono::floor<std::chrono::seconds>(now);
  if (*at <= now_s) return Duration(0);
  // Seconds since the epoch of years 0..9999 fit easily: the difference cannot overflow.
  const auto wait = *at - now_s;
  if (wait >= std::chrono::duration_cast<std::chrono::seconds>(max)) return max;
  return std::chrono::duration_cast<Duration>(wait);
}

}  // namespace liqwatch::http
