// Tokens of the rule expression language.
//
// Contract: Lex() splits the whole text up front into tokens that view into `text` (the caller
// keeps it alive). On an unexpected character it returns a CompileError with its column. Pure,
// thread-safe, never throws.
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "rules/expr/program.h"

namespace liqwatch::expr {

enum class TokenKind {
  kEnd,
  kIdentifier,  // sofr, avg
  kNumber,      // 4.3, 25bn, 10bp, 2.5%, 30d: `number` and `suffix`
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
  kAnd,
  kOr,
  kNot,  // and or not, also && || !
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;    // the whole token as written
  int column = 0;           // 1-based
  double number = 0;        // kNumber: the digits
  std::string_view suffix;  // kNumber: the unit letters or "%", possibly empty
};

// "')'" style description for error messages: "')'", "number '25bn'", "end of expression".
std::string Describe(const Token& t);

std::variant<std::vector<Token>, CompileError> Lex(std::string_view text);

}  // namespace liqwatch::expr
