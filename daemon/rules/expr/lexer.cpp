#include "rules/expr/lexer.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <utility>

namespace liqwatch::expr {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Punctuation of one character that is always a token by itself.
std::optional<TokenKind> SingleCharToken(char c) {
  static constexpr std::pair<char, TokenKind> kTokens[] = {
      {'(', TokenKind::kLParen},   {')', TokenKind::kRParen}, {'[', TokenKind::kLBracket},
      {']', TokenKind::kRBracket}, {',', TokenKind::kComma},  {'+', TokenKind::kPlus},
      {'-', TokenKind::kMinus},    {'*', TokenKind::kStar},   {'/', TokenKind::kSlash}};
  for (auto [ch, kind] : kTokens)
    if (ch == c) return kind;
  return std::nullopt;
}

struct Operator {
  TokenKind kind;
  size_t length;
};

// The operator at text[i] (comparison or logical, one or two characters), or why there is
// none. The C spellings '&&', '||' and '!' are accepted for and/or/not.
std::variant<Operator, CompileError> LexOperator(std::string_view text, size_t i) {
  const char c = text[i];
  const bool then_eq = i + 1 < text.size() && text[i + 1] == '=';
  const bool doubled = i + 1 < text.size() && text[i + 1] == c;
  if (auto single = SingleCharToken(c)) return Operator{*single, 1};
  switch (c) {
    case '<':
      return then_eq ? Operator{TokenKind::kLessEqual, 2} : Operator{TokenKind::kLess, 1};
    case '>':
      return then_eq ? Operator{TokenKind::kGreaterEqual, 2} : Operator{TokenKind::kGreater, 1};
    case '!':
      return then_eq ? Operator{TokenKind::kNotEqual, 2} : Operator{TokenKind::kNot, 1};
    case '=':
      if (doubled) return Operator{TokenKind::kEqual, 2};
      return CompileError{int(i) + 1, "unexpected '=', use '==' to compare"};
    case '&':
      if (doubled) return Operator{TokenKind::kAnd, 2};
      return CompileError{int(i) + 1, "unexpected '&', use 'and'"};
    case '|':
      if (doubled) return Operator{TokenKind::kOr, 2};
      return CompileError{int(i) + 1, "unexpected '|', use 'or'"};
    default:
      return CompileError{int(i) + 1, "unexpected character '" + std::string(1, c) + "'"};
  }
}

// A number at text[begin], with its unit suffix ('%' or letters: 'bp', 'bn', 'd', ...).
std::variant<Token, CompileError> LexNumber(std::string_view text, size_t begin) {
  size_t i = begin;
  while (i < text.size() && (IsDigit(text[i]) || text[i] == '.')) ++i;
  const size_t digits_end = i;
  double value = 0;
  auto [p, ec] = std::from_chars(text.data() + begin, text.data() + digits_end, value);
  if (ec != std::errc() || p != text.data() + digits_end)
    return CompileError{int(begin) + 1,
                        "invalid number '" + std::string(text.substr(begin, i - begin)) + "'"};
  if (i < text.size() && text[i] == '%') {
    ++i;
  } else {
    while (i < text.size() && IsIdentChar(text[i])) ++i;
  }
  Token t;
  t.kind = TokenKind::kNumber;
  t.text = text.substr(begin, i - begin);
  t.column = int(begin) + 1;
  t.number = value;
  t.suffix = text.substr(digits_end, i - digits_end);
  return t;
}

Token MakeToken(TokenKind kind, std::string_view text, size_t begin, size_t end) {
  Token t;
  t.kind = kind;
  t.text = text.substr(begin, end - begin);
  t.column = int(begin) + 1;
  return t;
}

}  // namespace

std::string Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kIdentifier:
      return "'" + std::string(t.text) + "'";
    case TokenKind::kNumber:
      return "number '" + std::string(t.text) + "'";
    default:
      return "'" + std::string(t.text) + "'";
  }
}

std::variant<std::vector<Token>, CompileError> Lex(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (IsDigit(c) || (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      auto number = LexNumber(text, i);
      if (auto* err = std::get_if<CompileError>(&number)) return *err;
      out.push_back(std::get<Token>(number));
      i += out.back().text.size();
    } else if (IsIdentStart(c)) {
      const size_t begin = i;
      while (i < text.size() && IsIdentChar(text[i])) ++i;
      const std::string_view word = text.substr(begin, i - begin);
      const TokenKind kind = word == "and"   ? TokenKind::kAnd
                             : word == "or"  ? TokenKind::kOr
                             : word == "not" ? TokenKind::kNot
                                             : TokenKind::kIdentifier;
      out.push_back(MakeToken(kind, text, begin, i));
    } else {
      auto op = LexOperator(text, i);
      if (auto* err = std::get_if<CompileError>(&op)) return *err;
      const auto [kind, length] = std::get<Operator>(op);
      out.push_back(MakeToken(kind, text, i, i + length));
      i += length;
    }
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.column = int(text.size()) + 1;
  out.push_back(end);
  return out;
}

}  // namespace liqwatch::expr
