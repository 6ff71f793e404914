#include "sources/formats/html_table.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sources/formats/testing.h"

namespace liqwatch::sources {
namespace {

using testing::D;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadFixture;

std::map<std::string, RawPoint> AtDate(const std::vector<RawPoint>& points, Date d) {
  std::map<std::string, RawPoint> out;
  for (const auto& p : points) {
    if (p.date == d) out[p.column] = p;
  }
  return out;
}

std::string Farside() {
  std::string html = ReadFixture("farside/btc.html");
  EXPECT_FALSE(html.empty());
  return html;
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(Farside, ParsesTickersTotalNegativesAndThousands) {
  auto r = ParseHtmlTable(Farside(), FarsideEtfOptions(D("2026-07-09")));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 7u * 13u);  // 7 trading days x (12 tickers + Total); summary rows skipped
  std::vector<std::string> columns;
  for (const auto& p : *r) {
    if (p.date == D("2026-06-30")) columns.push_back(p.column);
  }
  EXPECT_THAT(columns, ElementsAre("IBIT", "FBTC", "BITB", "ARKB", "BTCO", "EZBC", "BRRR", "HODL",
                                   "BTCW", "MSBT", "GBTC", "BTC", "Total"));
  auto jul8 = AtDate(*r, D("2026-07-08"));
  EXPECT_DOUBLE_EQ(*jul8["IBIT"].value, -59.1);
  EXPECT_DOUBLE_EQ(*jul8["FBTC"].value, -14.9);
  EXPECT_DOUBLE_EQ(*jul8["BITB"].value, 0.0);
  EXPECT_DOUBLE_EQ(*jul8["Total"].value, -84.9);
  EXPECT_FALSE(jul8["Total"].provisional);
  EXPECT_DOUBLE_EQ(*AtDate(*r, D("2026-07-01"))["IBIT"].value, 1119.9);
  EXPECT_FALSE(AtDate(*r, D("2026-06-30"))["MSBT"].value.has_value());  // not launched: "-"
  EXPECT_EQ(r->front().date, D("2026-06-30"));
}

TEST(Farside, NewestIncompleteRowIsProvisional) {
  auto r = ParseHtmlTable(Farside(), FarsideEtfOptions());
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto jul9 = AtDate(*r, D("2026-07-09"));
  EXPECT_TRUE(jul9["IBIT"].provisional);
  EXPECT_DOUBLE_EQ(*jul9["IBIT"].value, 97.6);
  EXPECT_TRUE(jul9["FBTC"].provisional);
  EXPECT_FALSE(jul9["FBTC"].value.has_value());
  EXPECT_TRUE(jul9["Total"].provisional);
  for (const auto& p : *r) {
    if (p.date != D("2026-07-09")) {
      EXPECT_FALSE(p.provisional) << FormatDate(p.date) << " " << p.column;
    }
  }
}

// The defect behind issue #16: a series reads only "Total"; on 09 Jul only IBIT has reported and
// Total is IBIT's 97.6. The row is incomplete whatever column is read: Total stays provisional.
TEST(Farside, TotalAloneIsProvisionalWhileOtherFundsHaveNotReported) {
  auto o = FarsideEtfOptions(D("2026-07-09"));
  o.value_columns = {"Total"};
  auto r = ParseHtmlTable(Farside(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 7u);
  EXPECT_EQ(r->back().date, D("2026-07-09"));
  EXPECT_DOUBLE_EQ(*r->back().value, 97.6);
  EXPECT_TRUE(r->back().provisional);
  EXPECT_FALSE((*r)[5].provisional);  // 08 Jul: every fund reported
}

TEST(Farside, CompleteNewestRowIsNotProvisionalAndNeverRuleHonoured) {
  // Drop the incomplete 09 Jul row: 08 Jul becomes newest and is complete.
  std::string html = Farside();
  size_t a = html.find("<tr>\n                <td><span class=\"tabletext\">09 Jul 2026");
  ASSERT_NE(a, std::string::npos);
  size_t b = html.find("</tr>", a);
  html.erase(a, b + 5 - a);
  auto r = ParseHtmlTable(html, FarsideEtfOptions());
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (const auto& p : *r) EXPECT_FALSE(p.provisional);
  auto opts = FarsideEtfOptions();
  opts.provisional = ProvisionalRule::kNewestAlways;
  auto r2 = ParseHtmlTable(html, opts);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->back().provisional);
  EXPECT_EQ(r2->back().date, D("2026-07-08"));
  auto full = ParseHtmlTable(Farside(), [] {
    auto o = FarsideEtfOptions();
    o.provisional = ProvisionalRule::kNever;
    return o;
  }());
  ASSERT_TRUE(full.ok());
  for (const auto& p : *full) EXPECT_FALSE(p.provisional);
}

TEST(Farside, SelectedColumnsOnly) {
  auto opts = FarsideEtfOptions();
  opts.value_columns = {"IBIT", "Total"};
  auto r = ParseHtmlTable(Farside(), opts);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 14u);
}

TEST(Farside, TableClassChangedIsLayoutError) {
  auto r = ParseHtmlTable(Replace(Farside(), "<table class=\"etf\">", "<table class=\"flows\">"),
                          FarsideEtfOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "Farside: XPath '//table[contains(concat(' ', normalize-space(@class), ' '), ' etf "
            "')]' matched no element");
}

TEST(Farside, MissingTotalColumnIsLayoutError) {
  std::string html = Replace(Farside(), "<span class=\"tabletext\">Total</span></div></th>",
                             "<span class=\"tabletext\"></span></div></th>");
  auto r = ParseHtmlTable(html, FarsideEtfOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "Farside: expected column(s) ['Total'] in header row 2, found ['IBIT', 'FBTC', "
            "'BITB', 'ARKB', 'BTCO', 'EZBC', 'BRRR', 'HODL', 'BTCW', 'MSBT', 'GBTC', 'BTC']");
}

TEST(Farside, UnknownRequestedTickerIsLayoutError) {
  auto opts = FarsideEtfOptions();
  opts.value_columns = {"IBIT", "NEWT"};
  auto r = ParseHtmlTable(Farside(), opts);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("expected column(s) ['NEWT'] in header row 2"));
}

TEST(Farside, DateFormatDriftIsLayoutError) {
  std::string html = Farside();
  for (const char* d : {"30 Jun 2026", "01 Jul 2026", "02 Jul 2026", "06 Jul 2026", "07 Jul 2026",
                        "08 Jul 2026", "09 Jul 2026"}) {
    html = Replace(html, d, "2026-07-0x");
  }
  auto r = ParseHtmlTable(html, FarsideEtfOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_THAT(r.status().message(),
              HasSubstr("Farside: expected rows with a date '%d %b %Y' in column 1, found none "
                        "(first cells: ['2026-07-0x',"));
}

TEST(Farside, NonNumericCellNamesRowAndColumn) {
  std::string html = Replace(Farside(), "(59.1)", "n.a.x");
  auto r = ParseHtmlTable(html, FarsideEtfOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kParseError);
  EXPECT_EQ(r.status().message(),
            "Farside: row '08 Jul 2026': value 'n.a.x' in column 'IBIT' is not a number");
}

TEST(Farside, FutureRowsAreRejected) {
  auto r = ParseHtmlTable(Farside(), FarsideEtfOptions(D("2026-07-07")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "Farside: 2 row(s) dated after today (2026-07-07), e.g. 2026-07-08");
}

TEST(Farside, TruncatedPageIsError) {
  std::string html = Farside();
  for (size_t cut : {html.size() / 3, html.size() / 2, html.size() - 10}) {
    auto r = ParseHtmlTable(std::string_view(html).substr(0, cut), FarsideEtfOptions());
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.status().code(), Status::Code::kParseError);
    EXPECT_THAT(r.status().message(), HasSubstr("(truncated?)"));
  }
}

TEST(HtmlTable, GarbageAndEmptyBodiesAreErrorsNotCrashes) {
  HtmlTableOptions opts;
  opts.require_closing_html = false;
  EXPECT_EQ(ParseHtmlTable("", opts).status().code(), Status::Code::kParseError);
  std::string junk("\x00\xff\xfe<<<>>>\x01</table></tr>", 20);
  EXPECT_FALSE(ParseHtmlTable(junk, opts).ok());
  EXPECT_FALSE(ParseHtmlTable("{\"not\": \"html\"}", opts).ok());
}

TEST(HtmlTable, InvalidXPathIsReportedNotPrinted) {
  HtmlTableOptions opts;
  opts.table_xpath = "//table[@class=";
  auto r = ParseHtmlTable("<html><body><table><tr><td>1</td></tr></table></body></html>", opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("html_table: table XPath '//table[@class=' does not "
                                              "compile"));
  opts.table_xpath = "count(//table)";
  auto r2 = ParseHtmlTable("<html><body><table><tr><td>1</td></tr></table></body></html>", opts);
  ASSERT_FALSE(r2.ok());
  EXPECT_THAT(r2.status().message(), HasSubstr("must select elements"));
}

constexpr char kGeneric[] = R"(<html><body>
<table id="t"><tr><th rowspan="1">Date</th><th colspan="2">Flows</th><th>Note</th></tr>
<tr><th></th><th>A</th><th>B</th><th></th></tr>
<tr><td>10/27/2025</td><td>1,234.5</td><td>-7</td><td>x</td></tr>
<tr><td>10/28/2025</td><td>(2.5)</td><td>&#8211;</td><td>y</td></tr>
<tr><td>Average</td><td>616</td><td>-7</td><td></td></tr>
</table></body></html>)";

TEST(HtmlTable, GenericTableWithUsDatesColspanAndCleaning) {
  HtmlTableOptions opts;
  opts.table_xpath = "//table[@id='t']";
  opts.header_row = 1;
  opts.date_format = "%m/%d/%Y";
  // All named columns: A, B (row 2) and "Note" (fallback to row 1), whose cells are text.
  auto r = ParseHtmlTable(kGeneric, opts);
  ASSERT_FALSE(r.ok());
  opts.value_columns = {"A", "B"};
  r = ParseHtmlTable(kGeneric, opts);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 1234.5);
  EXPECT_DOUBLE_EQ(*(*r)[1].value, -7);
  EXPECT_DOUBLE_EQ(*(*r)[2].value, -2.5);
  EXPECT_FALSE((*r)[3].value.has_value());  // en dash = missing
  EXPECT_TRUE((*r)[3].provisional);         // newest row lost a value B had before
}

TEST(HtmlTable, ColspanFallbackNamesColumnFromOtherHeaderRow) {
  HtmlTableOptions opts;
  opts.table_xpath = "//table[@id='t']";
  opts.header_row = 1;
  opts.date_format = "%m/%d/%Y";
  opts.value_columns = {"Note"};
  auto r = ParseHtmlTable(kGeneric, opts);
  ASSERT_FALSE(r.ok());  // "Note" is found (fallback) but holds text
  EXPECT_EQ(r.status().message(),
            "html_table: row '10/27/2025': value 'x' in column 'Note' is not a number");
}

// ETH: a 4th header row (staking); tickers still come from the 2nd, never from a list.
TEST(Farside, EthTableWithFourHeaderRows) {
  std::string html = ReadFixture("farside/eth.html");
  ASSERT_FALSE(html.empty());
  auto r = ParseHtmlTable(html, FarsideEtfOptions(D("2026-07-08")));
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::vector<std::string> columns;
  for (const auto& p : *r)
    if (p.date == D("2026-07-01")) columns.push_back(p.column);
  EXPECT_THAT(columns, ElementsAre("ETHA", "FETH", "ETHW", "TETH", "ETHV", "QETH", "EZET", "ETHE",
                                   "ETH", "Total"));
  auto jul6 = AtDate(*r, D("2026-07-06"));
  EXPECT_DOUBLE_EQ(*jul6["ETHA"].value, -210.9);
  EXPECT_DOUBLE_EQ(*jul6["Total"].value, -271.5);
  EXPECT_FALSE(jul6["Total"].provisional);
  EXPECT_DOUBLE_EQ(*AtDate(*r, D("2026-07-07"))["ETHA"].value, 1030.2);
  auto jul8 = AtDate(*r, D("2026-07-08"));  // only ETHA reported; Total is its figure
  EXPECT_DOUBLE_EQ(*jul8["Total"].value, -64.3);
  EXPECT_TRUE(jul8["Total"].provisional);
}

std::string Ici() {
  std::string html = ReadFixture("ici/etf_net_issuance.html");
  EXPECT_FALSE(html.empty());
  return html;
}

TEST(Ici, WeeklyNetIssuanceDatesAcrossTheHeader) {
  auto o = IciEtfNetIssuanceOptions(D("2024-02-28"));
  o.value_columns = {"Equity", "Domestic", "World", "Bond", "Commodity", "Total"};
  auto r = ParseHtmlTable(Ici(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 5u * 6u);
  EXPECT_EQ(r->front().date, D("2024-01-24"));  // oldest first
  auto feb7 = AtDate(*r, D("2024-02-07"));
  EXPECT_DOUBLE_EQ(*feb7["Equity"].value, -7461);
  EXPECT_DOUBLE_EQ(*feb7["Domestic"].value, -10304);
  EXPECT_DOUBLE_EQ(*feb7["World"].value, 2843);
  EXPECT_DOUBLE_EQ(*feb7["Bond"].value, 2282);
  EXPECT_DOUBLE_EQ(*feb7["Commodity"].value, -339);
  EXPECT_DOUBLE_EQ(*feb7["Total"].value, -5366);
  EXPECT_DOUBLE_EQ(*AtDate(*r, D("2024-02-14"))["Total"].value, 23114);
  for (const auto& p : *r) EXPECT_FALSE(p.provisional);
}

TEST(Ici, LayoutDriftNamesTheRowsFound) {
  auto o = IciEtfNetIssuanceOptions(D("2024-02-28"));
  o.value_columns = {"Total"};
  auto r = ParseHtmlTable(Replace(Ici(), "<td>Total</td>", "<td>All ETFs</td>"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "ICI: expected column(s) ['Total'] in header row 1, found ['Millions of dollars', "
            "'Equity', 'Domestic', 'World', 'Hybrid', 'Bond', 'Taxable', 'Municipal', "
            "'Commodity', 'All ETFs', 'Note: Components may not add to the tota...']");
}

// A challenge page served with 200 (no table): "blocked by the site", not a layout change.
TEST(Farside, ChallengePageIsBlockedNotLayoutChanged) {
  const std::string page =
      "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head><body>"
      "<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script>"
      "</body></html>";
  auto r = ParseHtmlTable(page, FarsideEtfOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kHttpError);
  EXPECT_THAT(r.status().message(), ::testing::StartsWith("Farside: blocked by the site: the page "
                                                          "is a bot challenge"));
  auto titled = ParseHtmlTable(
      "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
      "<div id=\"challenge\"></div></body></html>",
      FarsideEtfOptions());
  EXPECT_EQ(titled.status().code(), Status::Code::kHttpError);
  auto moved = ParseHtmlTable("<html><body><table class=\"flows\"></table></body></html>",
                              FarsideEtfOptions());
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), Status::Code::kLayoutChanged);
}

// ---- iShares product pages (ParseHtmlDataPoints) ----

std::string Ibit() { return ReadFixture("ishares/ibit.html"); }

TEST(IShares, ReadsSharesNavAndNetAssetsDatedByAsOf) {
  auto r = ParseHtmlDataPoints(Ibit(), ISharesFundOptions(D("2026-10-01")));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].column, "shares_outstanding");
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 1318000000.0);
  EXPECT_EQ((*r)[1].column, "nav");
  EXPECT_DOUBLE_EQ(*(*r)[1].value, 61.23);  // "$61.23"
  EXPECT_EQ((*r)[2].column, "total_net_assets");
  EXPECT_DOUBLE_EQ(*(*r)[2].value, 80701140000.0);
  for (const auto& p : *r) {
    EXPECT_EQ(p.date, D("2026-09-30")) << p.column;  // "as of Sep 30, 2026"
    EXPECT_FALSE(p.provisional);
  }
  auto etha = ParseHtmlDataPoints(ReadFixture("ishares/etha.html"), ISharesFundOptions());
  ASSERT_TRUE(etha.ok()) << etha.status().message();
  EXPECT_DOUBLE_EQ(*(*etha)[1].value, 28.41);  // "USD 28.41"
  EXPECT_DOUBLE_EQ(*(*etha)[0].value, 412560000.0);
}

TEST(IShares, MissingDataPointIsLayoutChangedNamingTheDataId) {
  std::string page = Replace(Ibit(), "data-id=\"keyFundFacts-sharesOutstanding-data\"",
                             "data-id=\"keyFundFacts-sharesOut-data\"");
  auto r = ParseHtmlDataPoints(page, ISharesFundOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLayoutChanged);
  EXPECT_EQ(r.status().message(),
            "iShares: shares_outstanding value XPath "
            "'//*[@data-id='keyFundFacts-sharesOutstanding-data']' matched no element");
  auto no_as_of = ParseHtmlDataPoints(
      Replace(Ibit(), "keyFundFacts-sharesOutstanding-asOf", "asOf-moved"), ISharesFundOptions());
  EXPECT_EQ(no_as_of.status().code(), Status::Code::kLayoutChanged);
  EXPECT_THAT(no_as_of.status().message(),
              HasSubstr("as-of XPath '//*[@data-id='keyFundFacts-sharesOutstanding-asOf']'"));
}

TEST(IShares, BadNumberIsParseErrorNamingTheText) {
  auto r = ParseHtmlDataPoints(Replace(Ibit(), "$61.23", "$61.23 est."), ISharesFundOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kParseError);
  EXPECT_EQ(r.status().message(), "iShares: nav value '$61.23 est.' is not a number");
  auto dash = ParseHtmlDataPoints(Replace(Ibit(), ">1,318,000,000<", ">-<"), ISharesFundOptions());
  EXPECT_EQ(dash.status().code(), Status::Code::kParseError);
  EXPECT_EQ(dash.status().message(), "iShares: shares_outstanding value '-' is not a number");
}

TEST(IShares, AsOfDateTextIsToleratedOrNamed) {
  auto opts = ISharesFundOptions();
  for (const char* text : {"Sep 30, 2026", "as of Sep 30, 2026", "(As of Sep 30, 2026)",
                           "  as of:\n   Sep 30, 2026 ", "Sep 30,  2026"}) {
    std::string page = Replace(Ibit(), "\n          as of Sep 30, 2026\n        ", text);
    auto r = ParseHtmlDataPoints(page, opts);
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().message();
    EXPECT_EQ((*r)[0].date, D("2026-09-30")) << text;
  }
  auto bad = ParseHtmlDataPoints(
      Replace(Ibit(), "\n          as of Sep 30, 2026\n        ", "as of 30/09/2026"), opts);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kParseError);
  EXPECT_EQ(bad.status().message(),
            "iShares: shares_outstanding as-of 'as of 30/09/2026' is not a date like '%b %d, %Y'");
  // Dated after today: refused, as for every feed.
  auto future = ParseHtmlDataPoints(Ibit(), ISharesFundOptions(D("2026-09-29")));
  EXPECT_EQ(future.status().code(), Status::Code::kInvalidArgument);
}

TEST(IShares, ChallengeCutShortAndCustomXPaths) {
  const std::string challenge =
      "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
      "<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate\"></script></body></html>";
  auto blocked = ParseHtmlDataPoints(challenge, ISharesFundOptions());
  EXPECT_EQ(blocked.status().code(), Status::Code::kHttpError);
  EXPECT_THAT(blocked.status().message(),
              ::testing::StartsWith("iShares: blocked by the site: the page is a bot challenge"));
  std::string page = Ibit();
  auto cut = ParseHtmlDataPoints(page.substr(0, page.size() / 2), ISharesFundOptions());
  EXPECT_EQ(cut.status().code(), Status::Code::kParseError);
  // Any page: the value and as-of XPaths and the date format are options.
  HtmlDataPointsOptions o;
  o.name = "bitwise";
  o.points = {{"shares", "//td[@id='so']", "//p[@class='asof']", "%m/%d/%Y"}};
  auto r = ParseHtmlDataPoints(
      "<html><body><p class='asof'>Data as of 09/29/2026</p><table><tr><td id='so'>"
      "26,450,000</td></tr></table></body></html>",
      o);
  EXPECT_EQ(r.status().code(), Status::Code::kParseError);  // "Data as of": not a bare "as of"
  o.points[0].as_of_xpath = "//p[@class='asof']/span";
  r = ParseHtmlDataPoints(
      "<html><body><p class='asof'>Data <span>as of 09/29/2026</span></p><table><tr>"
      "<td id='so'>26,450,000</td></tr></table></body></html>",
      o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].date, D("2026-09-29"));
  EXPECT_DOUBLE_EQ(*(*r)[0].value, 26450000.0);
  o.points[0].value_xpath = "count(//td)";
  EXPECT_EQ(ParseHtmlDataPoints("<html><body><td>1</td></body></html>", o).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace liqwatch::sources
