// Program::ReadsBack: how much history an evaluation needs (program.h).
#include <algorithm>

#include "rules/expr/program.h"

namespace liqwatch::expr {

namespace {

using detail::Node;
using detail::Op;

// A window's own reach: observations, or calendar days (business days rounded up to weeks,
// plus two weeks of holidays).
void AddWindow(const Window& w, Program::Lookback& out) {
  switch (w.unit) {
    case Window::Unit::kObservations:
      out.observations += w.length;
      break;
    case Window::Unit::kCalendarDays:
      out.days += w.length;
      break;
    case Window::Unit::kBusinessDays:
      out.days += (w.length + 4) / 5 * 7 + 14;
      break;
  }
}

Program::Lookback Reach(const std::vector<Node>& nodes, int index) {
  Program::Lookback out;
  if (index < 0) return out;
  const Node& n = nodes[size_t(index)];
  for (int child : {n.lhs, n.rhs}) {
    Program::Lookback c = Reach(nodes, child);
    out.observations = std::max(out.observations, c.observations);
    out.days = std::max(out.days, c.days);
    out.unbounded = out.unbounded || c.unbounded;
  }
  switch (n.op) {
    case Op::kSeries:
      out.observations += n.lag;
      break;
    case Op::kChange:
    case Op::kPctChange:
    case Op::kMin:
    case Op::kMax:
    case Op::kAvg:
    case Op::kSum:
    case Op::kStddev:
    case Op::kZscore:
    case Op::kPctRank:
      AddWindow(n.window, out);
      break;
    case Op::kStreak:
      out.observations += kMaxStreak;
      break;
    case Op::kCrossesAbove:
    case Op::kCrossesBelow:
      out.observations += 1;
      break;
    case Op::kAge:
      out.unbounded = true;
      break;
    default:
      break;
  }
  return out;
}

}  // namespace

Program::Lookback Program::ReadsBack() const {
  if (nodes_.empty()) return {};
  return Reach(nodes_, root_);
}

}  // namespace liqwatch::expr
