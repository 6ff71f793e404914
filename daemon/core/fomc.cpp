#include "core/fomc.h"

#include <algorithm>
#include <array>

namespace liqwatch {
namespace {

using std::chrono::year;
using namespace std::chrono_literals;

// Federal Reserve FOMC meeting calendar (federalreserve.gov/monetarypolicy/fomccalendars.htm),
// the second (decision) day of each scheduled meeting. Add a year here when the Fed publishes it
// and move kLastYear; docs/rules.md ("Policy rates") says what the daemon assumes outside.
constexpr int kFirstYear = 2025, kLastYear = 2026;
constexpr std::array kDecisions{
    Date{2025y / 1 / 29}, Date{2025y / 3 / 19}, Date{2025y / 5 / 7},   Date{2025y / 6 / 18},
    Date{2025y / 7 / 30}, Date{2025y / 9 / 17}, Date{2025y / 10 / 29}, Date{2025y / 12 / 10},
    Date{2026y / 1 / 28}, Date{2026y / 3 / 18}, Date{2026y / 4 / 29},  Date{2026y / 6 / 17},
    Date{2026y / 7 / 29}, Date{2026y / 9 / 16}, Date{2026y / 10 / 28}, Date{2026y / 12 / 9},
};

struct PolicyFeed {
  std::string_view source_type, remote_id;
};
constexpr std::array kPolicyFeeds{
    PolicyFeed{"fred", "IORB"},      // interest on reserve balances
    PolicyFeed{"fred", "DFEDTARU"},  // target range, upper limit
    PolicyFeed{"fred", "DFEDTARL"},  // target range, lower limit
};

}  // namespace

std::span<const Date> FomcDecisionDates() { return kDecisions; }

Date FomcCoveredFrom() { return Date{year{kFirstYear} / 1 / 1}; }
Date FomcCoveredThrough() { return Date{year{kLastYear} / 12 / 31}; }

Date FomcEffectiveDate(Date decision) { return decision + std::chrono::days{1}; }

std::optional<Date> PolicyRateInForceSince(Date d) {
  if (d < FomcCoveredFrom() || d > FomcCoveredThrough()) return std::nullopt;
  Date since = FomcCoveredFrom();
  for (Date decision : kDecisions)
    if (FomcEffectiveDate(decision) <= d) since = std::max(since, FomcEffectiveDate(decision));
  return since;
}

bool PolicyRateUnchanged(Date from, Date to) {
  if (from > to || from < FomcCoveredFrom()) return false;
  auto since = PolicyRateInForceSince(to);
  return since && from >= *since;
}

bool IsPolicyRate(std::string_view source_type, std::string_view remote_id) {
  return std::any_of(kPolicyFeeds.begin(), kPolicyFeeds.end(), [&](const PolicyFeed& f) {
    return f.source_type == source_type && f.remote_id == remote_id;
  });
}

}  // namespace liqwatch
