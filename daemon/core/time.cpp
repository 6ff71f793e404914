#include "core/time.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include <fmt/format.h>

namespace liqwatch {
namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Status CheckYear(int year, std::string_view text) {
  if (year >= kMinYear && year <= kMaxYear) return Status::Ok();
  return Status::InvalidArgument(fmt::format(
      "date '{}' is out of range: years {} to {} are accepted", text, kMinYear, kMaxYear));
}

// ParseDate and ParseTime read their one fixed-width form themselves rather than with
// date::parse (date/date.h, used for the feeds' date formats in sources/formats/date_format):
// date::parse("%F") also takes "25-10-28" (year 25) and "2025-1-5", which in a stored
// timestamp, a cursor or a CLI argument are typos to refuse, and "%T" refuses a leap second
// (":60", allowed by RFC 3339). With the shape checked first nothing is left for the library
// (time_test.cpp FixedWidthFormsWhereDateParseDiffers).
Result<Date> ParseDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseInt(text.substr(0, 4), y) ||
      !ParseInt(text.substr(5, 2), m) || !ParseInt(text.substr(8, 2), d)) {
    return Status::InvalidArgument(fmt::format("invalid date '{}', expected YYYY-MM-DD", text));
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) return Status::InvalidArgument(fmt::format("invalid date '{}'", text));
  if (auto in_range = CheckYear(y, text); !in_range.ok()) return in_range;
  return Date(ymd);
}

std::string FormatDate(Date d) {
  std::chrono::year_month_day ymd(d);
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

std::string FormatTime(TimePoint t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  auto day = std::chrono::floor<std::chrono::days>(ms);
  std::chrono::hh_mm_ss hms(ms - day);
  return fmt::format("{}T{:02}:{:02}:{:02}.{:03}Z", FormatDate(day), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

Result<TimePoint> ParseTime(std::string_view text) {
  // Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.mmm]Z".
  const std::string_view day = text.substr(0, std::min<size_t>(10, text.size()));
  auto date = ParseDate(day);
  if (!date.ok()) {
    int year = 0;
    if (day.size() == 10 && ParseInt(day.substr(0, 4), year) && !CheckYear(year, day).ok())
      return CheckYear(year, day);
    return Status::InvalidArgument(fmt::format("invalid time '{}'", text));
  }
  TimePoint t = *date;
  if (text.size() == 10) return t;
  int h = 0, mi = 0, s = 0, ms = 0;
  if (text.size() < 20 || (text[10] != 'T' && text[10] != ' ') ||
      !ParseInt(text.substr(11, 2), h) || !ParseInt(text.substr(14, 2), mi) ||
      !ParseInt(text.substr(17, 2), s) || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0) {
    return Status::InvalidArgument(fmt::format("invalid time '{}'", text));
  }
  if (text.size() >= 23 && text[19] == '.' && (!ParseInt(text.substr(20, 3), ms) || ms < 0)) {
    return Status::InvalidArgument(fmt::format("invalid time '{}'", text));
  }
  return t + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s) +
         std::chrono::milliseconds(ms);
}

Result<Duration> ParseDuration(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  std::string_view num = text.substr(0, i), unit = text.substr(i);
  double n = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
  if (num.empty() || ec != std::errc() || p != num.data() + num.size()) {
    return Status::InvalidArgument(fmt::format(
        "invalid duration '{}', expected a number and a unit (ms, s, m, h, d, w)", text));
  }
  double ms_per = 0;
  if (unit == "ms")
    ms_per = 1;
  else if (unit == "s")
    ms_per = 1e3;
  else if (unit == "m")
    ms_per = 60e3;
  else if (unit == "h")
    ms_per = 3600e3;
  else if (unit == "d")
    ms_per = 86400e3;
  else if (unit == "w")
    ms_per = 7 * 86400e3;
  else {
    return Status::InvalidArgument(fmt::format(
        "invalid duration '{}', expected a number and a unit (ms, s, m, h, d, w)", text));
  }
  // Checked in floating point before the conversion: a double beyond int64 converts to garbage
  // (undefined behaviour), which once turned "99999999999999999999d" into an empty answer.
  const double ms = n * ms_per;
  if (!(ms <= double(kMaxDuration.count()))) {
    return Status::TooLarge(fmt::format("duration '{}' is too long: at most {}d", text,
                                        kMaxDuration.count() / 86'400'000));
  }
  return Duration(static_cast<int64_t>(ms + 0.5));
}

std::string FormatDuration(Duration d) {
  if (d.count() == 0) return "0s";
  std::string out;
  // Unsigned: the magnitude of the most negative duration does not fit in int64_t.
  uint64_t ms = static_cast<uint64_t>(d.count());
  if (d.count() < 0) {
    out = "-";
    ms = 0 - ms;
  }
  if (ms < 1000) return out + fmt::format("{}ms", ms);
  uint64_t s = ms / 1000;
  const std::pair<uint64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (auto [size, name] : units) {
    if (s >= size) {
      out += fmt::format("{}{}", s / size, name);
      s %= size;
    }
  }
  return out;
}

Result<TimePoint> ParseSince(std::string_view text, TimePoint now) {
  const bool looks_like_date = text.size() >= 10 && text[4] == '-' &&
                               std::all_of(text.begin(), text.begin() + 4, [](char c) {
                                 return std::isdigit(static_cast<unsigned char>(c));
                               });
  if (looks_like_date) return ParseTime(text);  // its own error: "invalid time", "out of range"
  auto dur = ParseDuration(text);
  if (dur.ok()) return now - *dur;
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front())))
    return dur.status();  // "duration '…' is too long: at most 36500d", "invalid duration …"
  return Status::InvalidArgument(
      fmt::format("invalid time '{}', expected YYYY-MM-DD or a duration such as 7d", text));
}

}  // namespace liqwatch
