#include "config/release_config.h"

#include <cctype>

#include <fmt/format.h>

#include "sources/driver.h"

namespace liqwatch::config {
namespace {

using std::chrono::minutes;
using Cadence = ReleaseSchedule::Cadence;

constexpr Duration kDefaultGrace = std::chrono::hours(1);  // `release:` without `grace:`

std::optional<std::chrono::weekday> ParseWeekday(std::string text) {
  for (auto& ch : text) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  static constexpr std::string_view kNames[] = {"sunday",   "monday", "tuesday", "wednesday",
                                                "thursday", "friday", "saturday"};
  for (unsigned i = 0; i < 7; ++i)
    if (text == kNames[i] || text == kNames[i].substr(0, 3)) return std::chrono::weekday{i};
  return std::nullopt;
}

// "1bd" (business days), "2d" (calendar days) or "0" (same day).
bool ParseLag(const std::string& text, ReleaseSchedule& s) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 2) return false;
  int n = std::stoi(text.substr(0, digits));
  std::string_view unit = std::string_view(text).substr(digits);
  if (unit == "bd") {
    s.lag_business_days = n;
  } else if (unit == "d" || (unit.empty() && n == 0)) {
    s.lag_days = n;
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::optional<int> ParseClock(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

namespace {

// time: HH:MM in New York. false: missing or invalid (reported).
bool ReadReleaseTime(YamlReader& r, const YAML::Node& node, const std::string& rpath,
                     ReleaseSchedule& rs) {
  if (auto t = r.String(node, "time", rpath, true)) {
    if (auto m = ParseClock(*t)) {
      rs.time_of_day = minutes(*m);
    } else {
      r.Error(node["time"],
              fmt::format("{}.time: expected HH:MM (America/New_York), got '{}'", rpath, *t));
      return false;
    }
    return true;
  }
  return false;
}

// weekday and cadence, which must agree: weekly needs a weekday, a weekday means weekly.
// Sets `ok` false on an error (the checks of the two together run only while ok).
void ReadCadence(YamlReader& r, const YAML::Node& node, const std::string& rpath,
                 ReleaseSchedule& rs, bool& ok) {
  auto weekday = r.String(node, "weekday", rpath, false);
  if (weekday) {
    if (auto wd = ParseWeekday(*weekday)) {
      rs.weekday = *wd;
      rs.cadence = Cadence::kWeekly;
    } else {
      r.Error(node["weekday"],
              fmt::format("{}.weekday: expected mon..sun, got '{}'", rpath, *weekday));
      ok = false;
    }
  }
  if (auto cadence = r.String(node, "cadence", rpath, false)) {
    if (*cadence == "business_days") {
      rs.cadence = Cadence::kBusinessDays;
    } else if (*cadence == "daily") {
      rs.cadence = Cadence::kDaily;
    } else if (*cadence == "weekly") {
      rs.cadence = Cadence::kWeekly;
    } else {
      r.Error(node["cadence"], fmt::format("{}.cadence: expected business_days, weekly or daily, "
                                           "got '{}'",
                                           rpath, *cadence));
      ok = false;
    }
    if (ok && rs.cadence == Cadence::kWeekly && !weekday) {
      r.Error(node["cadence"], fmt::format("{}.cadence: weekly needs a weekday", rpath));
      ok = false;
    } else if (ok && rs.cadence != Cadence::kWeekly && weekday) {
      r.Error(node["weekday"], fmt::format("{}.weekday: only for cadence weekly", rpath));
      ok = false;
    }
  }
}

}  // namespace

void ReadRelease(YamlReader& r, const YAML::Node& node, const std::string& path, SeriesConfig& s) {
  if (!node) return;
  s.release_written = true;
  const std::string rpath = path + ".release";
  if (node.IsScalar() && node.Scalar() == "none") return;  // no calendar, no default
  if (!r.CheckMap(node, rpath, {"time", "tz", "lag", "cadence", "weekday", "grace", "source"}))
    return;
  ReleaseSchedule rs;
  bool ok = ReadReleaseTime(r, node, rpath, rs);
  if (auto tz = r.String(node, "tz", rpath, false); tz && *tz != "America/New_York") {
    r.Error(node["tz"],
            fmt::format("{}.tz: only America/New_York is supported, got '{}'", rpath, *tz));
    ok = false;
  }
  if (auto lag = r.String(node, "lag", rpath, false); lag && !ParseLag(*lag, rs)) {
    r.Error(node["lag"], fmt::format("{}.lag: expected business days (1bd), calendar days (2d) "
                                     "or 0, at most 99, got '{}'",
                                     rpath, *lag));
    ok = false;
  }
  ReadCadence(r, node, rpath, rs, ok);
  rs.grace = r.DurationValue(node, "grace", rpath, false).value_or(kDefaultGrace);
  rs.source = r.String(node, "source", rpath, false).value_or("configured");
  if (ok) s.release = std::move(rs);
}

void ApplyReleaseDefaults(Config& c) {
  for (auto& s : c.series) {
    if (s.release_written) continue;
    const SourceConfig* src = c.FindSource(s.source);
    if (const sources::SourceDriver* d = src ? sources::FindDriver(src->type) : nullptr)
      s.release = d->release_calendar(s.remote_id);
  }
}

}  // namespace liqwatch::config
