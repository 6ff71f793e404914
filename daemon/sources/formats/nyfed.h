// NY Fed Markets Data API (https://markets.newyorkfed.org/api): reference rates and repo /
// reverse-repo operation results.
//
// Contract (all functions): pure functions over a response body; thread-safe; never throw.
// Points come out sorted by (date, column) ascending, whatever the order of the body (the API
// sends newest first). On failure the Status names what was expected and what was found:
//   kParseError     invalid or truncated JSON, a malformed date or amount;
//   kLayoutChanged  valid JSON of another shape (no "refRates" / "repo.operations" array, a
//                   record without its date or id);
//   kInvalidArgument a record dated after `today` (see CheckNoFutureDates in date_format.h).
// An empty array ({"refRates":[]}, {"repo":{"operations":[]}}) is an empty success: the API
// returns that on non-business days.
//
// Reference rates (/rates/secured/sofr/search.json, /rates/unsecured/effr/last/N.json, ...):
// one RawPoint per (effectiveDate, field) for each field of kNyFedRateColumns present in a
// record; `column` is the JSON field name ("percentRate", "percentPercentile1",
// "percentPercentile25", "percentPercentile75", "percentPercentile99", "volumeInBillions",
// and for EFFR also "targetRateFrom", "targetRateTo"). A field that is present but null gives
// a point with value nullopt; an absent field gives no point. Values stay in the published
// units (percent; volume in USD billions).
//
// Operation results (/rp/repo/all/results/last/N.json for the Standing Repo Facility,
// /rp/reverserepo/all/results/lastTwoWeeks.json for ON RRP, /rp/results/search.json):
// ParseNyFedOperations returns each operation as a typed record; NyFedOperationPoints turns
// them into points keyed by operationDate:
//   column "op:<operationId>"  totalAmtAccepted of one regular operation (e.g. the morning
//                              and the afternoon SRF operation each get their own point);
//   column "sve:<operationId>" totalAmtAccepted of a "Small value exercise" operation (a test
//                              trade; flagged by its column prefix and left out of "total");
//   column "total"             sum of totalAmtAccepted over the day's regular operations.
//                              A day with only small value exercises has no "total" point.
// Amounts are in USD as published (totalAmtAccepted 1500000000 = $1.5bn), NOT billions; the
// series' unit (usd) makes the store convert. Only operations with auctionStatus "Results"
// (or no auctionStatus) count; announcements without results are skipped.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace liqwatch::sources {

inline constexpr std::array<std::string_view, 8> kNyFedRateColumns = {
    "percentRate",         "percentPercentile1", "percentPercentile25", "percentPercentile75",
    "percentPercentile99", "volumeInBillions",   "targetRateFrom",      "targetRateTo"};

struct NyFedRatesOptions {
  // If not empty, records whose "type" differs (case-insensitive) are skipped, so one
  // /rates/all/... body can feed several series. Empty: every record is used.
  std::string type;
  std::optional<Date> today;  // records dated after it are an error
};

Result<std::vector<RawPoint>> ParseNyFedRefRates(std::string_view body,
                                                 const NyFedRatesOptions& options);

struct NyFedOperation {
  std::string operation_id;           // "RP 090326 27"
  Date operation_date;                // operationDate
  std::string operation_type;         // "Repo", "Reverse Repo", "FIMA Repo"
  std::string operation_method;       // "Fixed Rate", "Multiple Price", "Full Allotment"
  std::string term;                   // "Overnight", "Term"
  std::string note;                   // e.g. "Small value exercise"
  double total_amt_submitted = 0;     // USD
  double total_amt_accepted = 0;      // USD
  bool small_value_exercise = false;  // note mentions "small value exercise" (any case)
};

struct NyFedOperationsOptions {
  // If not empty, only operations whose operationType equals it (case-insensitive) are kept:
  // "Repo" for the SRF, "Reverse Repo" for ON RRP. /rp/all/... bodies mix both.
  std::string operation_type;
  std::optional<Date> today;
};

// Operations with results, in body order (newest first as the API sends them).
Result<std::vector<NyFedOperation>> ParseNyFedOperations(std::string_view body,
                                                         const NyFedOperationsOptions& options);

// Points as described above, sorted by (date, column).
std::vector<RawPoint> NyFedOperationPoints(const std::vector<NyFedOperation>& operations);

// ParseNyFedOperations followed by NyFedOperationPoints.
Result<std::vector<RawPoint>> ParseNyFedOperationPoints(std::string_view body,
                                                        const NyFedOperationsOptions& options);

// URL builders; `base` is e.g. "https://markets.newyorkfed.org" (the "/api" prefix is added).
// rate: "sofr", "tgcr", "bgcr" (secured) or "effr", "obfr" (unsecured).
// "{base}/api/rates/secured/sofr/search.json?startDate=..&endDate=.."
std::string NyFedRateSearchUrl(std::string_view base, std::string_view rate, Date start, Date end);
// "{base}/api/rates/secured/sofr/last/N.json"
std::string NyFedRateLastUrl(std::string_view base, std::string_view rate, int n);
// kind: "repo" (SRF), "reverserepo" (ON RRP) or "all".
// "{base}/api/rp/repo/all/results/last/N.json"
std::string NyFedOperationsLastUrl(std::string_view base, std::string_view kind, int n);
// "{base}/api/rp/reverserepo/all/results/lastTwoWeeks.json"
std::string NyFedOperationsLastTwoWeeksUrl(std::string_view base, std::string_view kind);
// "{base}/api/rp/results/search.json?startDate=..&endDate=..[&operationTypes=..]"
// operation_types: "Repo" / "Reverse Repo" (empty: both).
std::string NyFedOperationsSearchUrl(std::string_view base, Date start, Date end,
                                     std::string_view operation_types = "");

}  // namespace liqwatch::sources
