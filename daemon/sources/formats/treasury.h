// US Treasury Fiscal Data: Daily Treasury Statement, Table I "operating_cash_balance".
//
// Contract: pure functions over a response body; thread-safe; never throw.
// ParseDtsOperatingCashBalance returns the TGA closing balance per record_date, one RawPoint
// per date (column empty), sorted ascending, values in USD MILLIONS exactly as published (unit
// normalisation happens downstream); the string "null" gives value nullopt. It also returns
// the paging state so a poller can fetch further pages.
// Which row holds the closing balance (DtsOptions::accounts, first match per date wins):
//   "Treasury General Account (TGA) Closing Balance" -> open_today_bal (since 2022-04-18; its
//       close_today_bal is "null");
//   "Treasury General Account (TGA)"  -> close_today_bal (Oct 2021 - Apr 2022) [unverified]
//   "Federal Reserve Account"         -> close_today_bal (before Oct 2021)     [unverified]
// Dates whose rows match none of those (e.g. only "Total TGA Deposits") give no point. But a
// page of 8 or more rows none of which matches is a layout error naming the account types
// found (a day has about 4 rows, so 8 consecutive rows always include a closing row; a
// smaller page may just be cut at a page boundary and gives an empty success).
// Errors: kParseError (invalid/truncated JSON, bad date or amount), kLayoutChanged (no "data"
// array, a row without record_date/account_type, no matching account type on the page),
// kInvalidArgument (record dated after `today`), or the Fiscal Data error JSON
// ({"error": "...", "message": "..."}) as kInvalidArgument with its message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace liqwatch::sources {

inline constexpr std::string_view kDtsOperatingCashBalancePath =
    "/services/api/fiscal_service/v1/accounting/dts/operating_cash_balance";

struct DtsAccount {
  std::string account_type;  // exact text of "account_type" (whitespace-normalised compare)
  std::string field;         // the amount field to read, e.g. "open_today_bal"
};

struct DtsOptions {
  std::vector<DtsAccount> accounts = {
      {"Treasury General Account (TGA) Closing Balance", "open_today_bal"},
      {"Treasury General Account (TGA)", "close_today_bal"},
      {"Federal Reserve Account", "close_today_bal"},
  };
  std::optional<Date> today;
};

struct DtsPage {
  std::vector<RawPoint> points;
  // links.next verbatim, e.g. "&page%5Bnumber%5D=2&page%5Bsize%5D=100": the API's paging
  // suffix for the same query; nullopt on the last page (links.next null or absent).
  std::optional<std::string> next_query;
  std::optional<int> next_page_number;  // parsed from next_query, when present
  std::optional<int> total_pages;       // meta["total-pages"]
  std::optional<int> total_count;       // meta["total-count"]
};

Result<DtsPage> ParseDtsOperatingCashBalance(std::string_view body, const DtsOptions& options);

// "{base}/services/api/fiscal_service/v1/accounting/dts/operating_cash_balance
//   ?filter=record_date:gte:YYYY-MM-DD&sort=-record_date&page[number]=N&page[size]=S"
// (no filter when start is nullopt). `base` e.g. "https://api.fiscaldata.treasury.gov".
// The filter's ':' are kept literal, as the API documents them.
std::string TreasuryDtsUrl(std::string_view base, std::optional<Date> start, int page_size = 100,
                           int page_number = 1);

}  // namespace liqwatch::sources
