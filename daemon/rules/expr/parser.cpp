// Pratt parser and type checker: tokens -> typed node array, in one pass. Each node is checked
// as it is built, so an error points at the operator or name that caused it.
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "rules/expr/lexer.h"
#include "rules/expr/program.h"

namespace liqwatch::expr {

using detail::Node;
using detail::Op;

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kRate:
      return "rate (percent)";
    case Kind::kMoney:
      return "money (USD bn)";
    case Kind::kIndex:
      return "index";
    case Kind::kCount:
      return "count";
    case Kind::kRatio:
      return "ratio";
    case Kind::kNumber:
      return "number";
    case Kind::kDuration:
      return "duration";
    case Kind::kBool:
      return "bool";
  }
  return "?";
}

bool IsNumeric(Kind k) { return k <= Kind::kNumber; }

std::string Window::ToString() const {
  switch (unit) {
    case Unit::kObservations:
      return fmt::format("{}", length);
    case Unit::kCalendarDays:
      return fmt::format("{}d", length);
    case Unit::kBusinessDays:
      return fmt::format("{}bd", length);
  }
  return "?";
}

std::string CompileError::ToString() const {
  return fmt::format("{} at column {}", message, column);
}

namespace {

enum class Arg { kValue, kWindow, kSeriesName };

struct FunctionSpec {
  std::string_view name;
  Op op;
  std::vector<Arg> args;
  std::string_view usage;
};

const std::vector<FunctionSpec>& Functions() {
  static const std::vector<FunctionSpec> kFunctions = {
      {"change", Op::kChange, {Arg::kValue, Arg::kWindow}, "change(x, window)"},
      {"pct_change", Op::kPctChange, {Arg::kValue, Arg::kWindow}, "pct_change(x, window)"},
      {"min", Op::kMin, {Arg::kValue, Arg::kWindow}, "min(x, window)"},
      {"max", Op::kMax, {Arg::kValue, Arg::kWindow}, "max(x, window)"},
      {"avg", Op::kAvg, {Arg::kValue, Arg::kWindow}, "avg(x, window)"},
      {"sum", Op::kSum, {Arg::kValue, Arg::kWindow}, "sum(x, window)"},
      {"stddev", Op::kStddev, {Arg::kValue, Arg::kWindow}, "stddev(x, window)"},
      {"zscore", Op::kZscore, {Arg::kValue, Arg::kWindow}, "zscore(x, window)"},
      {"pctrank", Op::kPctRank, {Arg::kValue, Arg::kWindow}, "pctrank(x, window)"},
      {"streak", Op::kStreak, {Arg::kValue}, "streak(condition)"},
      {"crosses_above", Op::kCrossesAbove, {Arg::kValue, Arg::kValue}, "crosses_above(x, level)"},
      {"crosses_below", Op::kCrossesBelow, {Arg::kValue, Arg::kValue}, "crosses_below(x, level)"},
      {"age", Op::kAge, {Arg::kSeriesName}, "age(series)"},
      {"late", Op::kLate, {Arg::kSeriesName}, "late(series)"},
      {"month_end", Op::kMonthEnd, {Arg::kWindow}, "month_end(business days), e.g. month_end(2bd)"},
      {"quarter_end",
       Op::kQuarterEnd,
       {Arg::kWindow},
       "quarter_end(business days), e.g. quarter_end(2bd)"},
      {"year_end", Op::kYearEnd, {Arg::kWindow}, "year_end(business days), e.g. year_end(3bd)"},
      {"tax_date", Op::kTaxDate, {Arg::kWindow}, "tax_date(business days), e.g. tax_date(10bd)"},
  };
  return kFunctions;
}

const FunctionSpec* FindFunction(std::string_view name) {
  for (const auto& f : Functions())
    if (f.name == name) return &f;
  return nullptr;
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool IsComparison(TokenKind k) {
  return k == TokenKind::kLess || k == TokenKind::kLessEqual || k == TokenKind::kGreater ||
         k == TokenKind::kGreaterEqual || k == TokenKind::kEqual || k == TokenKind::kNotEqual;
}

// Binding power of binary operators; 0 = not a binary operator.
int Precedence(TokenKind k) {
  switch (k) {
    case TokenKind::kOr:
      return 1;
    case TokenKind::kAnd:
      return 2;
    case TokenKind::kLess:
    case TokenKind::kLessEqual:
    case TokenKind::kGreater:
    case TokenKind::kGreaterEqual:
    case TokenKind::kEqual:
    case TokenKind::kNotEqual:
      return 4;
    case TokenKind::kPlus:
    case TokenKind::kMinus:
      return 5;
    case TokenKind::kStar:
    case TokenKind::kSlash:
      return 6;
    default:
      return 0;
  }
}
constexpr int kNotOperandPrecedence = 3;  // not a > b  ==  not (a > b)
constexpr int kUnaryMinusPrecedence = 7;  // -a * b     ==  (-a) * b

constexpr int64_t kMsPerMinute = 60'000;

std::string TooDeepMessage() {
  return fmt::format(
      "expression nested too deeply: more than {} levels of parentheses, "
      "operators or function calls (a + b + c counts one level per operator); "
      "split it into derived series",
      kMaxExpressionDepth);
}

// Observations a window function reads per evaluation of its argument: at most one per
// calendar day of its span (a business-day window spans up to 7/5 of its length plus a
// holiday weekend).
double WindowReads(const Window& w) {
  switch (w.unit) {
    case Window::Unit::kObservations:
    case Window::Unit::kCalendarDays:
      return w.length + 1.0;
    case Window::Unit::kBusinessDays:
      return w.length * 1.4 + 5;
  }
  return w.length + 1.0;
}

}  // namespace

class Compiler {
 public:
  Compiler(std::string_view text, const SeriesCatalog& catalog, std::vector<Token> tokens)
      : catalog_(catalog), tokens_(std::move(tokens)) {
    program_.text_ = std::string(text);
  }

  std::optional<CompileError> Run() {
    int root = ParseExpression(0);
    if (root < 0) return error_;
    if (Peek().kind != TokenKind::kEnd) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kRParen) return Error(t, "unmatched ')'");
      return Error(t,
                   fmt::format("expected an operator or end of expression, got {}", Describe(t)));
    }
    program_.root_ = root;
    for (const Node& n : program_.nodes_) {
      if (n.op == Op::kSeries || n.op == Op::kAge || n.op == Op::kLate)
        program_.inputs_.push_back(n.series);
      if (n.op == Op::kAge || n.op == Op::kLate) program_.reads_now_ = true;
    }
    std::sort(program_.inputs_.begin(), program_.inputs_.end());
    program_.inputs_.erase(std::unique(program_.inputs_.begin(), program_.inputs_.end()),
                           program_.inputs_.end());
    return std::nullopt;
  }

  Program Take() { return std::move(program_); }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  int EndOf(const Token& t) const { return t.column - 1 + int(t.text.size()); }

  std::optional<CompileError> Error(const Token& t, std::string message) {
    return Error(t.column, std::move(message));
  }
  std::optional<CompileError> Error(int column, std::string message) {
    if (!error_) error_ = CompileError{column, std::move(message)};
    return error_;
  }
  int Fail(const Token& t, std::string message) {
    Error(t, std::move(message));
    return -1;
  }
  int Fail(int column, std::string message) {
    Error(column, std::move(message));
    return -1;
  }

  // Appends `n`, or fails if it crosses a size limit (program.h): the tree's depth (evaluation
  // recurses over it), its node count, or the observations one evaluation would read.
  int Add(Node n) {
    if (program_.nodes_.size() >= size_t(kMaxExpressionNodes)) {
      return Fail(n.column, fmt::format("expression too large: more than {} values and "
                                        "operations; split it into derived series",
                                        kMaxExpressionNodes));
    }
    int depth = 1;
    double lhs_cost = 0, rhs_cost = 0;
    if (n.lhs >= 0) depth = std::max(depth, depth_[size_t(n.lhs)] + 1);
    if (n.rhs >= 0) depth = std::max(depth, depth_[size_t(n.rhs)] + 1);
    if (n.lhs >= 0) lhs_cost = cost_[size_t(n.lhs)];
    if (n.rhs >= 0) rhs_cost = cost_[size_t(n.rhs)];
    if (depth > kMaxExpressionDepth) return Fail(n.column, TooDeepMessage());
    double cost = 1 + lhs_cost + rhs_cost;
    switch (n.op) {
      case Op::kChange:
      case Op::kPctChange:
        cost = 1 + 2 * lhs_cost;
        break;
      case Op::kMin:
      case Op::kMax:
      case Op::kAvg:
      case Op::kSum:
      case Op::kStddev:
      case Op::kZscore:
      case Op::kPctRank:
        cost = 1 + WindowReads(n.window) * lhs_cost;
        break;
      case Op::kStreak:
        cost = 1 + kMaxStreak * lhs_cost;
        break;
      case Op::kCrossesAbove:
      case Op::kCrossesBelow:
        cost = 1 + 2 * (lhs_cost + rhs_cost);
        break;
      default:
        break;
    }
    if (cost > kMaxExpressionCost) {
      return Fail(n.column, fmt::format("expression too costly: its nested windows read about "
                                        "{:.0f} observations per evaluation (at most {:.0f}); "
                                        "use shorter windows or compute the inner part as a "
                                        "derived series",
                                        cost, kMaxExpressionCost));
    }
    program_.nodes_.push_back(n);
    depth_.push_back(depth);
    cost_.push_back(cost);
    return int(program_.nodes_.size()) - 1;
  }
  const Node& At(int i) const { return program_.nodes_[size_t(i)]; }

  // Recursion guard: parentheses, unary operators and call arguments recurse here, and the
  // parser's own stack must stay bounded before any node exists ("((((((...").
  int ParseExpression(int min_precedence) {
    if (nesting_ >= kMaxExpressionDepth) return Fail(Peek(), TooDeepMessage());
    ++nesting_;
    int result = ParseOperators(min_precedence);
    --nesting_;
    return result;
  }

  int ParseOperators(int min_precedence) {
    int lhs = ParsePrefix();
    if (lhs < 0) return -1;
    for (;;) {
      const Token op = Peek();
      int precedence = Precedence(op.kind);
      if (precedence == 0 || precedence < min_precedence) return lhs;
      Next();
      int rhs = ParseExpression(precedence + 1);
      if (rhs < 0) return -1;
      if (IsComparison(op.kind) && IsComparison(Peek().kind)) {
        return Fail(Peek(), "comparisons cannot be chained, combine them with 'and'");
      }
      lhs = MakeBinary(op, lhs, rhs);
      if (lhs < 0) return -1;
    }
  }

  int ParsePrefix() {
    const Token t = Next();
    switch (t.kind) {
      case TokenKind::kNumber:
        return MakeLiteral(t);
      case TokenKind::kIdentifier:
        if (Peek().kind == TokenKind::kLParen) return ParseCall(t);
        return ParseSeries(t);
      case TokenKind::kLParen: {
        int inner = ParseExpression(0);
        if (inner < 0) return -1;
        if (Peek().kind != TokenKind::kRParen) {
          return Fail(Peek(), fmt::format("expected ')' to close the '(' at column {}, got {}",
                                          t.column, Describe(Peek())));
        }
        const Token& close = Next();
        program_.nodes_[size_t(inner)].text_begin = t.column - 1;
        program_.nodes_[size_t(inner)].text_end = EndOf(close);
        return inner;
      }
      case TokenKind::kMinus: {
        int operand = ParseExpression(kUnaryMinusPrecedence);
        if (operand < 0) return -1;
        Node n = At(operand);
        if (!IsNumeric(n.kind) && n.kind != Kind::kDuration) {
          return Fail(t, fmt::format("cannot negate {}", KindName(n.kind)));
        }
        if (n.op == Op::kConst) {  // fold: -10bp is a constant
          program_.nodes_[size_t(operand)].constant = -n.constant;
          program_.nodes_[size_t(operand)].text_begin = t.column - 1;
          return operand;
        }
        Node neg{.op = Op::kNeg, .kind = n.kind, .lhs = operand, .clock = n.clock};
        neg.column = t.column;
        neg.text_begin = t.column - 1;
        neg.text_end = n.text_end;
        return Add(neg);
      }
      case TokenKind::kNot: {
        int operand = ParseExpression(kNotOperandPrecedence);
        if (operand < 0) return -1;
        const Node& n = At(operand);
        if (n.kind != Kind::kBool) {
          return Fail(t, fmt::format("'not' needs a condition, got {}", KindName(n.kind)));
        }
        Node neg{.op = Op::kNot, .kind = Kind::kBool, .lhs = operand, .clock = n.clock};
        neg.column = t.column;
        neg.text_begin = t.column - 1;
        neg.text_end = n.text_end;
        return Add(neg);
      }
      case TokenKind::kEnd:
        return Fail(t, "expected a value, got end of expression");
      default:
        return Fail(t, fmt::format("expected a value, got {}", Describe(t)));
    }
  }

  int MakeLiteral(const Token& t) {
    Node n{.op = Op::kConst};
    n.column = t.column;
    n.text_begin = t.column - 1;
    n.text_end = EndOf(t);
    std::string_view s = t.suffix;
    double v = t.number;
    auto duration = [&](double ms_per) {
      n.kind = Kind::kDuration;
      n.constant = v * ms_per;
    };
    if (s.empty()) {
      n.kind = Kind::kNumber, n.constant = v;
    } else if (s == "%") {
      n.kind = Kind::kRate, n.constant = v;
    } else if (s == "bp") {
      n.kind = Kind::kRate, n.constant = v / 100;
    } else if (s == "mn") {
      n.kind = Kind::kMoney, n.constant = v / 1000;
    } else if (s == "bn") {
      n.kind = Kind::kMoney, n.constant = v;
    } else if (s == "tn") {
      n.kind = Kind::kMoney, n.constant = v * 1000;
    } else if (s == "min") {
      duration(kMsPerMinute);
    } else if (s == "h") {
      duration(60 * kMsPerMinute);
    } else if (s == "d") {
      duration(24 * 60 * kMsPerMinute);
    } else if (s == "w") {
      duration(7 * 24 * 60 * kMsPerMinute);
    } else if (s == "bd") {
      return Fail(t, fmt::format("'{}': business days are only valid as a window, e.g. "
                                 "avg(sofr, 5bd)",
                                 t.text));
    } else if (s == "m") {
      return Fail(t, fmt::format("ambiguous unit in '{}': write 'mn' for USD millions or 'min' "
                                 "for minutes",
                                 t.text));
    } else {
      return Fail(t, fmt::format("unknown unit '{}' in '{}', expected one of bn, tn, mn, bp, %, "
                                 "min, h, d, w",
                                 s, t.text));
    }
    return Add(n);
  }

  int ParseSeries(const Token& t) {
    if (FindFunction(t.text) != nullptr) {
      return Fail(
          t, fmt::format("'{}' is a function, call it as {}", t.text, FindFunction(t.text)->usage));
    }
    std::optional<int> index = catalog_.Find(t.text);
    if (!index) return Fail(t, UnknownSeriesMessage(t.text));
    Remember(*index);
    Node n{.op = Op::kSeries,
           .kind = KindOf(catalog_.spec(*index).dimension),
           .series = *index,
           .clock = *index};
    n.column = t.column;
    n.text_begin = t.column - 1;
    n.text_end = EndOf(t);
    if (Peek().kind == TokenKind::kLBracket) {
      Next();
      const Token lag = Next();
      if (lag.kind != TokenKind::kNumber || !lag.suffix.empty() || lag.number < 0 ||
          lag.number != std::floor(lag.number) || lag.number > 100000) {
        return Fail(lag, fmt::format("expected an observation lag such as {}[1], got {}", t.text,
                                     Describe(lag)));
      }
      if (Peek().kind != TokenKind::kRBracket) {
        return Fail(Peek(), fmt::format("expected ']' after the lag, got {}", Describe(Peek())));
      }
      n.text_end = EndOf(Next());
      n.lag = int(lag.number);
    }
    return Add(n);
  }

  std::string UnknownSeriesMessage(std::string_view name) const {
    std::string best;
    int best_distance = 3;  // suggest only close misspellings
    for (int i = 0; i < catalog_.size(); ++i) {
      int d = EditDistance(name, catalog_.spec(i).id);
      if (d < best_distance) best_distance = d, best = catalog_.spec(i).id;
    }
    if (best.empty()) return fmt::format("unknown series '{}'", name);
    return fmt::format("unknown series '{}' (did you mean '{}'?)", name, best);
  }

  void Remember(int index) {
    const SeriesSpec& spec = catalog_.spec(index);
    std::vector<detail::InputRef> inputs;
    for (int input : spec.inputs)
      inputs.push_back({input, catalog_.spec(input).id, catalog_.spec(input).dimension});
    auto& refs = program_.series_;
    auto at = std::lower_bound(refs.begin(), refs.end(), index,
                               [](const auto& entry, int i) { return entry.first < i; });
    if (at != refs.end() && at->first == index) return;  // named before
    refs.insert(at, {index, detail::SeriesRef{spec.id, int(spec.max_age.count()), spec.release,
                                              std::move(inputs)}});
  }

  static Kind KindOf(Dimension d) {
    switch (d) {
      case Dimension::kRate:
        return Kind::kRate;
      case Dimension::kMoney:
        return Kind::kMoney;
      case Dimension::kIndex:
        return Kind::kIndex;
      case Dimension::kCount:
        return Kind::kCount;
    }
    return Kind::kIndex;
  }

  int ParseCall(const Token& name) {
    const FunctionSpec* f = FindFunction(name.text);
    if (f == nullptr) {
      if (catalog_.Find(name.text)) {
        return Fail(name, fmt::format("'{}' is a series, not a function", name.text));
      }
      return Fail(name, fmt::format("unknown function '{}'", name.text));
    }
    Next();  // '('
    Node call{.op = f->op};
    call.column = name.column;
    call.text_begin = name.column - 1;
    int values[2] = {-1, -1};
    int value_count = 0;
    for (size_t i = 0; i < f->args.size(); ++i) {
      if (i > 0 && ParseComma(*f) < 0) return -1;
      switch (f->args[i]) {
        case Arg::kValue: {
          if (Peek().kind == TokenKind::kRParen) {
            return Fail(Peek(), fmt::format("{}() takes {} argument{}: {}", f->name, f->args.size(),
                                            f->args.size() > 1 ? "s" : "", f->usage));
          }
          int v = ParseExpression(0);
          if (v < 0) return -1;
          values[value_count++] = v;
          break;
        }
        case Arg::kWindow:
          if (!ParseWindow(call.window)) return -1;
          break;
        case Arg::kSeriesName:
          if (ParseSeriesName(*f, call) < 0) return -1;
          break;
      }
    }
    if (Peek().kind != TokenKind::kRParen) {
      return Fail(Peek(), fmt::format("expected ')' after arguments, got {}", Describe(Peek())));
    }
    call.text_end = EndOf(Next());
    call.lhs = values[0];
    call.rhs = values[1];
    if (call.lhs >= 0) call.clock = At(call.lhs).clock;
    return CheckCall(*f, call);
  }

  // The ',' between two arguments; -1 (failed) when the call is short or malformed.
  int ParseComma(const FunctionSpec& f) {
    if (Peek().kind == TokenKind::kComma) {
      Next();
      return 0;
    }
    if (Peek().kind == TokenKind::kRParen)
      return Fail(Peek(),
                  fmt::format("{}() takes {} arguments: {}", f.name, f.args.size(), f.usage));
    return Fail(Peek(), fmt::format("expected ',' between arguments, got {}", Describe(Peek())));
  }

  // A series named as an argument (age(sofr)): the call reads, and steps over, that series.
  int ParseSeriesName(const FunctionSpec& f, Node& call) {
    const Token t = Next();
    std::optional<int> index;
    if (t.kind == TokenKind::kIdentifier) index = catalog_.Find(t.text);
    if (t.kind == TokenKind::kIdentifier && !index && !FindFunction(t.text))
      return Fail(t, UnknownSeriesMessage(t.text));
    if (!index)
      return Fail(
          t, fmt::format("{}() takes a series name, e.g. age(sofr), got {}", f.name, Describe(t)));
    Remember(*index);
    call.series = *index;
    call.clock = *index;
    return 0;
  }

  bool ParseWindow(Window& w) {
    const Token t = Next();
    auto fail = [&]() {
      Fail(t, fmt::format("expected a window such as 5 (observations), 30d, 5bd or 4w, got {}",
                          Describe(t)));
      return false;
    };
    if (t.kind != TokenKind::kNumber || t.number < 1 || t.number != std::floor(t.number) ||
        t.number > 100000) {
      return fail();
    }
    int n = int(t.number);
    if (t.suffix.empty()) {
      w = {Window::Unit::kObservations, n};
    } else if (t.suffix == "d") {
      w = {Window::Unit::kCalendarDays, n};
    } else if (t.suffix == "bd") {
      w = {Window::Unit::kBusinessDays, n};
    } else if (t.suffix == "w") {
      w = {Window::Unit::kCalendarDays, 7 * n};
    } else {
      return fail();
    }
    return true;
  }

  int CheckCall(const FunctionSpec& f, Node call) {
    switch (f.op) {
      case Op::kAge:
        call.kind = Kind::kDuration;
        return Add(call);
      case Op::kLate:
        if (!catalog_.spec(call.series).release) {
          return Fail(call.column,
                      fmt::format("late({}) needs a release calendar: series '{}' has none (give "
                                  "it `release:`, docs/sources.md)",
                                  catalog_.spec(call.series).id, catalog_.spec(call.series).id));
        }
        call.kind = Kind::kBool;
        return Add(call);
      case Op::kMonthEnd:
      case Op::kQuarterEnd:
      case Op::kYearEnd:
      case Op::kTaxDate:
        // A season is a span of the funding calendar, so only business days measure it.
        if (call.window.unit != Window::Unit::kBusinessDays) {
          return Fail(call.column, fmt::format("{}() takes business days: {}", f.name, f.usage));
        }
        call.kind = Kind::kBool;
        return Add(call);
      default:
        return CheckWindowCall(f, std::move(call));
    }
  }

  // A function over a series' observations (windows, streak, crosses): its first argument
  // must read a series, whose observations it steps over.
  int CheckWindowCall(const FunctionSpec& f, Node call) {
    const Node* x = call.lhs >= 0 ? &At(call.lhs) : nullptr;
    switch (f.op) {
      case Op::kStreak:
        if (x->kind != Kind::kBool) {
          return Fail(x->column, fmt::format("streak() needs a condition such as sofr > iorb, "
                                             "got {}",
                                             KindName(x->kind)));
        }
        call.kind = Kind::kCount;
        break;
      case Op::kCrossesAbove:
      case Op::kCrossesBelow: {
        const Node& level = At(call.rhs);
        if (!IsNumeric(x->kind)) {
          return Fail(x->column,
                      fmt::format("{}() needs a number, got {}", f.name, KindName(x->kind)));
        }
        if (!Comparable(x->kind, level.kind)) {
          return Fail(level.column, CompareMessage(x->kind, level.kind));
        }
        if (CheckBareNumber(call.rhs, call.lhs) < 0) return -1;
        call.kind = Kind::kBool;
        break;
      }
      default:  // window functions
        if (!IsNumeric(x->kind)) {
          return Fail(x->column,
                      fmt::format("{}() needs a number, got {}", f.name, KindName(x->kind)));
        }
        call.kind = f.op == Op::kPctChange || f.op == Op::kPctRank ? Kind::kRate
                    : f.op == Op::kZscore                          ? Kind::kRatio
                                                                   : x->kind;
        break;
    }
    if (call.clock < 0) {
      return Fail(call.column, fmt::format("{}() needs a series in its first argument: windows "
                                           "step over that series' observations",
                                           f.name));
    }
    return Add(call);
  }

  static bool Comparable(Kind a, Kind b) {
    if (a == b) return a != Kind::kBool;
    if (a == Kind::kNumber) return IsNumeric(b);
    if (b == Kind::kNumber) return IsNumeric(a);
    return false;
  }

  static std::string CompareMessage(Kind a, Kind b) {
    std::string m = fmt::format("cannot compare {} with {}", KindName(a), KindName(b));
    if ((a == Kind::kRatio && b == Kind::kRate) || (a == Kind::kRate && b == Kind::kRatio)) {
      m += " (a ratio is a plain fraction: compare it with a number such as 0.1)";
    } else if (a == Kind::kDuration || b == Kind::kDuration) {
      m += " (write a duration such as 3d or 12h)";
    } else if (a == Kind::kBool && b == Kind::kBool) {
      m = "cannot compare conditions, combine them with and/or/not";
    }
    return m;
  }

  // The first series read under `node` that is published in a non-canonical unit, or -1.
  int NonCanonicalInput(int node) const {
    if (node < 0) return -1;
    const Node& n = At(node);
    if (n.op == Op::kSeries && !catalog_.spec(n.series).published_unit.empty()) return n.series;
    int l = NonCanonicalInput(n.lhs);
    return l >= 0 ? l : NonCanonicalInput(n.rhs);
  }

  // A bare number (not 0) combined with money or a rate that reads a series published in
  // another unit is ambiguous: `btc_flow < -500` on a usd_mn flow would mean -$500bn. Fails at
  // the number, naming the series and how to write it; 0 if fine.
  int CheckBareNumber(int number, int other) {
    const Node& n = At(number);
    const Node& o = At(other);
    if (n.op != Op::kConst || n.kind != Kind::kNumber || n.constant == 0) return 0;
    if (o.kind != Kind::kMoney && o.kind != Kind::kRate) return 0;
    const int series = NonCanonicalInput(other);
    if (series < 0) return 0;
    const SeriesSpec& spec = catalog_.spec(series);
    const std::string written =
        program_.text_.substr(size_t(n.text_begin), size_t(n.text_end - n.text_begin));
    const bool money = o.kind == Kind::kMoney;
    auto unit = ParseUnit(spec.published_unit);
    std::string_view suffix = unit.ok() ? SuffixOf(*unit) : "";
    if (suffix.empty()) suffix = money ? "bn" : "%";
    return Fail(n.text_begin + 1,
                fmt::format("'{}' is ambiguous next to {} (published in {}, compared in "
                            "{}): write the unit, e.g. {}{}",
                            written, spec.id, spec.published_unit, money ? "USD bn" : "percent",
                            written, suffix));
  }

  static Op BinaryOp(TokenKind t) {
    static constexpr std::pair<TokenKind, Op> kOps[] = {
        {TokenKind::kAnd, Op::kAnd},    {TokenKind::kOr, Op::kOr},
        {TokenKind::kPlus, Op::kAdd},   {TokenKind::kMinus, Op::kSub},
        {TokenKind::kStar, Op::kMul},   {TokenKind::kSlash, Op::kDiv},
        {TokenKind::kLess, Op::kLt},    {TokenKind::kLessEqual, Op::kLe},
        {TokenKind::kGreater, Op::kGt}, {TokenKind::kGreaterEqual, Op::kGe},
        {TokenKind::kEqual, Op::kEq},   {TokenKind::kNotEqual, Op::kNe}};
    for (auto [tk, op] : kOps)
      if (tk == t) return op;
    return Op::kConst;  // not a binary operator: the caller only passes binary ones
  }

  // The kind of `a op b` for + - * /, or nullopt when the two kinds do not combine.
  static std::optional<Kind> ArithmeticKind(Op op, Kind ka, Kind kb) {
    auto scalar = [](Kind k) { return k == Kind::kNumber || k == Kind::kRatio; };
    switch (op) {
      case Op::kAdd:
      case Op::kSub:
        if (ka == kb && (IsNumeric(ka) || ka == Kind::kDuration)) return ka;
        if (ka == Kind::kNumber && IsNumeric(kb)) return kb;
        if (kb == Kind::kNumber && IsNumeric(ka)) return ka;
        return std::nullopt;
      case Op::kMul:
        if (scalar(ka) && IsNumeric(kb)) return ka == Kind::kRatio && kb == Kind::kNumber ? ka : kb;
        if (scalar(kb) && (IsNumeric(ka) || ka == Kind::kDuration)) return ka;
        // Shares times a per-share price is money: change(shares, 1) * nav is a fund's flow.
        if ((ka == Kind::kCount && kb == Kind::kMoney) ||
            (ka == Kind::kMoney && kb == Kind::kCount))
          return Kind::kMoney;
        return std::nullopt;
      case Op::kDiv:
        if (scalar(kb) && (IsNumeric(ka) || ka == Kind::kDuration))
          return ka == Kind::kNumber && kb == Kind::kRatio ? kb : ka;
        if (ka == kb && (IsNumeric(ka) || ka == Kind::kDuration))
          return Kind::kRatio;  // like / like: a plain fraction
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  static std::string ArithmeticMessage(Op op, Kind ka, Kind kb) {
    switch (op) {
      case Op::kAdd:
        return fmt::format("cannot add {} and {}", KindName(ka), KindName(kb));
      case Op::kSub:
        return fmt::format("cannot subtract {} from {}", KindName(kb), KindName(ka));
      case Op::kMul:
        return fmt::format("cannot multiply {} by {}", KindName(ka), KindName(kb));
      default:
        return fmt::format("cannot divide {} by {}", KindName(ka), KindName(kb));
    }
  }

  int MakeBinary(const Token& op_token, int lhs, int rhs) {
    if (op_token.kind != TokenKind::kStar && op_token.kind != TokenKind::kSlash &&
        op_token.kind != TokenKind::kAnd && op_token.kind != TokenKind::kOr &&
        (CheckBareNumber(lhs, rhs) < 0 || CheckBareNumber(rhs, lhs) < 0))
      return -1;
    const Node& a = At(lhs);
    const Node& b = At(rhs);
    Node n{.op = BinaryOp(op_token.kind),
           .lhs = lhs,
           .rhs = rhs,
           .clock = a.clock >= 0 ? a.clock : b.clock};
    n.column = op_token.column;
    n.text_begin = a.text_begin;
    n.text_end = b.text_end;
    const Kind ka = a.kind, kb = b.kind;
    if (n.op == Op::kAnd || n.op == Op::kOr) {
      if (ka != Kind::kBool || kb != Kind::kBool) {
        return Fail(op_token, fmt::format("'{}' needs conditions on both sides, got {} and {}",
                                          op_token.text, KindName(ka), KindName(kb)));
      }
      n.kind = Kind::kBool;
      return Add(n);
    }
    if (IsComparison(op_token.kind)) {
      if (!Comparable(ka, kb)) return Fail(op_token, CompareMessage(ka, kb));
      n.kind = Kind::kBool;
      return Add(n);
    }
    const std::optional<Kind> k = ArithmeticKind(n.op, ka, kb);
    if (!k) return Fail(op_token, ArithmeticMessage(n.op, ka, kb));
    n.kind = *k;
    if (a.op == Op::kConst && b.op == Op::kConst) return Fold(n, a.constant, b.constant);
    return Add(n);
  }

  // Two constants: compute now (e.g. 1tn + 500bn), so evaluation never repeats it.
  int Fold(Node n, double a, double b) {
    double v = 0;
    switch (n.op) {
      case Op::kAdd:
        v = a + b;
        break;
      case Op::kSub:
        v = a - b;
        break;
      case Op::kMul:
        v = a * b;
        break;
      case Op::kDiv:
        if (b == 0) return Fail(n.column, "division by zero");
        v = a / b;
        break;
      default:
        return Add(n);
    }
    Node c{.op = Op::kConst, .kind = n.kind, .constant = v};
    c.column = n.column;
    c.text_begin = n.text_begin;
    c.text_end = n.text_end;
    return Add(c);
  }

  const SeriesCatalog& catalog_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;  // ParseExpression calls on the stack
  Program program_;
  std::vector<int> depth_;    // per node: height of its subtree
  std::vector<double> cost_;  // per node: observations one evaluation of it reads (estimate)
  std::optional<CompileError> error_;
};

Result<Program> Compile(std::string_view text, const SeriesCatalog& catalog, CompileError* error) {
  auto fail = [&](CompileError e) -> Result<Program> {
    Status s = Status::ParseError(e.ToString());
    if (error != nullptr) *error = std::move(e);
    return s;
  };
  if (text.size() > size_t(kMaxExpressionLength)) {
    return fail(CompileError{kMaxExpressionLength + 1,
                             fmt::format("expression too long: {} bytes (at most {})", text.size(),
                                         kMaxExpressionLength)});
  }
  auto lexed = Lex(text);
  if (auto* e = std::get_if<CompileError>(&lexed)) return fail(std::move(*e));
  Compiler compiler(text, catalog, std::get<std::vector<Token>>(std::move(lexed)));
  if (auto e = compiler.Run()) return fail(std::move(*e));
  return compiler.Take();
}

}  // namespace liqwatch::expr
