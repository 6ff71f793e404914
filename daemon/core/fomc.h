// Scheduled FOMC decisions and the policy rates they set (IORB, the fed funds target range).
//
// Contract: the Fed moves its policy rates only by an FOMC decision, announced at 14:00 ET on
// the decision day (the second day of a meeting) and in effect from the next calendar day. So
// a policy rate's print for date D equals its newest print dated on or after the last decision
// that took effect on or before D: carrying that print forward is exact, and a rule over
// `sofr - iorb` need not wait for FRED's copy of IORB (D+1 business day 10:00 ET) when SOFR
// for D lands at 08:00 ET. The decision dates are data, transcribed from the Federal Reserve's
// published meeting calendar (federalreserve.gov/monetarypolicy/fomccalendars.htm) for the
// years listed in kFomcCoveredFrom..kFomcCoveredThrough. Outside those years nothing is
// assumed (PolicyRateUnchanged is false). An unscheduled (intermeeting) move is not known
// ahead: until FRED publishes the new rate, a carried-forward print is the old rate.
//
// Pure, thread-safe, never throws; reads no clock.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/time.h"

namespace liqwatch {

// Scheduled decision days (announcement 14:00 ET), ascending.
std::span<const Date> FomcDecisionDates();

// The first and last day the decision list covers (whole calendar years).
Date FomcCoveredFrom();
Date FomcCoveredThrough();

// The day a decision announced on `decision` takes effect: the next calendar day.
Date FomcEffectiveDate(Date decision);

// The first day of the span over which a policy rate has had its value on `d`, as far as the
// schedule says: the effective date of the last decision in effect on `d` (or the first covered
// day, if none took effect before it that year). nullopt when `d` is outside the covered years.
std::optional<Date> PolicyRateInForceSince(Date d);

// True when a policy rate's value on `to` is its value on `from`: both dates lie in the covered
// years, from <= to, and no scheduled decision takes effect in (from, to].
bool PolicyRateUnchanged(Date from, Date to);

// True for a feed that publishes a policy rate (changes only on FOMC effective dates): FRED
// IORB, DFEDTARU, DFEDTARL (by source type and remote id, as the release calendar is keyed).
bool IsPolicyRate(std::string_view source_type, std::string_view remote_id);

}  // namespace liqwatch
