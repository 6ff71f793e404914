#include "sources/formats/html_table.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <tuple>
#include <type_traits>

#include <fmt/format.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "sources/formats/date_format.h"
#include "sources/formats/url.h"

namespace liqwatch::sources {
namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct CtxFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct CompFree {
  void operator()(xmlXPathCompExpr* c) const { xmlXPathFreeCompExpr(c); }
};
struct ObjFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};

// Collects XPath errors instead of letting libxml2 print them. Generic in the error type:
// libxml2 2.12 made the callback's xmlError parameter const.
template <typename Error>
void CaptureXPathError(void* user, Error* error) {
  auto* out = static_cast<std::string*>(user);
  if (out && error && error->message && out->empty()) {
    *out = NormalizeSpace(error->message);
  }
}

template <typename F>
struct ArgsOfImpl;
template <typename R, typename... A>
struct ArgsOfImpl<R (*)(A...)> {
  using type = std::tuple<A...>;
};
template <typename F>
using ArgsOf = typename ArgsOfImpl<F>::type;

bool ContainsClosingHtml(std::string_view html) {
  static constexpr std::string_view kTag = "</html";
  for (size_t i = html.size(); i-- > 0;) {
    if (i + kTag.size() > html.size()) continue;
    bool match = true;
    for (size_t k = 0; k < kTag.size() && match; ++k) {
      match = std::tolower(static_cast<unsigned char>(html[i + k])) == kTag[k];
    }
    if (match) return true;
  }
  return false;
}

void SilentGenericError(void*, const char*, ...) {}

void InitLibxmlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

std::string NodeText(xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  if (!content) return "";
  std::string text = NormalizeSpace(reinterpret_cast<const char*>(content));
  xmlFree(content);
  return text;
}

size_t ColSpan(xmlNode* cell) {
  xmlChar* span = xmlGetProp(cell, BAD_CAST "colspan");
  if (!span) return 1;
  long n = std::strtol(reinterpret_cast<const char*>(span), nullptr, 10);
  xmlFree(span);
  return n >= 1 && n <= 100 ? static_cast<size_t>(n) : 1;
}

// Texts of the <td>/<th> children of a row, one entry per column (colspan expanded).
std::vector<std::string> RowCells(xmlNode* row) {
  std::vector<std::string> cells;
  for (xmlNode* c = row->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view tag = reinterpret_cast<const char*>(c->name);
    if (tag != "td" && tag != "th") continue;
    std::string text = NodeText(c);
    size_t span = ColSpan(c);
    for (size_t i = 0; i < span; ++i) cells.push_back(i == 0 ? text : "");
  }
  return cells;
}

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    out += "'" + Excerpt(s, 40) + "'";
  }
  return "[" + out + "]";
}

class XPathRunner {
 public:
  XPathRunner(xmlDoc* doc, std::string_view name) : name_(name) {
    ctx_.reset(xmlXPathNewContext(doc));
    if (ctx_) {
      ctx_->error = &CaptureXPathError<
          std::remove_pointer_t<std::tuple_element_t<1, ArgsOf<xmlStructuredErrorFunc>>>>;
      ctx_->userData = &error_;
    }
  }
  bool ok() const { return ctx_ != nullptr; }

  // Elements matched by `xpath` evaluated relative to `node` (nullptr: the document).
  Result<std::vector<xmlNode*>> Eval(const std::string& xpath, xmlNode* node,
                                     std::string_view role) {
    error_.clear();
    std::unique_ptr<xmlXPathCompExpr, CompFree> comp(
        xmlXPathCtxtCompile(ctx_.get(), BAD_CAST xpath.c_str()));
    if (!comp) {
      return Status::InvalidArgument(fmt::format("{}: {} XPath '{}' does not compile: {}", name_,
                                                 role, xpath,
                                                 error_.empty() ? "syntax error" : error_));
    }
    ctx_->node = node ? node : xmlDocGetRootElement(ctx_->doc);
    std::unique_ptr<xmlXPathObject, ObjFree> obj(xmlXPathCompiledEval(comp.get(), ctx_.get()));
    if (!obj) {
      return Status::InvalidArgument(fmt::format("{}: {} XPath '{}' failed: {}", name_, role, xpath,
                                                 error_.empty() ? "error" : error_));
    }
    if (obj->type != XPATH_NODESET) {
      return Status::InvalidArgument(fmt::format(
          "{}: {} XPath '{}' must select elements, it returns a value", name_, role, xpath));
    }
    std::vector<xmlNode*> nodes;
    if (obj->nodesetval) {
      for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
        xmlNode* n = obj->nodesetval->nodeTab[i];
        if (n && n->type == XML_ELEMENT_NODE) nodes.push_back(n);
      }
    }
    return nodes;
  }

 private:
  std::string name_;
  std::string error_;
  std::unique_ptr<xmlXPathContext, CtxFree> ctx_;
};

// The page as a libxml2 document, or the error saying why it is not one (empty, cut short,
// too large, not HTML). Shared by the table and the data-point readers.
Result<std::unique_ptr<xmlDoc, DocFree>> ReadHtmlDocument(std::string_view html,
                                                          const std::string& name,
                                                          bool require_closing_html) {
  if (html.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::ParseError(fmt::format("{}: expected an HTML page, found an empty body", name));
  }
  if (require_closing_html && !ContainsClosingHtml(html)) {
    return Status::ParseError(fmt::format(
        "{}: expected a complete HTML page ending with '</html>', found a body of {} bytes "
        "ending with '{}' (truncated?)",
        name, html.size(), Excerpt(html.substr(html.size() - std::min<size_t>(html.size(), 30)))));
  }
  if (html.size() > INT_MAX) return Status::TooLarge(name + ": page too large");
  InitLibxmlOnce();
  // The parse-time error handlers are per thread; silence them for this call.
  xmlSetGenericErrorFunc(nullptr, SilentGenericError);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  std::unique_ptr<xmlDoc, DocFree> doc(htmlReadMemory(
      html.data(), static_cast<int>(html.size()), nullptr, nullptr,
      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_RECOVER));
  if (!doc || !xmlDocGetRootElement(doc.get())) {
    return Status::ParseError(fmt::format("{}: the body is not an HTML document (starts with '{}')",
                                          name, Excerpt(html, 40)));
  }
  return doc;
}

Status BlockedBySite(const std::string& name, std::string_view what) {
  return Status::HttpError(fmt::format(
      "{}: blocked by the site: the page is a bot challenge (Cloudflare \"Just a moment...\"), "
      "not the {}; the layout did not change (send browser-like headers or use a mirror)",
      name, what));
}

// The table as text: column names, the data rows' cells, and which column holds the date.
struct TableText {
  std::vector<std::string> names;   // one per column ("" for an unnamed one)
  std::vector<std::string> header;  // the header row as written, for messages
  std::vector<std::vector<std::string>> rows;
  size_t date_column = 0;

  std::optional<size_t> Find(const std::string& wanted) const {
    std::string w = NormalizeSpace(wanted);
    for (size_t c = 0; c < names.size(); ++c)
      if (c != date_column && names[c] == w) return c;
    return std::nullopt;
  }
  // The named value columns (not the date's): their indexes.
  std::vector<size_t> NamedColumns() const {
    std::vector<size_t> out;
    for (size_t c = 0; c < names.size(); ++c)
      if (c != date_column && !names[c].empty()) out.push_back(c);
    return out;
  }
  std::vector<std::string> ShownNames() const {  // for error messages
    std::vector<std::string> out;
    for (size_t c : NamedColumns()) out.push_back(names[c]);
    return out;
  }
};

// Turns the table a quarter (dates_in_header): each labelled row becomes a column named by its
// label, each header cell (a date) a row, so one code path reads both layouts.
void TurnQuarter(TableText& t) {
  std::vector<std::string> labels{""};
  std::vector<size_t> kept;
  for (size_t k = 0; k < t.rows.size(); ++k) {
    std::string label = t.date_column < t.rows[k].size() ? t.rows[k][t.date_column] : "";
    if (label.empty()) continue;
    labels.push_back(std::move(label));
    kept.push_back(k);
  }
  std::vector<std::vector<std::string>> turned;
  for (size_t c = 0; c < t.names.size(); ++c) {
    if (c == t.date_column || t.names[c].empty()) continue;
    std::vector<std::string> row{t.names[c]};
    for (size_t k : kept) row.push_back(c < t.rows[k].size() ? t.rows[k][c] : "");
    turned.push_back(std::move(row));
  }
  t.names = std::move(labels);
  t.rows = std::move(turned);
  t.date_column = 0;
}

// The header (a column without a name in the header row takes the first name another header
// row gives it) and the data rows of `table`.
Result<TableText> ReadTableText(XPathRunner& xp, xmlNode* table, const HtmlTableOptions& options) {
  const std::string& name = options.name;
  auto header_rows = xp.Eval(options.header_rows_xpath, table, "header rows");
  if (!header_rows.ok()) return header_rows.status();
  if (options.header_row >= header_rows->size()) {
    return Status::LayoutChanged(
        fmt::format("{}: expected at least {} header row(s) matching '{}' in the table, found {}",
                    name, options.header_row + 1, options.header_rows_xpath, header_rows->size()));
  }
  std::vector<std::vector<std::string>> header_cells;
  for (xmlNode* r : *header_rows) header_cells.push_back(RowCells(r));
  TableText t;
  t.header = header_cells[options.header_row];
  t.names = t.header;
  for (size_t c = 0; c < t.names.size(); ++c) {
    if (!t.names[c].empty()) continue;
    for (size_t h = 0; h < header_cells.size(); ++h) {
      if (h != options.header_row && c < header_cells[h].size() && !header_cells[h][c].empty()) {
        t.names[c] = header_cells[h][c];
        break;
      }
    }
  }
  auto rows = xp.Eval(options.rows_xpath, table, "rows");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status::LayoutChanged(fmt::format("{}: rows XPath '{}' matched no element in the table",
                                             name, options.rows_xpath));
  }
  xmlNode* header_node = (*header_rows)[options.header_row];
  for (xmlNode* r : *rows)
    if (!options.dates_in_header || r != header_node) t.rows.push_back(RowCells(r));
  t.date_column = options.date_column;
  if (options.dates_in_header) TurnQuarter(t);
  return t;
}

// The columns read, as (index, name): value_columns, or every named column when none is given.
// A missing required or value column is a layout change.
Result<std::vector<std::pair<size_t, std::string>>> ValueColumns(const TableText& t,
                                                                 const HtmlTableOptions& options) {
  std::vector<std::string> missing;
  for (const auto& req : options.required_columns)
    if (!t.Find(req)) missing.push_back(req);
  std::vector<std::pair<size_t, std::string>> columns;
  if (options.value_columns.empty()) {
    std::set<std::string> used;
    for (size_t c : t.NamedColumns())
      if (used.insert(t.names[c]).second) columns.emplace_back(c, t.names[c]);
  } else {
    for (const auto& want : options.value_columns) {
      if (auto c = t.Find(want)) {
        columns.emplace_back(*c, NormalizeSpace(want));
      } else if (std::find(missing.begin(), missing.end(), want) == missing.end()) {
        missing.push_back(want);
      }
    }
  }
  if (!missing.empty()) {
    return Status::LayoutChanged(fmt::format("{}: expected column(s) {} in header row {}, found {}",
                                             options.name, JoinQuoted(missing),
                                             options.header_row + 1, JoinQuoted(t.ShownNames())));
  }
  if (columns.empty()) {
    return Status::LayoutChanged(fmt::format("{}: header row {} names no value column, found {}",
                                             options.name, options.header_row + 1,
                                             JoinQuoted(t.header)));
  }
  return columns;
}

struct DataRow {
  Date date;
  std::vector<CellKind> kinds;  // per value column
  std::vector<double> values;
  std::vector<bool> missing;  // per named column: "-" or empty (or no such cell)
};

// The rows with a date, in date order. Rows whose first cell is not a date (summaries,
// spacers) are skipped; a short row, a date twice or a value that is not a number is an error.
Result<std::vector<DataRow>> ReadDataRows(
    const TableText& t, const std::vector<std::pair<size_t, std::string>>& columns,
    const HtmlTableOptions& options) {
  const std::string& name = options.name;
  size_t needed = t.date_column + 1;
  for (const auto& [c, n] : columns) needed = std::max(needed, c + 1);
  // Every named column: a row is complete or not as a whole, whatever columns are read (a
  // series on "Total" must see that the other funds have not reported yet).
  const std::vector<size_t> all_columns = t.NamedColumns();
  std::vector<DataRow> data;
  std::vector<std::string> first_cells;
  std::set<Date> seen;
  for (const std::vector<std::string>& cells : t.rows) {
    std::string date_text = t.date_column < cells.size() ? cells[t.date_column] : "";
    auto date = ParseDateWithFormat(date_text, options.date_format);
    if (!date.ok()) {
      if (first_cells.size() < 5) first_cells.push_back(date_text);
      continue;  // summary or spacer row
    }
    if (cells.size() < needed) {
      return Status::LayoutChanged(
          fmt::format("{}: row '{}' has {} cells, expected at least {} (header: {})", name,
                      date_text, cells.size(), needed, JoinQuoted(t.ShownNames())));
    }
    if (!seen.insert(*date).second) {
      return Status::LayoutChanged(
          fmt::format("{}: date '{}' appears in more than one row", name, date_text));
    }
    DataRow row{*date, {}, {}, {}};
    for (size_t c : all_columns)
      row.missing.push_back(c >= cells.size() ||
                            CleanNumber(cells[c], options.number_style).kind == CellKind::kMissing);
    for (const auto& [c, col_name] : columns) {
      NumberCell cell = CleanNumber(cells[c], options.number_style);
      if (cell.kind == CellKind::kInvalid) {
        return Status::ParseError(
            fmt::format("{}: row '{}': value '{}' in column '{}' is not a "
                        "number",
                        name, date_text, Excerpt(cells[c]), col_name));
      }
      row.kinds.push_back(cell.kind);
      row.values.push_back(cell.value);
    }
    data.push_back(std::move(row));
  }
  if (data.empty()) {
    return Status::LayoutChanged(
        fmt::format("{}: expected rows with a date '{}' in column {}, found none (first cells: {})",
                    name, options.date_format, t.date_column + 1, JoinQuoted(first_cells)));
  }
  std::stable_sort(data.begin(), data.end(),
                   [](const DataRow& a, const DataRow& b) { return a.date < b.date; });
  return data;
}

// Whether the newest row is provisional: always, or when a cell is missing that the row
// before had (a fund has not reported yet).
bool NewestIsProvisional(const std::vector<DataRow>& data, ProvisionalRule rule) {
  if (rule == ProvisionalRule::kNewestAlways) return true;
  if (rule != ProvisionalRule::kNewestIfIncomplete) return false;
  const DataRow& newest = data.back();
  const DataRow* before = data.size() >= 2 ? &data[data.size() - 2] : nullptr;
  for (size_t i = 0; i < newest.missing.size(); ++i)
    if (newest.missing[i] && (!before || !before->missing[i])) return true;
  return false;
}

}  // namespace

Result<std::vector<RawPoint>> ParseHtmlTable(std::string_view html,
                                             const HtmlTableOptions& options) {
  const std::string& name = options.name;
  if (auto check = ParseDateWithFormat("", options.date_format);
      !check.ok() && check.status().message().find("unsupported directive") != std::string::npos) {
    return check.status().WithContext(name);
  }
  auto doc = ReadHtmlDocument(html, name, options.require_closing_html);
  if (!doc.ok()) return doc.status();
  XPathRunner xp(doc->get(), name);
  if (!xp.ok()) return Status::Internal(name + ": cannot create an XPath context");

  auto tables = xp.Eval(options.table_xpath, nullptr, "table");
  if (!tables.ok()) return tables.status();
  if (tables->empty()) {
    if (LooksLikeBotChallenge(html)) {
      return BlockedBySite(name, "table");
    }
    return Status::LayoutChanged(
        fmt::format("{}: XPath '{}' matched no element", name, options.table_xpath));
  }
  auto text = ReadTableText(xp, tables->front(), options);
  if (!text.ok()) return text.status();
  auto columns = ValueColumns(*text, options);
  if (!columns.ok()) return columns.status();
  auto data = ReadDataRows(*text, *columns, options);
  if (!data.ok()) return data.status();

  const bool newest_provisional = NewestIsProvisional(*data, options.provisional);
  std::vector<RawPoint> out;
  out.reserve(data->size() * columns->size());
  for (size_t r = 0; r < data->size(); ++r) {
    const DataRow& row = (*data)[r];
    for (size_t i = 0; i < columns->size(); ++i) {
      RawPoint p;
      p.date = row.date;
      p.column = (*columns)[i].second;
      if (row.kinds[i] == CellKind::kNumber) p.value = row.values[i];
      p.provisional = newest_provisional && r + 1 == data->size();
      out.push_back(std::move(p));
    }
  }
  if (Status s = CheckNoFutureDates(out, options.today, name); !s.ok()) return s;
  return out;
}

HtmlTableOptions FarsideEtfOptions(std::optional<Date> today) {
  HtmlTableOptions o;
  o.name = "Farside";
  o.table_xpath = "//table[contains(concat(' ', normalize-space(@class), ' '), ' etf ')]";
  o.header_rows_xpath = "./thead/tr";
  o.header_row = 1;
  o.rows_xpath = "./tbody/tr";
  o.date_column = 0;
  o.date_format = "%d %b %Y";
  o.required_columns = {"Total"};
  o.number_style = HumanTableNumberStyle();
  o.provisional = ProvisionalRule::kNewestIfIncomplete;
  o.today = today;
  return o;
}

std::string FarsideBtcUrl(std::string_view base) { return JoinUrl(base, "/btc/"); }

HtmlTableOptions IciEtfNetIssuanceOptions(std::optional<Date> today) {
  HtmlTableOptions o;
  o.name = "ICI";
  o.table_xpath = "//table[.//tr/*[1][normalize-space()='Equity']]";
  // The row of week dates: the first with two or more cells holding a '/' (title rows such
  // as "Millions of dollars" come before it).
  o.header_rows_xpath = ".//tr[count(*[contains(., '/')]) >= 2]";
  o.header_row = 0;
  o.rows_xpath = ".//tr";
  o.date_column = 0;
  o.date_format = "%m/%d/%Y";
  o.dates_in_header = true;
  o.required_columns = {"Total"};
  o.number_style = HumanTableNumberStyle();
  o.provisional = ProvisionalRule::kNever;
  o.today = today;
  return o;
}

namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

// "$61.23", "USD 61.23", "US$ 61.23" -> "61.23": the unit is the series' business.
std::string_view DropCurrency(std::string_view text) {
  for (std::string_view prefix : {"usd", "us$", "$"}) {
    if (StartsWithNoCase(text, prefix)) {
      text.remove_prefix(prefix.size());
      break;
    }
  }
  return text;
}

// "as of Sep 30, 2026", "(as of Sep 30, 2026)", "As Of: Sep 30, 2026" -> "Sep 30, 2026".
std::string AsOfDateText(std::string_view text) {
  std::string t = NormalizeSpace(text);
  std::string_view v = t;
  auto trim = [&v] {
    while (!v.empty() && std::string_view(" ():").find(v.front()) != std::string_view::npos)
      v.remove_prefix(1);
    while (!v.empty() && std::string_view(" ()").find(v.back()) != std::string_view::npos)
      v.remove_suffix(1);
  };
  trim();
  if (StartsWithNoCase(v, "as of")) v.remove_prefix(5);
  trim();
  return std::string(v);
}

}  // namespace

Result<std::vector<RawPoint>> ParseHtmlDataPoints(std::string_view html,
                                                  const HtmlDataPointsOptions& options) {
  const std::string& name = options.name;
  for (const auto& point : options.points) {
    if (auto check = ParseDateWithFormat("", point.date_format);
        !check.ok() &&
        check.status().message().find("unsupported directive") != std::string::npos) {
      return check.status().WithContext(name);
    }
  }
  auto doc = ReadHtmlDocument(html, name, options.require_closing_html);
  if (!doc.ok()) return doc.status();
  XPathRunner xp(doc->get(), name);
  if (!xp.ok()) return Status::Internal(name + ": cannot create an XPath context");
  // The text of the first element `xpath` selects; a missing one is a layout change (or a
  // bot wall standing where the page should be).
  auto first_text = [&](const std::string& xpath, const std::string& column,
                        std::string_view role) -> Result<std::string> {
    auto nodes = xp.Eval(xpath, nullptr, column + " " + std::string(role));
    if (!nodes.ok()) return nodes.status();
    if (nodes->empty()) {
      if (LooksLikeBotChallenge(html)) return BlockedBySite(name, "product page");
      return Status::LayoutChanged(
          fmt::format("{}: {} {} XPath '{}' matched no element", name, column, role, xpath));
    }
    return NodeText(nodes->front());
  };
  std::vector<RawPoint> out;
  for (const auto& point : options.points) {
    auto value_text = first_text(point.value_xpath, point.column, "value");
    if (!value_text.ok()) return value_text.status();
    auto as_of_text = first_text(point.as_of_xpath, point.column, "as-of");
    if (!as_of_text.ok()) return as_of_text.status();
    NumberCell cell = CleanNumber(NormalizeSpace(DropCurrency(*value_text)), options.number_style);
    if (cell.kind != CellKind::kNumber) {
      return Status::ParseError(fmt::format("{}: {} value '{}' is not a number", name, point.column,
                                            Excerpt(*value_text)));
    }
    auto date = ParseDateWithFormat(AsOfDateText(*as_of_text), point.date_format);
    if (!date.ok()) {
      return Status::ParseError(fmt::format("{}: {} as-of '{}' is not a date like '{}'", name,
                                            point.column, Excerpt(*as_of_text), point.date_format));
    }
    out.push_back(RawPoint{*date, point.column, cell.value, false});
  }
  if (Status s = CheckNoFutureDates(out, options.today, name); !s.ok()) return s;
  return out;
}

HtmlDataPointsOptions ISharesFundOptions(std::optional<Date> today) {
  auto by_id = [](std::string_view id) { return fmt::format("//*[@data-id='{}']", id); };
  const std::string as_of = by_id("keyFundFacts-sharesOutstanding-asOf");
  HtmlDataPointsOptions o;
  o.name = "iShares";
  o.points = {
      {"shares_outstanding", by_id("keyFundFacts-sharesOutstanding-data"), as_of},
      {"nav", by_id("fundHeader-navAmount-data"), as_of},
      {"total_net_assets", by_id("keyFundFacts-totalNetAssetsFundLevel-data"), as_of},
  };
  o.today = today;
  return o;
}

bool LooksLikeBotChallenge(std::string_view body) {
  for (std::string_view marker :
       {"cf-chl", "challenge-platform", "cf_chl_opt", "<title>Just a moment...</title>",
        "Attention Required! | Cloudflare"}) {
    if (body.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace liqwatch::sources
