// Rule expressions: compile once at config load, evaluate as of any date.
//
//   auto program = expr::Compile("sofr - iorb > 10bp", catalog);   // Result<Program>
//   expr::Outcome r = program->Evaluate(history, as_of, now);      // value or NoData
//   if (r.is_no_data()) log(r.no_data().ToString());              // "iorb: no observation..."
//   else if (r.boolean()) fire(program->Explain(history, as_of, now));
//
// Contract:
// - Compile parses and type-checks the text against a SeriesCatalog (series ids become indexes;
//   units and dimensions are checked: "cannot compare rate (percent) with money (USD bn)").
//   On failure it returns a ParseError Status whose message is "<what> at column N"; pass a
//   CompileError* to also receive N (1-based, in bytes of `text`) and the bare message, so the
//   config loader can report FILE:LINE:COL. Compile never throws.
// - A Program is an immutable value: copy it, share it across threads; Evaluate and Explain are
//   const, pure functions of (history, as_of, now). They never read a clock, never throw and
//   Evaluate never allocates. `as_of` is the observation date being evaluated (backtests replay
//   every date); every series is read as of that date: its latest observation on or before it.
//   `now` only feeds age() and late().
// - An Outcome is a number, a bool, a duration, or NoData. NoData (input missing, stale beyond
//   its series' max age, a gap marker of a derived series, window not yet full, division by
//   zero) always carries a reason and is never reported as false. and/or use three-valued
//   logic: `false and NoData` is false, `true or NoData` is true, anything else involving NoData
//   is NoData.
// - Gap markers (series.h IsGap: a derived series known to have no value on a date) are never
//   read as numbers: an as-of read, `x[lag]` or a window that lands on one is NoData
//   (kInputMissing), streak() stops at one, and age() measures from the newest non-gap point.
//   NoData::ToString(history) appends the gap's reason from SeriesHistory::GapReason.
// - NoData and Explain text refer to series ids owned by the Program: keep the Program alive
//   while an Outcome's reason is formatted.
//
// Language (summary; the user-facing reference is docs/rules.md, "The expression language"):
//   numbers  4.3  25bn 1tn 500mn (money, USD bn)  10bp 2.5% (rate, percent)  3d 12h 2w 90min
//            A bare number takes the canonical unit of whatever it meets: percent next to a
//            rate (sofr > 4.3), USD bn next to money (rrp > 850) -- except next to a series
//            published in another unit (SeriesSpec::published_unit: usd_mn, bp), where it is a
//            compile error ("btc_flow < -500" would mean -$500bn). A computed ratio (tga / walcl)
//            is a plain fraction and cannot be compared with a rate, so `tga / walcl > 10%`
//            is an error rather than a silent factor of 100.
//   series   sofr  sofr[1] (previous observation)
//   ops      + - * /   < <= > >= == !=   and or not   ( )   unary -
//            Comparisons tolerate 1e-9 relative rounding: 4.25 - 4.15 >= 10bp holds.
//   windows  5 (observations)  30d (calendar days)  5bd (US business days)  4w (weeks)
//            A window ending at as_of covers (start, as_of]; it is "not full" (NoData) until
//            the history reaches back to its start.
//   functions (x may be any numeric expression; windows step over the observations of the
//            first series named in x, its "clock")
//     change(x, w) pct_change(x, w)  min max avg sum stddev zscore pctrank (x, w)
//     streak(cond)  crosses_above(x, level)  crosses_below(x, level)  age(series)
//     late(series): true when the print due for the newest due observation date (its release
//            calendar, core/release.h) is past due + grace at `now` and the series' latest
//            observation on or before the as-of date is older; a compile error for a series
//            without a calendar.
//     month_end(w) quarter_end(w) year_end(w): true when the as-of date is within w business
//            days of a month's (quarter's, year's) last business day, on either side;
//            tax_date(w): from a federal tax date (Jan/Apr/Jun/Sep/Dec 15, rolled to a business
//            day) through w business days after it (core/season.h). w is in business days (2bd).
//     streak() counts back at most 260 observations (a year of business days), to bound cost.
//   limits   see kMaxExpression* below: text length, nesting depth, node count, and the cost of
//            nested windows (avg(avg(x, 1000), 1000) reads a million observations).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "rules/expr/series.h"

namespace liqwatch::expr {

// The type of an expression. Numbers carry the dimension of their canonical unit.
enum class Kind : uint8_t {
  kRate,      // percent
  kMoney,     // USD billions
  kIndex,     // index level, as published
  kCount,     // a count (streak)
  kRatio,     // quotient of two like quantities, or a z-score: a plain fraction
  kNumber,    // a bare literal: adopts the unit of what it is combined with
  kDuration,  // milliseconds (age(), 3d)
  kBool,
};
// "rate (percent)", "money (USD bn)", "index", "count", "ratio", "number", "duration", "bool".
std::string_view KindName(Kind k);
bool IsNumeric(Kind k);  // kRate..kNumber

struct Window {
  enum class Unit : uint8_t { kObservations, kCalendarDays, kBusinessDays };
  Unit unit = Unit::kObservations;
  int length = 1;                // observations, calendar days or business days (weeks become days)
  std::string ToString() const;  // "5", "30d", "5bd"
};

struct CompileError {
  int column = 0;                // 1-based byte offset in the expression text
  std::string message;           // without the position: "unknown series 'sofrr'"
  std::string ToString() const;  // "unknown series 'sofrr' at column 1"
};

// Why an expression has no value. Trivially copyable: filled on the evaluation path without
// allocating; ToString() formats it.
struct NoData {
  enum class Reason : uint8_t {
    kNoObservation,   // no observation on or before `date`
    kStale,           // latest observation (`last`) older than the max age at `date`
    kWindowNotFull,   // fewer observations than the window needs
    kDivisionByZero,  // a / 0, pct_change from 0
    kZeroVariance,    // zscore over a flat window
    kInputMissing,    // a derived series' gap marker on `last`: it had no value that date
  };
  Reason reason = Reason::kNoObservation;
  const std::string* series = nullptr;  // series id, owned by the Program; null if none
  Date date{};                          // the as-of date the lookup was made for
  Date last{};                          // kStale: the latest observation; kInputMissing: the gap
  int max_age_days = 0;                 // kStale
  Window window{};                      // kWindowNotFull
  int column = 0;                       // operator or function position in the text
  int series_index = -1;                // kInputMissing: catalog index of `series`
  // "iorb: no observation within 7d of 2025-10-28 (latest 2025-10-17)",
  // "sofr: window 5 not full as of 2025-10-28", "division by zero at column 12 on 2025-10-28",
  // "sofr_iorb: no value on 2025-10-27 (as of 2025-10-28)" (the "as of" only if it differs).
  std::string ToString() const;
  // ToString(), and for kInputMissing the gap's reason from history.GapReason(), e.g.
  // "sofr_iorb: no value on 2025-10-28: iorb: no observation within 7d of 2025-10-28 (latest
  // 2025-10-17)". Pass the history the NoData came from.
  std::string ToString(const SeriesHistory& history) const;
};

class Outcome {
 public:
  static Outcome Value(Kind kind, double v) { return Outcome(kind, v); }
  static Outcome Missing(const NoData& why) {
    Outcome o(Kind::kBool, 0);
    o.no_data_ = true;
    o.why_ = why;
    return o;
  }
  bool is_no_data() const { return no_data_; }
  bool has_value() const { return !no_data_; }
  Kind kind() const { return kind_; }
  double number() const { return value_; }  // kRate..kNumber: canonical; kDuration: ms
  bool boolean() const { return value_ != 0; }
  const NoData& no_data() const { return why_; }

 private:
  Outcome(Kind kind, double v) : kind_(kind), value_(v) {}
  Kind kind_;
  bool no_data_ = false;
  double value_;
  NoData why_{};
};

// Size limits, checked by Compile so that whatever compiles evaluates in bounded stack and
// time (evaluation and Explain recurse over the tree; windows multiply the work of what they
// contain). Each failure is a CompileError at the column where the limit was crossed.
inline constexpr int kMaxExpressionLength = 65536;  // bytes of text
inline constexpr int kMaxExpressionDepth = 256;     // nested parentheses, operators and calls;
                                                    // a + b + c counts one level per operator
inline constexpr int kMaxExpressionNodes = 4096;    // values and operations
inline constexpr double kMaxExpressionCost = 1e6;   // observations read per evaluation
inline constexpr int kMaxStreak = 260;  // streak() counts back at most this many observations

namespace detail {
enum class Op : uint8_t {
  kConst,
  kSeries,
  kNeg,
  kNot,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kLt,
  kLe,
  kGt,
  kGe,
  kEq,
  kNe,
  kAnd,
  kOr,
  kChange,
  kPctChange,
  kMin,
  kMax,
  kAvg,
  kSum,
  kStddev,
  kZscore,
  kPctRank,
  kStreak,
  kCrossesAbove,
  kCrossesBelow,
  kAge,
  kLate,
  kMonthEnd,  // calendar seasons (core/season.h): read the as-of date, no series
  kQuarterEnd,
  kYearEnd,
  kTaxDate,
};
// One node of the compiled tree; children are indexes into Program::nodes_.
struct Node {
  Op op = Op::kConst;
  Kind kind = Kind::kNumber;
  int lhs = -1, rhs = -1;
  int series = -1;  // kSeries, kAge, kLate: catalog index
  int clock = -1;   // catalog index whose observations windows and streaks step over
  int lag = 0;      // kSeries: observations back
  Window window{};
  double constant = 0;
  int column = 0;                    // 1-based, for errors and NoData
  int text_begin = 0, text_end = 0;  // source span, for Explain
};
struct InputRef {  // an input of a derived series, for Explain
  int index;       // catalog index
  std::string id;
  Dimension dimension;
};
struct SeriesRef {
  std::string id;
  int max_age_days;
  std::optional<ReleaseSchedule> release;  // for late()
  std::vector<InputRef> inputs;            // a derived series' inputs; empty otherwise
};
}  // namespace detail

class Program {
 public:
  Kind result_kind() const { return nodes_.empty() ? Kind::kBool : nodes_[size_t(root_)].kind; }
  const std::string& text() const { return text_; }
  // Catalog indexes of every series the expression reads, ascending, no duplicates: re-evaluate
  // when one of them gets a new observation.
  const std::vector<int>& inputs() const { return inputs_; }
  // The first series named in the text (its clock), or -1 for a constant expression.
  int first_input() const { return nodes_.empty() ? -1 : nodes_[size_t(root_)].clock; }
  // True if the result depends on `now` (age(), late()): evaluate on a timer too.
  bool reads_now() const { return reads_now_; }

  Outcome Evaluate(const SeriesHistory& history, Date as_of, TimePoint now) const;

  // The quantity the condition compares, for the alert's value: the left side of its first
  // comparison (through and/or/not, left first), as of `as_of`, if that side reads a series
  // and is a rate, money, index or count (so it is shown in its series' unit):
  // `change(tga, 10bd) > 150bn` gives the change, `sofr > dfedtaru` gives sofr. nullopt for a
  // duration (age()), a ratio, a literal, or no data.
  std::optional<double> ComparedValue(const SeriesHistory& history, Date as_of,
                                      TimePoint now) const;

  // For alert messages: what is true as of the date, as the comparisons that decide the result
  // with the values they saw. A comparison that holds keeps its operator ("sofr > 4.3" reads
  // "sofr = 4.31% > 4.30%"); one that does not is printed with the negated operator. A
  // comparison against a level written in bp shows both sides in bp, as a desk reads a spread
  // ("sofr - iorb > 10bp" reads "sofr - iorb = 9bp <= 10bp"). A derived series is followed by
  // its inputs' values as of the date ("sofr_iorb = 22bp (sofr 3.87%, iorb 3.65%) >= 15bp").
  // and/or list only the sides whose value equals the whole (a false `or`: both sides;
  // a false `and`: its false sides; a true `or`: the sides that hold; NoData: the NoData sides)
  // and, each side being true as printed, always join them with " and " (De Morgan). `not (x)`
  // renders x's truth. A NoData side reads "x = no data (reason)" and its comparison keeps the
  // operator. Values are rounded for display. Allocates; call it when an alert changes state,
  // not per evaluation.
  std::string Explain(const SeriesHistory& history, Date as_of, TimePoint now) const;

  // How far before `as_of` an evaluation reads, beyond each series' newest value on or before
  // it: observations (windows, lags, streak(), crosses_*, summed when nested) plus calendar
  // days (calendar and business-day windows, summed likewise), or unbounded for age() (the
  // newest value, however old). The caller turns observations into days with each series'
  // cadence (alerts/live.cpp reads only that window of history).
  struct Lookback {
    int observations = 0;
    int days = 0;
    bool unbounded = false;
  };
  Lookback ReadsBack() const;

 private:
  friend class Compiler;
  friend class Evaluator;
  friend class Explainer;
  std::string text_;
  std::vector<detail::Node> nodes_;
  int root_ = 0;
  std::vector<int> inputs_;
  bool reads_now_ = false;
  // The series the expression names (ids, max ages, ...) by catalog index, so a Program does
  // not depend on the catalog's lifetime. Sorted by index; only those named: a table the size
  // of the catalog per rule grew as rules x series (45 MB at 200 rules over 2,000 series).
  std::vector<std::pair<int, detail::SeriesRef>> series_;
  const detail::SeriesRef& Ref(int index) const;
};

// Compiles `text`. See the contract at the top of this file.
Result<Program> Compile(std::string_view text, const SeriesCatalog& catalog,
                        CompileError* error = nullptr);

}  // namespace liqwatch::expr
