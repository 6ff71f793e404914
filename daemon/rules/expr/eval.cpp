// Tree-walking evaluator over the compiled node array. The hot path (Evaluate) works on the
// stack only: binary searches into the history spans, no allocation, NoData as a POD.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "core/calendar.h"
#include "core/season.h"
#include "core/units.h"
#include "rules/expr/program.h"

namespace liqwatch::expr {

using detail::Node;
using detail::Op;

std::string NoData::ToString() const {
  std::string id = series != nullptr ? *series : std::string("?");
  switch (reason) {
    case Reason::kNoObservation:
      return fmt::format("{}: no observation on or before {}", id, FormatDate(date));
    case Reason::kStale:
      return fmt::format("{}: no observation within {}d of {} (latest {})", id, max_age_days,
                         FormatDate(date), FormatDate(last));
    case Reason::kWindowNotFull:
      return fmt::format("{}: window {} not full as of {}", id, window.ToString(),
                         FormatDate(date));
    case Reason::kDivisionByZero:
      return fmt::format("division by zero at column {} on {}", column, FormatDate(date));
    case Reason::kZeroVariance:
      return fmt::format("{}: zero variance over window {} as of {}", id, window.ToString(),
                         FormatDate(date));
    case Reason::kInputMissing:
      if (last == date) return fmt::format("{}: no value on {}", id, FormatDate(last));
      return fmt::format("{}: no value on {} (as of {})", id, FormatDate(last), FormatDate(date));
  }
  return "no data";
}

std::string NoData::ToString(const SeriesHistory& history) const {
  std::string text = ToString();
  if (reason == Reason::kInputMissing) {
    std::string why = history.GapReason(series_index, last);
    if (!why.empty()) text += ": " + why;
  }
  return text;
}

namespace {

Season SeasonOf(Op op) {
  switch (op) {
    case Op::kQuarterEnd:
      return Season::kQuarterEnd;
    case Op::kYearEnd:
      return Season::kYearEnd;
    case Op::kTaxDate:
      return Season::kTaxDate;
    default:
      return Season::kMonthEnd;
  }
}

// Tolerance for comparisons: values are sums of decimals (4.25 - 4.15), never exact.
double Tolerance(double a, double b) { return 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)}); }

bool Compare(Op op, double a, double b) {
  double t = Tolerance(a, b);
  switch (op) {
    case Op::kLt:
      return a < b - t;
    case Op::kLe:
      return a <= b + t;
    case Op::kGt:
      return a > b + t;
    case Op::kGe:
      return a >= b - t;
    case Op::kEq:
      return std::fabs(a - b) <= t;
    case Op::kNe:
      return std::fabs(a - b) > t;
    default:
      return false;
  }
}

}  // namespace

class Evaluator {
 public:
  Evaluator(const Program& program, const SeriesHistory& history, TimePoint now)
      : p_(program), history_(history), now_(now) {}

  // True with `out` set, or false with why_ set.
  bool Eval(int index, Date d, double& out) {
    const Node& n = p_.nodes_[size_t(index)];
    switch (n.op) {
      case Op::kConst:
        out = n.constant;
        return true;
      case Op::kSeries:
        return SeriesValue(n, d, out);
      case Op::kNeg:
        if (!Eval(n.lhs, d, out)) return false;
        out = -out;
        return true;
      case Op::kNot:
        if (!Eval(n.lhs, d, out)) return false;
        out = out != 0 ? 0 : 1;
        return true;
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
        return Arithmetic(n, d, out);
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe: {
        double a, b;
        if (!Eval(n.lhs, d, a) || !Eval(n.rhs, d, b)) return false;
        out = Compare(n.op, a, b) ? 1 : 0;
        return true;
      }
      case Op::kAnd:
      case Op::kOr:
        return Logical(n, d, out);
      case Op::kChange:
      case Op::kPctChange:
        return Change(n, d, out);
      case Op::kMin:
      case Op::kMax:
      case Op::kAvg:
      case Op::kSum:
      case Op::kStddev:
      case Op::kZscore:
      case Op::kPctRank:
        return Aggregate(n, d, out);
      case Op::kStreak:
        return Streak(n, d, out);
      case Op::kCrossesAbove:
      case Op::kCrossesBelow:
        return Crosses(n, d, out);
      case Op::kAge:
        return Age(n, d, out);
      case Op::kLate:
        return Late(n, d, out);
      case Op::kMonthEnd:
      case Op::kQuarterEnd:
      case Op::kYearEnd:
      case Op::kTaxDate:
        out = NearSeason(SeasonOf(n.op), d, n.window.length) ? 1 : 0;
        return true;
    }
    return false;
  }

  NoData why_{};

 private:
  bool Arithmetic(const Node& n, Date d, double& out) {
    double a, b;
    if (!Eval(n.lhs, d, a) || !Eval(n.rhs, d, b)) return false;
    switch (n.op) {
      case Op::kAdd:
        out = a + b;
        return true;
      case Op::kSub:
        out = a - b;
        return true;
      case Op::kMul:
        out = a * b;
        return true;
      default:
        if (b == 0)
          return Missing(
              NoData{.reason = NoData::Reason::kDivisionByZero, .date = d, .column = n.column});
        out = a / b;
        return true;
    }
  }

  // Three-valued and/or: a decided side wins over a missing one.
  bool Logical(const Node& n, Date d, double& out) {
    const double decisive = n.op == Op::kOr ? 1 : 0;
    double a, b;
    bool has_a = Eval(n.lhs, d, a);
    NoData why_a = why_;
    if (has_a && a == decisive) return out = decisive, true;
    bool has_b = Eval(n.rhs, d, b);
    if (has_b && b == decisive) return out = decisive, true;
    if (!has_a) return Missing(why_a);
    if (!has_b) return false;
    out = 1 - decisive;
    return true;
  }

  bool Age(const Node& n, Date d, double& out) {
    auto points = history_.Points(n.series);
    int i = LatestValue(points, d);  // a gap marker is not an observation
    if (i < 0) return NoObservation(n.series, d);
    out = double(
        std::chrono::duration_cast<Duration>(now_ - TimePoint(points[size_t(i)].date)).count());
    return true;
  }

  // No observation at all is late too once a print is overdue: that is what it reports.
  bool Late(const Node& n, Date d, double& out) {
    auto points = history_.Points(n.series);
    int i = LatestValue(points, d);
    std::optional<Date> latest;
    if (i >= 0) latest = points[size_t(i)].date;
    out = IsLate(*p_.Ref(n.series).release, latest, now_) ? 1 : 0;
    return true;
  }

  const std::string* Id(int series) const { return &p_.Ref(series).id; }

  bool Missing(const NoData& why) {
    why_ = why;
    return false;
  }
  bool NoObservation(int series, Date d) {
    return Missing(
        NoData{.reason = NoData::Reason::kNoObservation, .series = Id(series), .date = d});
  }
  bool NotFull(int series, Date d, const Window& w) {
    return Missing(NoData{
        .reason = NoData::Reason::kWindowNotFull, .series = Id(series), .date = d, .window = w});
  }
  // False with why_ set if `p` of series `s`, read for date `d`, is a gap marker.
  bool Readable(int s, const Point& p, Date d) {
    if (!IsGap(p)) return true;
    return Missing(NoData{.reason = NoData::Reason::kInputMissing,
                          .series = Id(s),
                          .date = d,
                          .last = p.date,
                          .series_index = s});
  }

  // Index of the observation series `s` has as of `d`, or -1 with why_ set if it has none, the
  // latest is a gap marker, or it is older than the series' max age.
  int Anchor(int s, std::span<const Point> points, Date d) {
    int i = AsOf(points, d);
    if (i < 0) return NoObservation(s, d), -1;
    if (!Readable(s, points[size_t(i)], d)) return -1;
    int max_age = p_.Ref(s).max_age_days;
    if ((d - points[size_t(i)].date).count() > max_age) {
      Missing(NoData{.reason = NoData::Reason::kStale,
                     .series = Id(s),
                     .date = d,
                     .last = points[size_t(i)].date,
                     .max_age_days = max_age});
      return -1;
    }
    return i;
  }

  bool SeriesValue(const Node& n, Date d, double& out) {
    auto points = history_.Points(n.series);
    int i = Anchor(n.series, points, d);
    if (i < 0) return false;
    if (i < n.lag) return NotFull(n.series, d, Window{Window::Unit::kObservations, n.lag + 1});
    const Point& p = points[size_t(i - n.lag)];
    if (!Readable(n.series, p, d)) return false;
    out = p.value;
    return true;
  }

  // The date a calendar or business-day window ending at `d` starts after: it covers
  // (start, d]. For business days on a weekend or holiday `d`, the n business days before it.
  static Date WindowStart(const Window& w, Date d) {
    if (w.unit == Window::Unit::kCalendarDays) return d - std::chrono::days(w.length);
    return AddBusinessDays(d, IsBusinessDay(d) ? -w.length : -(w.length + 1));
  }

  // The observations of the clock series inside window `w` ending at `d`: [lo, hi].
  bool Range(const Node& n, std::span<const Point> clock, Date d, int& lo, int& hi) {
    hi = Anchor(n.clock, clock, d);
    if (hi < 0) return false;
    if (n.window.unit == Window::Unit::kObservations) {
      lo = hi - n.window.length + 1;
    } else {
      // Full only once the history reaches back to the window's start.
      int before = AsOf(clock, WindowStart(n.window, d));
      lo = before < 0 ? -1 : before + 1;
      if (lo > hi) lo = -1;
    }
    if (lo < 0) return NotFull(n.clock, d, n.window);
    return true;
  }

  // x at clock observation j; the newest one (j == hi) is read as of `d` itself.
  bool ValueAt(const Node& n, std::span<const Point> clock, int j, int hi, Date d, double& v) {
    const Node& x = p_.nodes_[size_t(n.lhs)];
    if (x.op == Op::kSeries && x.lag == 0) {  // plain series: read the span directly
      if (!Readable(n.clock, clock[size_t(j)], d)) return false;
      v = clock[size_t(j)].value;
      return true;
    }
    return Eval(n.lhs, j == hi ? d : clock[size_t(j)].date, v);
  }

  bool Aggregate(const Node& n, Date d, double& out) {
    auto clock = history_.Points(n.clock);
    int lo, hi;
    if (!Range(n, clock, d, lo, hi)) return false;
    double current = 0;
    if ((n.op == Op::kZscore || n.op == Op::kPctRank) && !ValueAt(n, clock, hi, hi, d, current)) {
      return false;
    }
    double mn = INFINITY, mx = -INFINITY, sum = 0, mean = 0, m2 = 0;
    int count = 0, at_or_below = 0;
    for (int j = lo; j <= hi; ++j) {
      double v;
      if (!ValueAt(n, clock, j, hi, d, v)) return false;
      mn = std::min(mn, v), mx = std::max(mx, v), sum += v;
      ++count;
      double delta = v - mean;  // Welford: one pass, stable
      mean += delta / count;
      m2 += delta * (v - mean);
      at_or_below += v <= current + Tolerance(v, current);
    }
    switch (n.op) {
      case Op::kMin:
        out = mn;
        return true;
      case Op::kMax:
        out = mx;
        return true;
      case Op::kSum:
        out = sum;
        return true;
      case Op::kAvg:
        out = mean;
        return true;
      case Op::kPctRank:
        out = 100.0 * at_or_below / count;
        return true;
      default:
        break;
    }
    if (count < 2) return NotFull(n.clock, d, n.window);
    double sd = std::sqrt(m2 / (count - 1));  // sample standard deviation
    if (n.op == Op::kStddev) return out = sd, true;
    if (sd <= 1e-12 * std::max(1.0, std::fabs(mean))) {
      return Missing(NoData{.reason = NoData::Reason::kZeroVariance,
                            .series = Id(n.clock),
                            .date = d,
                            .window = n.window});
    }
    out = (current - mean) / sd;
    return true;
  }

  bool Change(const Node& n, Date d, double& out) {
    auto clock = history_.Points(n.clock);
    int hi = Anchor(n.clock, clock, d);
    if (hi < 0) return false;
    double now_value, then_value;
    if (!ValueAt(n, clock, hi, hi, d, now_value)) return false;
    if (n.window.unit == Window::Unit::kObservations) {
      int j = hi - n.window.length;
      if (j < 0) return NotFull(n.clock, d, n.window);
      if (!ValueAt(n, clock, j, hi, d, then_value)) return false;
    } else {
      Date start = WindowStart(n.window, d);
      if (AsOf(clock, start) < 0) return NotFull(n.clock, d, n.window);
      if (!Eval(n.lhs, start, then_value)) return false;  // as of the start, max age applies
    }
    if (n.op == Op::kChange) return out = now_value - then_value, true;
    if (then_value == 0) {
      return Missing(
          NoData{.reason = NoData::Reason::kDivisionByZero, .date = d, .column = n.column});
    }
    out = 100.0 * (now_value - then_value) / std::fabs(then_value);
    return true;
  }

  bool Streak(const Node& n, Date d, double& out) {
    auto clock = history_.Points(n.clock);
    int hi = Anchor(n.clock, clock, d);
    if (hi < 0) return false;
    double held;
    if (!Eval(n.lhs, d, held)) return false;
    int count = 0;
    if (held != 0) {
      ++count;
      // An older missing input ends the streak rather than voiding today's value. The cap
      // bounds the cost (each step is a full evaluation) for conditions true for years.
      for (int j = hi - 1;
           j >= 0 && count < kMaxStreak && Eval(n.lhs, clock[size_t(j)].date, held) && held != 0;
           --j) {
        ++count;
      }
    }
    out = count;
    return true;
  }

  bool Crosses(const Node& n, Date d, double& out) {
    auto clock = history_.Points(n.clock);
    int hi = Anchor(n.clock, clock, d);
    if (hi < 0) return false;
    if (hi < 1) return NotFull(n.clock, d, Window{Window::Unit::kObservations, 2});
    Date prev = clock[size_t(hi - 1)].date;
    double x_now, level_now, x_prev, level_prev;
    if (!Eval(n.lhs, d, x_now) || !Eval(n.rhs, d, level_now) || !Eval(n.lhs, prev, x_prev) ||
        !Eval(n.rhs, prev, level_prev)) {
      return false;
    }
    bool above = n.op == Op::kCrossesAbove;
    out = above ? (Compare(Op::kLe, x_prev, level_prev) && Compare(Op::kGt, x_now, level_now))
                : (Compare(Op::kGe, x_prev, level_prev) && Compare(Op::kLt, x_now, level_now));
    return true;
  }

  const Program& p_;
  const SeriesHistory& history_;
  TimePoint now_;
};

Outcome Program::Evaluate(const SeriesHistory& history, Date as_of, TimePoint now) const {
  if (nodes_.empty()) return Outcome::Missing(NoData{});  // a default-constructed Program
  Evaluator e(*this, history, now);
  double v = 0;
  if (!e.Eval(root_, as_of, v)) return Outcome::Missing(e.why_);
  return Outcome::Value(result_kind(), v);
}

std::optional<double> Program::ComparedValue(const SeriesHistory& history, Date as_of,
                                             TimePoint now) const {
  auto first_comparison = [&](auto& self, int index) -> int {
    const detail::Node& n = nodes_[size_t(index)];
    switch (n.op) {
      case Op::kAnd:
      case Op::kOr: {
        int left = self(self, n.lhs);
        return left >= 0 ? left : self(self, n.rhs);
      }
      case Op::kNot:
        return self(self, n.lhs);
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
        return index;
      default:
        return -1;
    }
  };
  if (nodes_.empty()) return std::nullopt;
  const int cmp = first_comparison(first_comparison, root_);
  if (cmp < 0) return std::nullopt;
  const int side = nodes_[size_t(cmp)].lhs;
  const detail::Node& lhs = nodes_[size_t(side)];
  const bool in_series_unit = lhs.kind == Kind::kRate || lhs.kind == Kind::kMoney ||
                              lhs.kind == Kind::kIndex || lhs.kind == Kind::kCount;
  if (!in_series_unit || lhs.op == Op::kConst || lhs.clock < 0) return std::nullopt;
  Evaluator e(*this, history, now);
  double v = 0;
  if (!e.Eval(side, as_of, v)) return std::nullopt;
  return v;
}

namespace {

// `in_bp`: a rate shown in basis points, as a desk quotes a spread (see Explain).
std::string FormatKind(double v, Kind k, bool in_bp = false) {
  if (in_bp && (k == Kind::kRate || k == Kind::kNumber)) return FormatBasisPoints(v);
  switch (k) {
    case Kind::kRate:
      return FormatValue(v, Dimension::kRate);
    case Kind::kMoney:
      return FormatValue(v, Dimension::kMoney);
    case Kind::kDuration:
      return FormatDuration(Duration(int64_t(std::llround(v))));
    case Kind::kBool:
      return v != 0 ? "true" : "false";
    default:
      return fmt::format("{:.4g}", v);
  }
}

std::string_view OpText(Op op) {
  switch (op) {
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    default:
      return "?";
  }
}

// The comparison that holds exactly when `op` does not.
Op Negated(Op op) {
  switch (op) {
    case Op::kLt:
      return Op::kGe;
    case Op::kLe:
      return Op::kGt;
    case Op::kGt:
      return Op::kLe;
    case Op::kGe:
      return Op::kLt;
    case Op::kEq:
      return Op::kNe;
    case Op::kNe:
      return Op::kEq;
    default:
      return op;
  }
}

}  // namespace

const detail::SeriesRef& Program::Ref(int index) const {
  // Compile filled in every series a node names; a handful per rule, so a binary search.
  auto at = std::lower_bound(series_.begin(), series_.end(), index,
                             [](const auto& entry, int i) { return entry.first < i; });
  return at->second;
}

// Renders what holds about a program's nodes as of a date: each method returns a true
// statement, so the whole is a conjunction of true statements (Program::Explain).
class Explainer {
 public:
  Explainer(const Program& p, const SeriesHistory& history, Date as_of, TimePoint now)
      : p_(p), history_(history), as_of_(as_of), now_(now), e_(p, history, now) {}

  std::string Explain(int index) {
    const detail::Node& n = p_.nodes_[size_t(index)];
    switch (n.op) {
      case Op::kAnd:
      case Op::kOr:
        return Connective(index);
      case Op::kNot:
        return Explain(n.lhs);  // what holds about the child says why `not` is true or false
      case Op::kLate:
        return Late(n);
      case Op::kMonthEnd:
      case Op::kQuarterEnd:
      case Op::kYearEnd:
      case Op::kTaxDate:
        return SeasonWindow(n);
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kEq:
      case Op::kNe:
        return Comparison(index);
      default:
        return Side(index, n.kind, false);
    }
  }

 private:
  std::string_view Source(const detail::Node& n) const {
    return std::string_view(p_.text_).substr(size_t(n.text_begin),
                                             size_t(n.text_end - n.text_begin));
  }

  // A boolean node's value as of the date; nullopt for NoData.
  std::optional<bool> Truth(int index) {
    double v = 0;
    if (!e_.Eval(index, as_of_, v)) return std::nullopt;
    return v != 0;
  }

  // The sides whose value equals the whole decide it (De Morgan for a false `or`, only the
  // false sides of a false `and`, the NoData sides of a NoData result). Each side is rendered
  // as what holds about it, hence " and " whatever the connective.
  std::string Connective(int index) {
    const detail::Node& n = p_.nodes_[size_t(index)];
    const std::optional<bool> whole = Truth(index);
    std::string out;
    for (int child : {n.lhs, n.rhs}) {
      if (Truth(child) != whole) continue;
      if (!out.empty()) out += " and ";
      out += Explain(child);
    }
    return out;
  }

  // "sofr for 2026-03-02 not published by 08:45 ET on 2026-03-03"
  std::string Late(const detail::Node& n) {
    auto points = history_.Points(n.series);
    int i = LatestValue(points, as_of_);
    std::optional<Date> latest;
    if (i >= 0) latest = points[size_t(i)].date;
    const auto& ref = p_.Ref(n.series);
    Freshness f = AssessFreshness(*ref.release, ref.id, latest, now_);
    if (f.state == Freshness::State::kLate) return f.message;
    return fmt::format("{} = false", Source(n));
  }

  // "2025-09-19 is 4bd after the 2025-09-15 tax date"
  std::string SeasonWindow(const detail::Node& n) {
    const Season season = SeasonOf(n.op);
    auto anchor = NearSeason(season, as_of_, n.window.length);
    if (!anchor) return fmt::format("{} = false", Source(n));
    const int bd = BusinessDaysBetween(*anchor, as_of_);
    if (bd == 0) return fmt::format("{} is a {}", FormatDate(as_of_), SeasonName(season));
    return fmt::format("{} is {}bd {} the {} {}", FormatDate(as_of_), std::abs(bd),
                       bd > 0 ? "after" : "before", FormatDate(*anchor), SeasonName(season));
  }

  // A comparison against a level written in bp ("sofr_iorb >= 15bp") is a spread rule: both
  // sides are shown in bp, the unit its author (and the desk) reads it in.
  bool WrittenInBp(int index) const {
    const detail::Node& n = p_.nodes_[size_t(index)];
    return n.op == Op::kConst && n.kind == Kind::kRate && Source(n).ends_with("bp");
  }

  std::string Comparison(int index) {
    const detail::Node& n = p_.nodes_[size_t(index)];
    Kind shown = p_.nodes_[size_t(n.lhs)].kind;
    if (shown == Kind::kNumber) shown = p_.nodes_[size_t(n.rhs)].kind;
    // NoData keeps the operator: the sides say which input is missing.
    const Op op = Truth(index).value_or(true) ? n.op : Negated(n.op);
    const bool in_bp = WrittenInBp(n.lhs) || WrittenInBp(n.rhs);
    return fmt::format("{} {} {}", Side(n.lhs, shown, in_bp), OpText(op),
                       Side(n.rhs, shown, in_bp));
  }

  // One side of a comparison: "sofr - iorb = 16bp", or just "10bp" for a constant.
  std::string Side(int index, Kind shown, bool in_bp) {
    const detail::Node& n = p_.nodes_[size_t(index)];
    double v = 0;
    if (!e_.Eval(index, as_of_, v))
      return fmt::format("{} = no data ({})", Source(n), e_.why_.ToString(history_));
    if (n.op == Op::kConst) return FormatKind(v, shown, in_bp);
    std::string out = fmt::format("{} = {}", Source(n), FormatKind(v, shown, in_bp));
    if (n.op == Op::kSeries) out += DerivedInputs(n);
    return out;
  }

  // " (sofr 3.87%, iorb 3.65%)" after a derived series: the inputs' values as of the date.
  std::string DerivedInputs(const detail::Node& n) const {
    const auto& inputs = p_.Ref(n.series).inputs;
    if (inputs.empty() || n.lag != 0) return {};
    std::string out;
    for (const detail::InputRef& in : inputs) {
      auto points = history_.Points(in.index);
      const int i = LatestValue(points, as_of_);
      out += fmt::format("{}{} {}", out.empty() ? " (" : ", ", in.id,
                         i < 0 ? "n/a" : FormatValue(points[size_t(i)].value, in.dimension));
    }
    return out + ")";
  }

  const Program& p_;
  const SeriesHistory& history_;
  const Date as_of_;
  const TimePoint now_;
  Evaluator e_;
};

std::string Program::Explain(const SeriesHistory& history, Date as_of, TimePoint now) const {
  return Explainer(*this, history, as_of, now).Explain(root_);
}

}  // namespace liqwatch::expr
