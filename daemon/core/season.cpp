#include "core/season.h"

#include <cstdlib>

#include "core/calendar.h"

namespace liqwatch {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

Date LastBusinessDay(year_month ym) {
  Date d = std::chrono::sys_days(
      year_month_day_last(ym.year(), std::chrono::month_day_last(ym.month())));
  while (!IsBusinessDay(d)) d -= std::chrono::days(1);
  return d;
}

Date TaxDate(year y, month m) {
  Date d = std::chrono::sys_days(year_month_day(y, m, day(15)));
  while (!IsBusinessDay(d)) d += std::chrono::days(1);
  return d;
}

bool IsPeriodEnd(Season s, month m) {
  const unsigned n = unsigned(m);
  switch (s) {
    case Season::kMonthEnd:
      return true;
    case Season::kQuarterEnd:
      return n % 3 == 0;
    case Season::kYearEnd:
      return n == 12;
    case Season::kTaxDate:
      return n == 1 || n == 4 || n == 6 || n == 9 || n == 12;
  }
  return false;
}

}  // namespace

std::string_view SeasonName(Season s) {
  switch (s) {
    case Season::kMonthEnd:
      return "month-end";
    case Season::kQuarterEnd:
      return "quarter-end";
    case Season::kYearEnd:
      return "year-end";
    case Season::kTaxDate:
      return "tax date";
  }
  return "?";
}

std::optional<Date> NearSeason(Season s, Date d, int business_days) {
  const year_month_day ymd{d};
  const year_month here{ymd.year(), ymd.month()};
  std::optional<Date> best;
  int best_distance = 0;
  // An anchor within reach lies in the month before, this month or the month after (a reach
  // of a few weeks at most; longer reaches are clamped by the parser's window limit anyway).
  for (int offset = -2; offset <= 2; ++offset) {
    const year_month ym = here + std::chrono::months(offset);
    if (!IsPeriodEnd(s, ym.month())) continue;
    const Date anchor =
        s == Season::kTaxDate ? TaxDate(ym.year(), ym.month()) : LastBusinessDay(ym);
    const int distance = BusinessDaysBetween(anchor, d);  // > 0: d after the anchor
    const bool within = s == Season::kTaxDate ? distance >= 0 && distance <= business_days
                                              : std::abs(distance) <= business_days;
    if (!within) continue;
    if (!best || std::abs(distance) <= best_distance) {
      best = anchor;
      best_distance = std::abs(distance);
    }
  }
  return best;
}

}  // namespace liqwatch
