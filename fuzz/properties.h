// Property checks shared by the libFuzzer harnesses (fuzz/*_fuzz.cpp): what each parser's
// contract promises beyond "does not crash". A violated property prints what was expected and
// the offending value, then aborts, so libFuzzer saves the input as a crash-* file.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace liqwatch::fuzz {

[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "PROPERTY VIOLATED: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// A property listed in $LIQWATCH_FUZZ_TOLERATE (comma-separated: "non-finite",
// "duplicate-dates") is reported once per run instead of aborting: a way to keep fuzzing the
// rest of a parser while a known violation is being fixed elsewhere. Empty by default.
inline bool Tolerated(std::string_view property) {
  static const std::string list = [] {
    const char* v = std::getenv("LIQWATCH_FUZZ_TOLERATE");
    return "," + std::string(v ? v : "") + ",";
  }();
  return list.find("," + std::string(property) + ",") != std::string::npos;
}

// Fails unless `property` is tolerated; a tolerated violation is printed the first time only.
inline void FailUnlessTolerated(std::string_view property, const std::string& what) {
  if (!Tolerated(property)) Fail(what);
  static std::set<std::string> seen;
  if (seen.insert(std::string(property)).second)
    std::fprintf(stderr, "PROPERTY VIOLATED (tolerated by LIQWATCH_FUZZ_TOLERATE): %s\n",
                 what.c_str());
}

inline void Check(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

// The input as text, cut to `max` bytes: inputs over a harness's size cap are skipped.
inline std::optional<std::string_view> Input(const uint8_t* data, size_t size, size_t max) {
  if (size > max) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Every published value is finite (a missing value is nullopt, never NaN or inf).
inline void CheckFinite(const std::vector<RawPoint>& points, const char* parser) {
  for (const auto& p : points)
    if (p.value && !std::isfinite(*p.value))
      return FailUnlessTolerated("non-finite", std::string(parser) + ": non-finite value " +
                                                   std::to_string(*p.value) + " on " +
                                                   FormatDate(p.date));
}

// Dates strictly increase: one point per date, oldest first.
inline void CheckDatesStrictlyIncreasing(const std::vector<RawPoint>& points, const char* parser) {
  for (size_t i = 1; i < points.size(); ++i) {
    if (points[i].date < points[i - 1].date)
      Fail(std::string(parser) + ": dates not sorted: " + FormatDate(points[i - 1].date) +
           " then " + FormatDate(points[i].date));
    if (points[i].date == points[i - 1].date)
      return FailUnlessTolerated("duplicate-dates", std::string(parser) +
                                                        ": dates not strictly increasing: " +
                                                        FormatDate(points[i - 1].date) + " twice");
  }
}

// Sorted by (date, column) with no (date, column) pair twice.
inline void CheckSortedByDateColumnUnique(const std::vector<RawPoint>& points, const char* parser) {
  for (size_t i = 1; i < points.size(); ++i) {
    auto a = std::tie(points[i - 1].date, points[i - 1].column);
    auto b = std::tie(points[i].date, points[i].column);
    if (b < a)
      Fail(std::string(parser) + ": (date, column) not sorted: " + FormatDate(points[i - 1].date) +
           "/" + points[i - 1].column + " then " + FormatDate(points[i].date) + "/" +
           points[i].column);
    if (a == b)
      return FailUnlessTolerated("duplicate-dates", std::string(parser) + ": (date, column) " +
                                                        FormatDate(points[i].date) + "/" +
                                                        points[i].column + " twice");
  }
}

// Dates never decrease; within one date each column appears once (html_table: one row per date,
// its columns in header order).
inline void CheckDatesSortedColumnsUnique(const std::vector<RawPoint>& points, const char* parser) {
  std::set<std::string> columns;
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0 && points[i].date < points[i - 1].date)
      Fail(std::string(parser) + ": dates not sorted: " + FormatDate(points[i - 1].date) +
           " then " + FormatDate(points[i].date));
    if (i > 0 && points[i].date != points[i - 1].date) columns.clear();
    if (!columns.insert(points[i].column).second)
      return FailUnlessTolerated("duplicate-dates",
                                 std::string(parser) + ": date " + FormatDate(points[i].date) +
                                     " has column '" + points[i].column + "' twice");
  }
}

// No point dated after `today` (the parsers' CheckNoFutureDates policy).
inline void CheckNotAfter(const std::vector<RawPoint>& points, Date today, const char* parser) {
  for (const auto& p : points)
    if (p.date > today)
      Fail(std::string(parser) + ": point dated " + FormatDate(p.date) + " after today " +
           FormatDate(today));
}

// A failure has one of the codes the contract lists and a message that says something; when
// the contract says messages start with the source's name, they do.
inline void CheckError(const Status& s, const std::vector<Status::Code>& allowed,
                       const char* parser, std::string_view prefix = {}) {
  bool code_ok = false;
  for (auto c : allowed) code_ok = code_ok || s.code() == c;
  Check(code_ok, std::string(parser) + ": unexpected error code " +
                     std::to_string(static_cast<int>(s.code())) + ": " + s.message());
  Check(!s.message().empty(), std::string(parser) + ": empty error message");
  if (!prefix.empty())
    Check(s.message().rfind(prefix, 0) == 0, std::string(parser) + ": error message '" +
                                                 s.message() + "' does not start with '" +
                                                 std::string(prefix) + "'");
}

// The fixed "today" of the feed harnesses: the seeds are older, so their rows pass.
inline Date FuzzToday() { return *ParseDate("2026-06-30"); }

}  // namespace liqwatch::fuzz
