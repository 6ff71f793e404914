#include "config/release_config.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace liqwatch::config {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using Cadence = ReleaseSchedule::Cadence;

constexpr Duration kDefaultGrace = std::chrono::hours(1);  // `release:` without `grace:`

struct Builtin {
  std::string_view source_type;
  std::string_view remote_id;
  Cadence cadence;
  std::chrono::weekday weekday;
  int lag_business_days;
  int lag_days;
  int hh, mm;
  Duration grace;
  std::string_view source;
};

// The defaults, with the source of each time in docs/sources.md ("Release calendar"). [K]: the publisher's documented schedule; [I]: inferred from practice, so the
// grace is wider.
constexpr auto kWed = std::chrono::Wednesday;
constexpr auto kFri = std::chrono::Friday;
constexpr Duration k45m = minutes(45), k30m = minutes(30), k1h = hours(1), k3h = hours(3),
                   k4h = hours(4), k1d = hours(24);
// clang-format off
constexpr std::array<Builtin, 31> kBuiltins{{
  {"nyfed", "sofr", Cadence::kBusinessDays, kWed, 1, 0, 8, 0, k45m,
   "NY Fed reference rates: ~08:00 ET on D+1 business day [K]"},
  {"nyfed", "tgcr", Cadence::kBusinessDays, kWed, 1, 0, 8, 0, k45m, "NY Fed reference rates: ~08:00 ET on D+1 business day [K]"},
  {"nyfed", "bgcr", Cadence::kBusinessDays, kWed, 1, 0, 8, 0, k45m, "NY Fed reference rates: ~08:00 ET on D+1 business day [K]"},
  {"nyfed", "effr", Cadence::kBusinessDays, kWed, 1, 0, 9, 0, k45m, "NY Fed EFFR/OBFR: ~09:00 ET on D+1 business day [K]"},
  {"nyfed", "obfr", Cadence::kBusinessDays, kWed, 1, 0, 9, 0, k45m, "NY Fed EFFR/OBFR: ~09:00 ET on D+1 business day [K]"},
  {"nyfed", "reverserepo", Cadence::kBusinessDays, kWed, 0, 0, 13, 30, k30m,
   "NY Fed ON RRP: operation 12:45-13:15 ET, results ~13:15-13:30 on D [K]"},
  {"nyfed", "repo", Cadence::kBusinessDays, kWed, 0, 0, 14, 0, k30m,
   "NY Fed SRF: afternoon operation closes 13:45 ET, results minutes later on D [K]"},
  {"treasury_dts", "tga", Cadence::kBusinessDays, kWed, 1, 0, 16, 0, k1h,
   "Treasury Daily Treasury Statement: ~16:00 ET on D+1 business day [K]"},
  // FRED copies: the morning after the source [I].
  {"fred", "SOFR", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed SOFR: D+1 business day morning [I]"},
  {"fred", "EFFR", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed EFFR (~09:00 ET D+1): D+1 business day morning [I]"},
  {"fred", "RRPONTSYD", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed ON RRP results: D+1 business day [I]"},
  {"fred", "RPONTSYD", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed repo results: D+1 business day [I]"},
  {"fred", "RPONTTLD", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "FRED copy of NY Fed repo results: D+1 business day [I]"},
  // Policy rates are daily-7-day series on FRED; a weekend's values arrive the next business day.
  {"fred", "IORB", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Fed Board policy rate on FRED, daily incl. weekends, D+1 business day [I]"},
  {"fred", "DFEDTARU", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Fed Board target range on FRED, daily incl. weekends, D+1 business day [I]"},
  {"fred", "DFEDTARL", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Fed Board target range on FRED, daily incl. weekends, D+1 business day [I]"},
  {"fred", "CBBTCUSD", Cadence::kDaily, kWed, 1, 0, 10, 0, k1d, "Coinbase bitcoin on FRED, daily incl. weekends, D+1 business day [I]"},
  // H.4.1: Thursday 16:30 ET for Wednesday, Friday after a Thursday holiday [K]; FRED hours later.
  {"fred", "WTREGEN", Cadence::kWeekly, kWed, 1, 0, 16, 30, k3h, "Fed Board H.4.1: Thursday ~16:30 ET for Wednesday [K]; FRED copies within hours [I]"},
  {"fred", "WRESBAL", Cadence::kWeekly, kWed, 1, 0, 16, 30, k3h, "Fed Board H.4.1: Thursday ~16:30 ET for Wednesday [K]; FRED copies within hours [I]"},
  {"fred", "WALCL", Cadence::kWeekly, kWed, 1, 0, 16, 30, k3h, "Fed Board H.4.1: Thursday ~16:30 ET for Wednesday [K]; FRED copies within hours [I]"},
  {"fred", "BAMLH0A0HYM2", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "ICE BofA OAS via FRED: morning of D+1 business day [I]"},
  {"fred", "BAMLC0A0CM", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "ICE BofA OAS via FRED: morning of D+1 business day [I]"},
  {"fred", "BAMLH0A3HYC", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "ICE BofA OAS via FRED: morning of D+1 business day [I]"},
  {"fred", "VIXCLS", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Cboe VIX close via FRED: D+1 business day [I]"},
  {"fred", "SP500", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "S&P 500 close via FRED: D+1 business day [I]"},
  {"fred", "NASDAQCOM", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Nasdaq close via FRED: D+1 business day [I]"},
  {"fred", "DGS2", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Fed Board H.15 Treasury yields via FRED: D+1 business day [I]"},
  {"fred", "DGS10", Cadence::kBusinessDays, kWed, 1, 0, 10, 0, k4h, "Fed Board H.15 Treasury yields via FRED: D+1 business day [I]"},
  // Weekly indices and the weekly-published dollar index, by calendar-day lag.
  // Published Monday for the prior week: a day's value is due at most 7 days later.
  {"fred", "DTWEXBGS", Cadence::kBusinessDays, kWed, 0, 7, 10, 0, k1d, "Fed Board H.10 broad dollar via FRED: weekly, Monday for the prior week [I]"},
  {"fred", "NFCI", Cadence::kWeekly, kFri, 0, 5, 8, 30, k4h, "Chicago Fed NFCI: Wednesday ~08:30 ET for the week ending Friday [K]"},
  {"fred", "STLFSI4", Cadence::kWeekly, kFri, 0, 6, 10, 0, k1d, "St. Louis Fed STLFSI4: Thursday for the week ending Friday [I]"},
}};
// clang-format on

ReleaseSchedule FromBuiltin(const Builtin& b) {
  ReleaseSchedule s;
  s.cadence = b.cadence;
  s.weekday = b.weekday;
  s.lag_business_days = b.lag_business_days;
  s.lag_days = b.lag_days;
  s.time_of_day = hours(b.hh) + minutes(b.mm);
  s.grace = b.grace;
  s.source = std::string(b.source);
  return s;
}

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

void ReadRelease(YamlReader& r, const YAML::Node& node, const std::string& path, SeriesConfig& s) {
  if (!node) return;
  s.release_written = true;
  const std::string rpath = path + ".release";
  if (node.IsScalar() && node.Scalar() == "none") return;  // no calendar, no default
  if (!r.CheckMap(node, rpath, {"time", "tz", "lag", "cadence", "weekday", "grace", "source"}))
    return;
  ReleaseSchedule rs;
  bool ok = true;
  if (auto t = r.String(node, "time", rpath, true)) {
    if (auto m = ParseClock(*t)) {
      rs.time_of_day = minutes(*m);
    } else {
      r.Error(node["time"],
              fmt::format("{}.time: expected HH:MM (America/New_York), got '{}'", rpath, *t));
      ok = false;
    }
  } else {
    ok = false;
  }
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
  rs.grace = r.DurationValue(node, "grace", rpath, false).value_or(kDefaultGrace);
  rs.source = r.String(node, "source", rpath, false).value_or("configured");
  if (ok) s.release = std::move(rs);
}

std::optional<ReleaseSchedule> DefaultRelease(std::string_view source_type,
                                              std::string_view remote_id) {
  for (const Builtin& b : kBuiltins)
    if (b.source_type == source_type && b.remote_id == remote_id) return FromBuiltin(b);
  return std::nullopt;
}

void ApplyReleaseDefaults(Config& c) {
  for (auto& s : c.series) {
    if (s.release_written) continue;
    if (const SourceConfig* src = c.FindSource(s.source))
      s.release = DefaultRelease(src->type, s.remote_id);
  }
}

}  // namespace liqwatch::config
