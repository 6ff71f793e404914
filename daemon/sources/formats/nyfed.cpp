#include "sources/formats/nyfed.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sources/formats/date_format.h"
#include "sources/formats/json_util.h"
#include "sources/formats/url.h"

namespace liqwatch::sources {
namespace {

namespace json = boost::json;

void SortPoints(std::vector<RawPoint>& points) {
  std::stable_sort(points.begin(), points.end(), [](const RawPoint& a, const RawPoint& b) {
    return a.date != b.date ? a.date < b.date : a.column < b.column;
  });
}

std::string StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

Result<Date> DateField(const json::object& o, std::string_view key, std::string_view where) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) {
    return Status::LayoutChanged(fmt::format("{}: expected a string \"{}\", found {}", where, key,
                                             v ? DescribeJson(*v) : "no such key"));
  }
  auto d = ParseDate(v->get_string());
  if (!d.ok()) {
    return Status::ParseError(fmt::format("{}: \"{}\": {}", where, key, d.status().message()));
  }
  return *d;
}

// The "repo.operations" array of an operations document.
Result<const json::array*> OperationsArray(const json::value& parsed) {
  const json::object* root = parsed.if_object();
  const json::value* repo = root ? root->if_contains("repo") : nullptr;
  const json::value* ops =
      repo && repo->is_object() ? repo->get_object().if_contains("operations") : nullptr;
  if (!ops || !ops->is_array()) {
    std::string found = !repo  ? DescribeJson(parsed)
                        : !ops ? "\"repo\" = " + DescribeJson(*repo)
                               : "\"repo.operations\" = " + DescribeJson(*ops);
    return Status::LayoutChanged(fmt::format(
        "NY Fed operations JSON: expected {{\"repo\": {{\"operations\": [...]}}}}, found {}",
        found));
  }
  return &ops->get_array();
}

// False for announcements without results and for operations of another operationType.
bool IsWantedOperation(const json::object& o, const NyFedOperationsOptions& options) {
  std::string status = StringField(o, "auctionStatus");
  if (!status.empty() && !EqualsIgnoreCase(status, "Results")) return false;
  return options.operation_type.empty() ||
         EqualsIgnoreCase(StringField(o, "operationType"), options.operation_type);
}

// totalAmtAccepted (required) and totalAmtSubmitted (optional), which must be numbers.
Status ReadOperationAmounts(const json::object& o, const std::string& where, NyFedOperation& op) {
  const NumberStyle style;
  for (auto [key, dest] :
       {std::pair<std::string_view, double*>{"totalAmtAccepted", &op.total_amt_accepted},
        std::pair<std::string_view, double*>{"totalAmtSubmitted", &op.total_amt_submitted}}) {
    const json::value* v = o.if_contains(key);
    if (!v) {
      if (key == "totalAmtAccepted") {
        return Status::LayoutChanged(
            fmt::format("{}: expected a number \"totalAmtAccepted\", found no such key", where));
      }
      continue;
    }
    NumberCell cell = JsonNumberCell(*v, style);
    if (cell.kind != CellKind::kNumber) {
      return Status::ParseError(
          fmt::format("{}: \"{}\" is {}, expected a number", where, key, DescribeJson(*v)));
    }
    *dest = cell.value;
  }
  return Status::Ok();
}

// One operation record; `where` gets the operationId appended for the later messages.
Result<NyFedOperation> ReadOperation(const json::value& rec, const json::object& o,
                                     std::string where) {
  NyFedOperation op;
  op.operation_type = StringField(o, "operationType");
  op.operation_id = StringField(o, "operationId");
  if (op.operation_id.empty()) {
    return Status::LayoutChanged(fmt::format(
        "{}: expected a non-empty string \"operationId\", found {}", where, DescribeJson(rec)));
  }
  where += " (" + op.operation_id + ")";
  auto date = DateField(o, "operationDate", where);
  if (!date.ok()) return date.status();
  op.operation_date = *date;
  op.operation_method = StringField(o, "operationMethod");
  op.term = StringField(o, "term");
  op.note = StringField(o, "note");
  op.small_value_exercise = ContainsIgnoreCase(op.note, "small value exercise");
  if (Status s = ReadOperationAmounts(o, where, op); !s.ok()) return s;
  return op;
}

}  // namespace

Result<std::vector<RawPoint>> ParseNyFedRefRates(std::string_view body,
                                                 const NyFedRatesOptions& options) {
  auto parsed = ParseJsonBody(body, "NY Fed rates JSON");
  if (!parsed.ok()) return parsed.status();
  const json::object* root = parsed->if_object();
  const json::value* rates = root ? root->if_contains("refRates") : nullptr;
  if (!rates || !rates->is_array()) {
    return Status::LayoutChanged(
        fmt::format("NY Fed rates JSON: expected an object with a \"refRates\" array, found {}",
                    rates ? "\"refRates\" = " + DescribeJson(*rates) : DescribeJson(*parsed)));
  }
  const NumberStyle style;
  std::vector<RawPoint> out;
  size_t index = 0;
  for (const json::value& rec : rates->get_array()) {
    std::string where = fmt::format("NY Fed rates JSON: refRates[{}]", index++);
    const json::object* o = rec.if_object();
    if (!o) {
      return Status::LayoutChanged(
          fmt::format("{}: expected an object, found {}", where, DescribeJson(rec)));
    }
    if (!options.type.empty() && !EqualsIgnoreCase(StringField(*o, "type"), options.type)) {
      continue;
    }
    auto date = DateField(*o, "effectiveDate", where);
    if (!date.ok()) return date.status();
    size_t fields = 0;
    for (std::string_view col : kNyFedRateColumns) {
      const json::value* v = o->if_contains(col);
      if (!v) continue;
      NumberCell cell = JsonNumberCell(*v, style);
      if (cell.kind == CellKind::kInvalid) {
        return Status::ParseError(fmt::format("{} ({}): \"{}\" is {}, expected a number", where,
                                              FormatDate(*date), col, DescribeJson(*v)));
      }
      RawPoint p;
      p.date = *date;
      p.column = std::string(col);
      if (cell.kind == CellKind::kNumber) p.value = cell.value;
      out.push_back(std::move(p));
      ++fields;
    }
    if (fields == 0) {
      return Status::LayoutChanged(
          fmt::format("{} ({}): expected at least one of percentRate, percentPercentile1.., "
                      "volumeInBillions, found {}",
                      where, FormatDate(*date), DescribeJson(rec)));
    }
  }
  if (Status s = CheckNoFutureDates(out, options.today, "NY Fed rates JSON"); !s.ok()) return s;
  SortPoints(out);
  if (Status s = CheckNoRepeatedPoints(out, "NY Fed rates JSON"); !s.ok()) return s;
  return out;
}

Result<std::vector<NyFedOperation>> ParseNyFedOperations(std::string_view body,
                                                         const NyFedOperationsOptions& options) {
  auto parsed = ParseJsonBody(body, "NY Fed operations JSON");
  if (!parsed.ok()) return parsed.status();
  Result<const json::array*> ops = OperationsArray(*parsed);
  if (!ops.ok()) return ops.status();
  std::vector<NyFedOperation> out;
  std::vector<RawPoint> dates_for_check;
  size_t index = 0;
  for (const json::value& rec : **ops) {
    std::string where = fmt::format("NY Fed operations JSON: operations[{}]", index++);
    const json::object* o = rec.if_object();
    if (!o) {
      return Status::LayoutChanged(
          fmt::format("{}: expected an object, found {}", where, DescribeJson(rec)));
    }
    if (!IsWantedOperation(*o, options)) continue;
    Result<NyFedOperation> op = ReadOperation(rec, *o, std::move(where));
    if (!op.ok()) return op.status();
    dates_for_check.push_back(RawPoint{op->operation_date, "", std::nullopt, false});
    out.push_back(std::move(*op));
  }
  if (Status s = CheckNoFutureDates(dates_for_check, options.today, "NY Fed operations JSON");
      !s.ok()) {
    return s;
  }
  // One operation listed twice would be summed twice into the day's total.
  if (Status s = CheckNoRepeatedPoints(NyFedOperationPoints(out), "NY Fed operations JSON");
      !s.ok()) {
    return s;
  }
  return out;
}

std::vector<RawPoint> NyFedOperationPoints(const std::vector<NyFedOperation>& operations) {
  std::vector<RawPoint> out;
  std::map<Date, double> totals;
  for (const NyFedOperation& op : operations) {
    RawPoint p;
    p.date = op.operation_date;
    p.column = (op.small_value_exercise ? "sve:" : "op:") + op.operation_id;
    p.value = op.total_amt_accepted;
    out.push_back(std::move(p));
    if (!op.small_value_exercise) totals[op.operation_date] += op.total_amt_accepted;
  }
  for (const auto& [date, total] : totals) {
    out.push_back(RawPoint{date, "total", total, false});
  }
  SortPoints(out);
  return out;
}

Result<std::vector<RawPoint>> ParseNyFedOperationPoints(std::string_view body,
                                                        const NyFedOperationsOptions& options) {
  auto ops = ParseNyFedOperations(body, options);
  if (!ops.ok()) return ops.status();
  return NyFedOperationPoints(*ops);
}

namespace {
std::string_view RateGroup(std::string_view rate) {
  return (EqualsIgnoreCase(rate, "effr") || EqualsIgnoreCase(rate, "obfr")) ? "unsecured"
                                                                            : "secured";
}
}  // namespace

std::string NyFedRateSearchUrl(std::string_view base, std::string_view rate, Date start, Date end) {
  return JoinUrl(base, fmt::format("/api/rates/{}/{}/search.json", RateGroup(rate),
                                   PercentEncode(rate))) +
         QueryString({{"startDate", FormatDate(start)}, {"endDate", FormatDate(end)}});
}

std::string NyFedRateLastUrl(std::string_view base, std::string_view rate, int n) {
  return JoinUrl(
      base, fmt::format("/api/rates/{}/{}/last/{}.json", RateGroup(rate), PercentEncode(rate), n));
}

std::string NyFedOperationsLastUrl(std::string_view base, std::string_view kind, int n) {
  return JoinUrl(base, fmt::format("/api/rp/{}/all/results/last/{}.json", PercentEncode(kind), n));
}

std::string NyFedOperationsLastTwoWeeksUrl(std::string_view base, std::string_view kind) {
  return JoinUrl(base,
                 fmt::format("/api/rp/{}/all/results/lastTwoWeeks.json", PercentEncode(kind)));
}

std::string NyFedOperationsSearchUrl(std::string_view base, Date start, Date end,
                                     std::string_view operation_types) {
  std::vector<std::pair<std::string, std::string>> q = {{"startDate", FormatDate(start)},
                                                        {"endDate", FormatDate(end)}};
  if (!operation_types.empty()) q.emplace_back("operationTypes", std::string(operation_types));
  return JoinUrl(base, "/api/rp/results/search.json") + QueryString(q);
}

}  // namespace liqwatch::sources
