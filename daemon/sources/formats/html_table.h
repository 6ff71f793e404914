// Generic HTML table parser (libxml2 HTML parser + XPath 1.0) with Farside and ICI presets, and
// a reader of single data points on a product page (ParseHtmlDataPoints, iShares preset).
//
// Contract: ParseHtmlTable is a pure function over the page bytes; thread-safe (each call owns
// its libxml2 document and XPath context; libxml2 is initialised once, thread-safely); never
// throws; libxml2 diagnostics are suppressed, never printed.
// On success it returns one RawPoint per (data row, value column), ordered by date ascending
// and then by column order in the header; `column` is the column's header text (whitespace
// normalised). Cells are cleaned with CleanNumber (number.h): "(44.5)" -> -44.5,
// "1,119.9" -> 1119.9, "-" or "" -> value nullopt.
// Rows:
//   * header rows: `header_rows_xpath` (relative to the table); `header_row` picks the one
//     holding column names. An empty cell in it takes the first non-empty text of the same
//     column in the other header rows (Farside's Total column: empty in the ticker row, "Total"
//     in the logo row). colspan is honoured.
//   * data rows: `rows_xpath`; a row whose date cell does not parse with `date_format` is
//     skipped (summary rows "Total", "Average", "Maximum", "Minimum", spacer rows).
//   * provisional: with kNewestIfIncomplete the newest row's points are provisional when it has
//     a missing cell in any named column (not only the columns read: "Total" on a day only
//     IBIT reported is IBIT's figure) where the row before it has a value (a fund that has not
//     launched yet is "-" in both, so it does not count); kNewestAlways marks the newest row
//     whatever its cells; kNever marks nothing.
// Errors (the message starts with `name`, then says what was expected and what was found):
//   kInvalidArgument  an XPath does not compile, a bad date format, rows dated after `today`;
//   kHttpError        the table XPath matched nothing and the page is a bot challenge
//                     ("blocked by the site", LooksLikeBotChallenge);
//   kLayoutChanged    the table XPath matched no element, the header row is missing, a
//                     requested or required column is not in the header (all headers listed),
//                     no row has a date, a data row has fewer cells than needed, a date twice;
//   kParseError       the body is empty, not HTML, or cut short (require_closing_html), or a
//                     value cell is not a number
//                     (row date, column and text named).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"
#include "sources/formats/number.h"

namespace liqwatch::sources {

enum class ProvisionalRule { kNever, kNewestIfIncomplete, kNewestAlways };

struct HtmlTableOptions {
  std::string name = "html_table";              // prefix of error messages
  std::string table_xpath = "//table";          // the first matching element is used
  std::string header_rows_xpath = ".//tr[th]";  // relative to the table
  size_t header_row = 0;                        // index into the header rows (0-based)
  std::string rows_xpath = ".//tr[td]";         // relative to the table
  size_t date_column = 0;                       // 0-based, after colspan expansion
  std::string date_format = "%Y-%m-%d";         // see ParseDateWithFormat
  // Header texts of the columns to read. Empty: every column with a non-empty name except
  // the date column.
  std::vector<std::string> value_columns;
  // Header texts that must exist (checked in addition to value_columns): catches layout drift
  // when value_columns is empty.
  std::vector<std::string> required_columns;
  NumberStyle number_style = HumanTableNumberStyle();
  ProvisionalRule provisional = ProvisionalRule::kNewestIfIncomplete;
  // The dates run across the header row instead of down a column (ICI's weekly table: one
  // row per category, one column per week). Then `date_column` is the column of the row
  // labels, the header row's other cells are the dates, and a "column" (value_columns,
  // required_columns, RawPoint::column) is a row label such as "Equity".
  bool dates_in_header = false;
  std::optional<Date> today;  // rows dated after it are an error
  // The HTML parser silently recovers from a cut-off page, which would turn a truncated
  // download into a success with the newest rows missing. When true, a body without a
  // closing "</html>" tag (any case) is a kParseError.
  bool require_closing_html = true;
};

Result<std::vector<RawPoint>> ParseHtmlTable(std::string_view html,
                                             const HtmlTableOptions& options);

// Farside Investors bitcoin ETF flow page (https://farside.co.uk/btc/ and
// /bitcoin-etf-flow-all-data/): table class "etf", tickers from the 2nd header row plus
// "Total" (required), dates "06 Jul 2026", values in US$ millions, newest row provisional when
// incomplete. Also fits /eth/ (ticker row is the 2nd there too).
HtmlTableOptions FarsideEtfOptions(std::optional<Date> today = std::nullopt);

// "{base}/btc/" ; `base` e.g. "https://farside.co.uk". Farside answers datacenter IPs with a
// Cloudflare 403 challenge: callers must treat 403 as a (non-fatal) fetch error.
std::string FarsideBtcUrl(std::string_view base);

// ICI "Estimated ETF Net Issuance" (weekly, week ended Wednesday, US$ millions): the table
// whose first column holds the label "Equity"; its header row carries the week dates
// ("2/21/2024", %m/%d/%Y) and each row a category: Equity, Domestic, World, Hybrid, Bond,
// Taxable, Municipal, Commodity, Total (required). Negatives "-7,461". Never provisional.
HtmlTableOptions IciEtfNetIssuanceOptions(std::optional<Date> today = std::nullopt);

// Single data points of a product page (an issuer's fund page: shares outstanding, NAV), each
// dated by the page's own as-of text.
//
// Contract: ParseHtmlDataPoints is pure and thread-safe like ParseHtmlTable, and shares its
// page checks (empty, not HTML, cut short without "</html>"). It returns one RawPoint per
// configured data point, in option order, `column` = HtmlDataPoint::column, never provisional.
// A value is the text of the first element its XPath selects, cleaned with `number_style`
// after dropping a currency prefix ("$61.23", "USD 61.23" -> 61.23). Its date is the text of
// the first element `as_of_xpath` selects, read with `date_format` after dropping an "as of"
// prefix and surrounding punctuation ("as of Sep 30, 2026" -> 2026-09-30).
// Errors (message starts with `name`):
//   kHttpError        a data point is missing and the page is a bot challenge ("blocked by the
//                     site", LooksLikeBotChallenge);
//   kLayoutChanged    a value or as-of XPath selects nothing (the XPath is named);
//   kParseError       a value is not a number or missing, an as-of text is not a date (the
//                     text is named), the body is not a complete HTML page;
//   kInvalidArgument  an XPath does not compile or selects a value, a bad date format, a date
//                     after `today`.
struct HtmlDataPoint {
  std::string column;       // RawPoint::column, e.g. "shares_outstanding"
  std::string value_xpath;  // e.g. //*[@data-id='keyFundFacts-sharesOutstanding-data']
  std::string as_of_xpath;  // e.g. //*[@data-id='keyFundFacts-sharesOutstanding-asOf']
  std::string date_format = "%b %d, %Y";  // "Sep 30, 2026"
};

struct HtmlDataPointsOptions {
  std::string name = "html_points";  // prefix of error messages
  std::vector<HtmlDataPoint> points;
  NumberStyle number_style = HumanTableNumberStyle();
  std::optional<Date> today;  // a point dated after it is an error
  bool require_closing_html = true;
};

Result<std::vector<RawPoint>> ParseHtmlDataPoints(std::string_view html,
                                                  const HtmlDataPointsOptions& options);

// iShares product page (www.ishares.com/us/products/<id>/<slug>, e.g. IBIT 333011, ETHA
// 337614): columns "shares_outstanding" (keyFundFacts-sharesOutstanding-data, a count),
// "nav" (fundHeader-navAmount-data, US$ per share) and "total_net_assets"
// (keyFundFacts-totalNetAssetsFundLevel-data, US$), all dated by
// keyFundFacts-sharesOutstanding-asOf so shares and NAV pair on one day (the page carries
// the prior US business day's figures after the close).
HtmlDataPointsOptions ISharesFundOptions(std::optional<Date> today = std::nullopt);

// True when `body` is a bot-challenge page (Cloudflare "Just a moment...", cf-chl markers)
// rather than the site's content: the site blocks this client, the layout did not change.
bool LooksLikeBotChallenge(std::string_view body);

}  // namespace liqwatch::sources
