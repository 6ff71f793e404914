#include "sources/formats/number.h"

#include <charconv>
#include <cmath>

namespace liqwatch::sources {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Length of the whitespace sequence at the start of s (ASCII or a UTF-8 NBSP), 0 if none.
size_t SpaceAt(std::string_view s, size_t i) {
  if (i < s.size() && IsAsciiSpace(s[i])) return 1;
  if (i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
      static_cast<unsigned char>(s[i + 1]) == 0xA0) {
    return 2;
  }
  return 0;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0;
  while (size_t n = SpaceAt(s, b)) b += n;
  size_t e = s.size();
  while (e > b) {
    if (IsAsciiSpace(s[e - 1])) {
      --e;
    } else if (e - b >= 2 && static_cast<unsigned char>(s[e - 2]) == 0xC2 &&
               static_cast<unsigned char>(s[e - 1]) == 0xA0) {
      e -= 2;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Removes thousands separators if they are well placed ("1,234,567.8"); false if misplaced.
bool StripThousands(std::string_view s, std::string& out) {
  size_t int_end = s.find_first_of(".eE");
  if (int_end == std::string_view::npos) int_end = s.size();
  std::string_view int_part = s.substr(0, int_end);
  if (int_part.find(',') == std::string_view::npos) {
    out.assign(s);
    return s.find(',') == std::string_view::npos;
  }
  // Groups after the first comma must be exactly three digits; first group 1-3 digits.
  size_t first = int_part.find(',');
  if (first == 0 || first > 3) return false;
  for (size_t i = 0; i < first; ++i) {
    if (!IsDigit(int_part[i])) return false;
  }
  out.assign(int_part.substr(0, first));
  size_t pos = first;
  while (pos < int_part.size()) {
    if (int_part[pos] != ',' || pos + 4 > int_part.size()) return false;
    for (size_t k = 1; k <= 3; ++k) {
      if (!IsDigit(int_part[pos + k])) return false;
    }
    out.append(int_part.substr(pos + 1, 3));
    pos += 4;
  }
  std::string_view rest = s.substr(int_end);
  if (rest.find(',') != std::string_view::npos) return false;
  out.append(rest);
  return true;
}

bool ParseStrictDouble(std::string_view s, double& out) {
  if (s.empty()) return false;
  // from_chars accepts "inf"/"nan" and hex with a format flag; restrict the alphabet first.
  bool digit_seen = false;
  for (char c : s) {
    if (IsDigit(c)) {
      digit_seen = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      return false;
    }
  }
  if (!digit_seen) return false;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (*begin == '+') ++begin;  // from_chars rejects a leading '+'
  if (begin == end || *begin == '+') return false;
  auto [p, ec] = std::from_chars(begin, end, out, std::chars_format::general);
  return ec == std::errc() && p == end && std::isfinite(out);
}

}  // namespace

NumberStyle HumanTableNumberStyle() {
  NumberStyle s;
  s.missing = {"", ".", "-", "\xE2\x80\x93" /* en dash */, "n/a", "N/A"};
  s.parentheses_negative = true;
  s.thousands_separators = true;
  return s;
}

NumberCell CleanNumber(std::string_view text, const NumberStyle& style) {
  std::string_view t = Trim(text);
  for (const std::string& m : style.missing) {
    if (t == m) return {CellKind::kMissing, 0};
  }
  bool negate = false;
  if (style.parentheses_negative && t.size() >= 2 && t.front() == '(' && t.back() == ')') {
    negate = true;
    t = Trim(t.substr(1, t.size() - 2));
    if (!t.empty() && (t.front() == '-' || t.front() == '+')) return {};
  }
  std::string buf;
  std::string_view digits = t;
  std::string_view sign;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    sign = digits.substr(0, 1);
    digits.remove_prefix(1);
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) return {};
  }
  if (style.thousands_separators) {
    if (!StripThousands(digits, buf)) return {};
  } else {
    if (digits.find(',') != std::string_view::npos) return {};
    buf.assign(digits);
  }
  buf.insert(0, sign);
  double v = 0;
  if (!ParseStrictDouble(buf, v)) return {};
  return {CellKind::kNumber, negate ? -v : v};
}

std::string NormalizeSpace(std::string_view text) {
  std::string_view t = Trim(text);
  std::string out;
  out.reserve(t.size());
  bool in_space = false;
  for (size_t i = 0; i < t.size();) {
    if (size_t n = SpaceAt(t, i)) {
      in_space = true;
      i += n;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(t[i++]);
  }
  return out;
}

std::string Excerpt(std::string_view text, size_t max) {
  std::string out;
  size_t n = std::min(text.size(), max);
  out.reserve(n + 3);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c == 0x7f ? '?' : text[i]);
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace liqwatch::sources
