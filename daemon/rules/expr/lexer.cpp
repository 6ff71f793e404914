#include "rules/expr/lexer.h"

#include <cctype>
#include <charconv>
#include <string>

namespace liqwatch::expr {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

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
  auto push = [&](TokenKind kind, size_t begin, size_t end) {
    Token t;
    t.kind = kind;
    t.text = text.substr(begin, end - begin);
    t.column = int(begin) + 1;
    out.push_back(t);
    i = end;
  };
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (IsDigit(c) || (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      size_t begin = i;
      while (i < text.size() && (IsDigit(text[i]) || text[i] == '.')) ++i;
      size_t digits_end = i;
      double value = 0;
      auto [p, ec] = std::from_chars(text.data() + begin, text.data() + digits_end, value);
      if (ec != std::errc() || p != text.data() + digits_end) {
        return CompileError{int(begin) + 1,
                            "invalid number '" + std::string(text.substr(begin, i - begin)) + "'"};
      }
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
      out.push_back(t);
      continue;
    }
    if (IsIdentStart(c)) {
      size_t begin = i;
      while (i < text.size() && IsIdentChar(text[i])) ++i;
      std::string_view word = text.substr(begin, i - begin);
      TokenKind kind = word == "and"   ? TokenKind::kAnd
                       : word == "or"  ? TokenKind::kOr
                       : word == "not" ? TokenKind::kNot
                                       : TokenKind::kIdentifier;
      push(kind, begin, i);
      continue;
    }
    auto two = [&](char next) { return i + 1 < text.size() && text[i + 1] == next; };
    switch (c) {
      case '(':
        push(TokenKind::kLParen, i, i + 1);
        break;
      case ')':
        push(TokenKind::kRParen, i, i + 1);
        break;
      case '[':
        push(TokenKind::kLBracket, i, i + 1);
        break;
      case ']':
        push(TokenKind::kRBracket, i, i + 1);
        break;
      case ',':
        push(TokenKind::kComma, i, i + 1);
        break;
      case '+':
        push(TokenKind::kPlus, i, i + 1);
        break;
      case '-':
        push(TokenKind::kMinus, i, i + 1);
        break;
      case '*':
        push(TokenKind::kStar, i, i + 1);
        break;
      case '/':
        push(TokenKind::kSlash, i, i + 1);
        break;
      case '<':
        two('=') ? push(TokenKind::kLessEqual, i, i + 2) : push(TokenKind::kLess, i, i + 1);
        break;
      case '>':
        two('=') ? push(TokenKind::kGreaterEqual, i, i + 2) : push(TokenKind::kGreater, i, i + 1);
        break;
      case '=':
        if (!two('=')) return CompileError{int(i) + 1, "unexpected '=', use '==' to compare"};
        push(TokenKind::kEqual, i, i + 2);
        break;
      case '!':
        two('=') ? push(TokenKind::kNotEqual, i, i + 2) : push(TokenKind::kNot, i, i + 1);
        break;
      case '&':
        if (!two('&')) return CompileError{int(i) + 1, "unexpected '&', use 'and'"};
        push(TokenKind::kAnd, i, i + 2);
        break;
      case '|':
        if (!two('|')) return CompileError{int(i) + 1, "unexpected '|', use 'or'"};
        push(TokenKind::kOr, i, i + 2);
        break;
      default:
        return CompileError{int(i) + 1, "unexpected character '" + std::string(1, c) + "'"};
    }
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.column = int(text.size()) + 1;
  out.push_back(end);
  return out;
}

}  // namespace liqwatch::expr
