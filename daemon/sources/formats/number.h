// Number cleaning shared by every tabular parser (fredgraph CSV, generic CSV, HTML tables).
//
// Contract: CleanNumber is a pure, thread-safe function over one cell's text. It never throws.
// It classifies the cell as a number, a published "missing" marker, or invalid; callers build
// their own error message (they know the line and column). Only finite values are numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liqwatch::sources {

struct NumberStyle {
  // Cells equal to one of these (after trimming whitespace) are "missing". FRED uses "" and
  // "."; Farside uses "-".
  std::vector<std::string> missing = {"", "."};
  // "(44.5)" means -44.5 (accounting style, Farside).
  bool parentheses_negative = false;
  // "1,119.9" means 1119.9. Commas must sit between digits of the integer part.
  bool thousands_separators = false;
};

// A style for human-formatted tables: "", "-", "." are missing, "(1,234.5)" is -1234.5.
NumberStyle HumanTableNumberStyle();

enum class CellKind { kNumber, kMissing, kInvalid };

struct NumberCell {
  CellKind kind = CellKind::kInvalid;
  double value = 0;  // meaningful only when kind == kNumber
};

// Trims ASCII whitespace and non-breaking spaces (U+00A0) on both sides, then classifies.
// Accepts an optional leading '+' or '-', digits with an optional fraction and exponent
// ("4.40", "-0.5", "1e3"); rejects "inf", "nan", hex, trailing junk ("4.4%", "12abc").
NumberCell CleanNumber(std::string_view text, const NumberStyle& style);

// Whitespace (ASCII and U+00A0) trimmed from both ends; internal whitespace runs collapsed to
// one space. Used for header and label comparison.
std::string NormalizeSpace(std::string_view text);

// Text shortened for error messages: at most `max` bytes, with "..." when cut, and control
// characters shown as '?'.
std::string Excerpt(std::string_view text, size_t max = 60);

}  // namespace liqwatch::sources
