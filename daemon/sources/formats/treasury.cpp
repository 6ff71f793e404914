#include "sources/formats/treasury.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "sources/formats/date_format.h"
#include "sources/formats/json_util.h"
#include "sources/formats/url.h"

namespace liqwatch::sources {
namespace {

namespace json = boost::json;

constexpr size_t kRowsProvingLayout = 8;

std::optional<int> IntField(const json::object* o, std::string_view key) {
  if (!o) return std::nullopt;
  const json::value* v = o->if_contains(key);
  if (!v) return std::nullopt;
  NumberCell c = JsonNumberCell(*v, NumberStyle{});
  if (c.kind != CellKind::kNumber || c.value < 0 || c.value > 1e9) return std::nullopt;
  return static_cast<int>(c.value);
}

std::optional<int> PageNumberIn(std::string_view query) {
  for (std::string_view key : {"page%5Bnumber%5D=", "page[number]="}) {
    size_t pos = query.find(key);
    if (pos == std::string_view::npos) continue;
    std::string_view rest = query.substr(pos + key.size());
    int n = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec == std::errc() && p != rest.data()) return n;
  }
  return std::nullopt;
}

constexpr std::string_view kWhat = "Fiscal Data DTS JSON";

// date -> (priority of the matching account, value)
using BestByDate = std::map<Date, std::pair<size_t, std::optional<double>>>;

// The "data" array of the document; the API's error JSON or another shape is an error.
Result<const json::array*> DtsDataArray(const json::value& parsed) {
  const json::object* root = parsed.if_object();
  const json::value* data = root ? root->if_contains("data") : nullptr;
  if (root && !data && (root->contains("error") || root->contains("message"))) {
    const json::value* m = root->if_contains("message");
    const json::value* e = root->if_contains("error");
    return Status::InvalidArgument(fmt::format(
        "{}: API error: {}{}{}", kWhat, e && e->is_string() ? std::string(e->get_string()) : "",
        e && m ? ": " : "", m && m->is_string() ? std::string(m->get_string()) : ""));
  }
  if (!data || !data->is_array()) {
    return Status::LayoutChanged(
        fmt::format("{}: expected an object with a \"data\" array, found {}", kWhat,
                    data ? "\"data\" = " + DescribeJson(*data) : DescribeJson(parsed)));
  }
  return &data->get_array();
}

// Records the row's amount in `best` if its account type is one of options.accounts and no
// higher-priority account has given a value for that date yet.
Status ReadDtsRow(const json::value& row, const std::string& where, const DtsOptions& options,
                  BestByDate& best, std::vector<std::string>& seen_types) {
  const NumberStyle style{.missing = {"null", ""}};
  const json::object* o = row.if_object();
  const json::value* date_v = o ? o->if_contains("record_date") : nullptr;
  const json::value* type_v = o ? o->if_contains("account_type") : nullptr;
  if (!date_v || !date_v->is_string() || !type_v || !type_v->is_string()) {
    return Status::LayoutChanged(fmt::format(
        "{}: expected an object with string \"record_date\" and \"account_type\", found {}", where,
        DescribeJson(row)));
  }
  auto date = ParseDate(date_v->get_string());
  if (!date.ok()) return Status::ParseError(where + ": " + date.status().message());
  std::string type = NormalizeSpace(type_v->get_string());
  if (std::find(seen_types.begin(), seen_types.end(), type) == seen_types.end()) {
    seen_types.push_back(type);
  }
  for (size_t prio = 0; prio < options.accounts.size(); ++prio) {
    const DtsAccount& acct = options.accounts[prio];
    if (NormalizeSpace(acct.account_type) != type) continue;
    const json::value* v = o->if_contains(acct.field);
    if (!v) {
      return Status::LayoutChanged(fmt::format("{} ({}, \"{}\"): expected field \"{}\", found {}",
                                               where, FormatDate(*date), type, acct.field,
                                               DescribeJson(row)));
    }
    NumberCell cell = JsonNumberCell(*v, style);
    if (cell.kind == CellKind::kInvalid) {
      return Status::ParseError(fmt::format("{} ({}): \"{}\" is {}, expected an amount or \"null\"",
                                            where, FormatDate(*date), acct.field,
                                            DescribeJson(*v)));
    }
    std::optional<double> value;
    if (cell.kind == CellKind::kNumber) value = cell.value;
    auto it = best.find(*date);
    if (it == best.end() || prio < it->second.first) best[*date] = {prio, value};
    break;
  }
  return Status::Ok();
}

// The layout error for a page on which no row has one of the expected account types.
Status NoMatchingAccountError(const DtsOptions& options,
                              const std::vector<std::string>& seen_types) {
  std::string expected, found;
  for (const auto& a : options.accounts)
    expected += (expected.empty() ? "\"" : ", \"") + a.account_type + "\"";
  for (const auto& t : seen_types) found += (found.empty() ? "\"" : ", \"") + Excerpt(t) + "\"";
  return Status::LayoutChanged(
      fmt::format("{}: expected a row with account_type in [{}], found account types [{}]", kWhat,
                  expected, found));
}

// Fills the paging state from "links" and "meta" of the document's root object.
void ReadPaging(const json::object& root, DtsPage& page) {
  const json::value* links = root.if_contains("links");
  if (links && links->is_object()) {
    const json::value* next = links->get_object().if_contains("next");
    if (next && next->is_string() && !next->get_string().empty()) {
      page.next_query = std::string(next->get_string());
      page.next_page_number = PageNumberIn(*page.next_query);
    }
  }
  const json::value* meta = root.if_contains("meta");
  page.total_pages = IntField(meta ? meta->if_object() : nullptr, "total-pages");
  page.total_count = IntField(meta ? meta->if_object() : nullptr, "total-count");
}

}  // namespace

Result<DtsPage> ParseDtsOperatingCashBalance(std::string_view body, const DtsOptions& options) {
  auto parsed = ParseJsonBody(body, kWhat);
  if (!parsed.ok()) return parsed.status();
  Result<const json::array*> data = DtsDataArray(*parsed);
  if (!data.ok()) return data.status();
  BestByDate best;
  std::vector<std::string> seen_types;
  size_t index = 0;
  for (const json::value& row : **data) {
    std::string where = fmt::format("{}: data[{}]", kWhat, index++);
    if (Status s = ReadDtsRow(row, where, options, best, seen_types); !s.ok()) return s;
  }
  // Table I has about four rows per day, so any 8 consecutive rows hold a complete day and
  // therefore its closing-balance row. Fewer rows may be a page boundary cutting a day.
  if (best.empty() && (*data)->size() >= kRowsProvingLayout) {
    return NoMatchingAccountError(options, seen_types);
  }
  DtsPage page;
  for (const auto& [date, pv] : best) page.points.push_back(RawPoint{date, "", pv.second, false});
  if (Status s = CheckNoFutureDates(page.points, options.today, kWhat); !s.ok()) return s;
  ReadPaging(parsed->get_object(), page);
  return page;
}

std::string TreasuryDtsUrl(std::string_view base, std::optional<Date> start, int page_size,
                           int page_number) {
  std::string url = JoinUrl(base, kDtsOperatingCashBalancePath);
  char sep = '?';
  if (start) {
    url += fmt::format("?filter=record_date:gte:{}", FormatDate(*start));
    sep = '&';
  }
  url +=
      fmt::format("{}sort=-record_date&page[number]={}&page[size]={}", sep, page_number, page_size);
  return url;
}

}  // namespace liqwatch::sources
