#include "sources/formats/date_format.h"

#include <array>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "sources/formats/number.h"

namespace liqwatch::sources {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ReadInt(std::string_view s, size_t& i, size_t min_digits, size_t max_digits, int& out) {
  size_t start = i;
  int v = 0;
  while (i < s.size() && i - start < max_digits && IsDigit(s[i])) v = v * 10 + (s[i++] - '0');
  if (i - start < min_digits) return false;
  out = v;
  return true;
}

bool ReadMonthName(std::string_view s, size_t& i, int& out) {
  size_t start = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  std::string word;
  for (size_t k = start; k < i; ++k) word.push_back(char(std::tolower((unsigned char)s[k])));
  for (size_t m = 0; m < kMonths.size(); ++m) {
    if (word == kMonths[m] || (word.size() == 3 && kMonths[m].substr(0, 3) == word)) {
      out = int(m) + 1;
      return true;
    }
  }
  return false;
}

}  // namespace

Result<Date> ParseDateWithFormat(std::string_view raw, std::string_view format) {
  std::string trimmed = NormalizeSpace(raw);
  std::string_view text = trimmed;
  auto mismatch = [&] {
    return Status::InvalidArgument(
        fmt::format("date '{}' does not match format '{}'", Excerpt(raw, 40), format));
  };
  int y = -1, m = -1, d = -1;
  size_t i = 0;
  for (size_t f = 0; f < format.size(); ++f) {
    char fc = format[f];
    if (fc == '%' && f + 1 < format.size()) {
      char dir = format[++f];
      bool ok = true;
      switch (dir) {
        case 'Y':
          ok = ReadInt(text, i, 4, 4, y);
          break;
        case 'y':
          ok = ReadInt(text, i, 2, 2, y);
          y += 2000;
          break;
        case 'm':
          ok = ReadInt(text, i, 1, 2, m);
          break;
        case 'd':
        case 'e':
          ok = ReadInt(text, i, 1, 2, d);
          break;
        case 'b':
        case 'B':
        case 'h':
          ok = ReadMonthName(text, i, m);
          break;
        case '%':
          ok = i < text.size() && text[i++] == '%';
          break;
        default:
          return Status::InvalidArgument(
              fmt::format("date format '{}': unsupported directive '%{}'", format, dir));
      }
      if (!ok) return mismatch();
    } else if (IsSpace(fc)) {
      if (i >= text.size() || !IsSpace(text[i])) return mismatch();
      while (i < text.size() && IsSpace(text[i])) ++i;
    } else {
      if (i >= text.size() || text[i] != fc) return mismatch();
      ++i;
    }
  }
  if (i != text.size()) return mismatch();
  if (y < 0 || m < 0 || d < 0) {
    return Status::InvalidArgument(
        fmt::format("date format '{}' must contain a year, a month and a day", format));
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) {
    return Status::InvalidArgument(
        fmt::format("date '{}' is not a valid calendar date", Excerpt(raw, 40)));
  }
  if (auto in_range = CheckYear(y, Excerpt(raw, 40)); !in_range.ok()) return in_range;
  return Date(ymd);
}

Status CheckNoRepeatedPoints(const std::vector<RawPoint>& points, std::string_view what) {
  auto value = [](const RawPoint& p) { return p.value ? fmt::format("{}", *p.value) : "empty"; };
  for (size_t i = 1; i < points.size(); ++i) {
    const RawPoint& a = points[i - 1];
    const RawPoint& b = points[i];
    if (a.date == b.date && a.column == b.column) {
      return Status::InvalidArgument(fmt::format("{}: {}{}{} appears twice ({} and {})", what,
                                                 FormatDate(a.date), a.column.empty() ? "" : " ",
                                                 a.column, value(a), value(b)));
    }
  }
  return Status::Ok();
}

Status CheckNoFutureDates(const std::vector<RawPoint>& points, std::optional<Date> today,
                          std::string_view what) {
  if (!today) return Status::Ok();
  std::set<Date> future;  // distinct dates: a row carries several points in multi-column feeds
  for (const RawPoint& p : points) {
    if (p.date > *today) future.insert(p.date);
  }
  if (future.empty()) return Status::Ok();
  size_t n = future.size();
  std::optional<Date> first = *future.begin();
  return Status::InvalidArgument(fmt::format("{}: {} row(s) dated after today ({}), e.g. {}", what,
                                             n, FormatDate(*today), FormatDate(*first)));
}

Status CheckObservationDate(Date d, std::string_view what) {
  const std::chrono::year y = std::chrono::year_month_day(d).year();
  if (y >= kFirstObservationYear && y <= kLastObservationYear) return Status::Ok();
  return Status::InvalidArgument(
      fmt::format("{}: date {} is outside the accepted range {}-01-01..{}-12-31", what,
                  FormatDate(d), int(kFirstObservationYear), int(kLastObservationYear)));
}

}  // namespace liqwatch::sources
