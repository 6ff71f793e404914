#include "sources/formats/date_format.h"

#include <set>
#include <sstream>

#include <date/date.h>

#include <fmt/format.h>

#include "sources/formats/number.h"

namespace liqwatch::sources {
namespace {

// The directives a feed's date format may use, checked before parsing: date::parse knows many
// more (times, weekdays, time zones) that a feed date must not depend on.
struct FormatParts {
  bool year = false, month = false, day = false;
};

Result<FormatParts> CheckFormat(std::string_view format) {
  FormatParts parts;
  for (size_t f = 0; f + 1 < format.size(); ++f) {
    if (format[f] != '%') continue;
    const char dir = format[++f];
    if (dir == 'Y' || dir == 'y')
      parts.year = true;
    else if (dir == 'm' || dir == 'b' || dir == 'B' || dir == 'h')
      parts.month = true;
    else if (dir == 'd' || dir == 'e')
      parts.day = true;
    else if (dir != '%')
      return Status::InvalidArgument(
          fmt::format("date format '{}': unsupported directive '%{}'", format, dir));
  }
  return parts;
}

}  // namespace

Result<Date> ParseDateWithFormat(std::string_view raw, std::string_view format) {
  auto parts = CheckFormat(format);
  if (!parts.ok()) return parts.status();
  if (!parts->year || !parts->month || !parts->day)
    return Status::InvalidArgument(
        fmt::format("date format '{}' must contain a year, a month and a day", format));
  // date::parse reads into fields first, so a text that matches the format but names no real
  // day ("31 Sep 2025") is told apart from one that does not match at all.
  std::istringstream in(NormalizeSpace(raw));
  date::fields<std::chrono::seconds> fields{};
  date::from_stream(in, std::string(format).c_str(), fields);
  if (in.fail() || in.peek() != std::char_traits<char>::eof())
    return Status::InvalidArgument(
        fmt::format("date '{}' does not match format '{}'", Excerpt(raw, 40), format));
  const date::year_month_day& ymd = fields.ymd;
  if (!ymd.ok())
    return Status::InvalidArgument(
        fmt::format("date '{}' is not a valid calendar date", Excerpt(raw, 40)));
  if (auto in_range = CheckYear(int(ymd.year()), Excerpt(raw, 40)); !in_range.ok()) return in_range;
  return Date(date::sys_days(ymd).time_since_epoch());
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
