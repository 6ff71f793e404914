#include "sources/formats/json_pointer.h"

#include <charconv>

#include <fmt/format.h>

#include "sources/formats/date_format.h"
#include "sources/formats/json_util.h"

namespace liqwatch::sources {
namespace {

namespace json = boost::json;

Status CheckPointer(std::string_view name, std::string_view role, std::string_view ptr) {
  if (!ptr.empty() && ptr.front() != '/') {
    return Status::InvalidArgument(fmt::format(
        "{}: {} pointer '{}' is not an RFC 6901 JSON Pointer (must be empty or start with '/')",
        name, role, ptr));
  }
  return Status::Ok();
}

const json::value* Resolve(const json::value& root, std::string_view ptr) {
  if (ptr.empty()) return &root;
  boost::system::error_code ec;
  const json::value* v = root.find_pointer(ptr, ec);
  return ec ? nullptr : v;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Every pointer in the options must be "" or start with '/'; rows and date first, then values.
Status CheckPointers(const JsonPointerOptions& options) {
  const std::string& name = options.name;
  for (auto [role, ptr] :
       {std::pair<std::string_view, std::string_view>{"rows", options.rows_pointer},
        {"date", options.date_pointer}}) {
    if (Status s = CheckPointer(name, role, ptr); !s.ok()) return s;
  }
  for (const auto& v : options.values) {
    if (Status s = CheckPointer(name, "value", v.pointer); !s.ok()) return s;
  }
  return Status::Ok();
}

// The seconds in a JSON integer or all-digit string; nullopt for anything else or a value
// outside the plausible range 1970 .. 2200 (avoid overflow and millisecond timestamps).
std::optional<int64_t> UnixSeconds(const json::value& dv) {
  int64_t secs = 0;
  bool ok = false;
  if (dv.is_int64()) {
    secs = dv.get_int64();
    ok = true;
  } else if (dv.is_uint64() && dv.get_uint64() < (1ull << 40)) {
    secs = static_cast<int64_t>(dv.get_uint64());
    ok = true;
  } else if (dv.is_string() && AllDigits(dv.get_string())) {
    std::string_view s = dv.get_string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), secs);
    ok = ec == std::errc() && p == s.data() + s.size();
  }
  if (!ok || secs < 0 || secs > 7258118400) return std::nullopt;
  return secs;
}

// The date of one row, read at date_pointer as unix seconds or a formatted string.
Result<Date> ReadRowDate(const json::value& row, const std::string& where,
                         const JsonPointerOptions& options) {
  const json::value* dv = Resolve(row, options.date_pointer);
  if (!dv) {
    return Status::LayoutChanged(fmt::format("{}: expected a date at '{}', found {}", where,
                                             options.date_pointer, DescribeJson(row)));
  }
  JsonDateKind kind = options.date_kind;
  if (kind == JsonDateKind::kAuto) {
    kind = dv->is_number() || (dv->is_string() && AllDigits(dv->get_string()))
               ? JsonDateKind::kUnixSeconds
               : JsonDateKind::kString;
  }
  if (kind == JsonDateKind::kUnixSeconds) {
    std::optional<int64_t> secs = UnixSeconds(*dv);
    if (!secs) {
      return Status::ParseError(fmt::format("{}: date at '{}' is {}, expected unix seconds", where,
                                            options.date_pointer, DescribeJson(*dv)));
    }
    return DateFromUnixSeconds(*secs);
  }
  if (!dv->is_string()) {
    return Status::ParseError(fmt::format("{}: date at '{}' is {}, expected a date string", where,
                                          options.date_pointer, DescribeJson(*dv)));
  }
  auto d = ParseDateWithFormat(dv->get_string(), options.date_format);
  if (!d.ok()) return Status::ParseError(where + ": " + d.status().message());
  return *d;
}

// Appends one RawPoint per configured value of a row (value nullopt for null/missing markers).
Status AppendRowValues(const json::value& row, Date date, const std::string& where,
                       const JsonPointerOptions& options, std::vector<RawPoint>& out) {
  for (const JsonValue& jv : options.values) {
    const json::value* v = Resolve(row, jv.pointer);
    RawPoint p;
    p.date = date;
    p.column = jv.column;
    if (!v) {
      if (!options.missing_value_is_null) {
        return Status::LayoutChanged(fmt::format("{} ({}): expected a value at '{}', found {}",
                                                 where, FormatDate(date), jv.pointer,
                                                 DescribeJson(row)));
      }
    } else {
      NumberCell cell = JsonNumberCell(*v, options.number_style);
      if (cell.kind == CellKind::kInvalid) {
        return Status::ParseError(fmt::format("{} ({}): value at '{}' is {}, expected a number",
                                              where, FormatDate(date), jv.pointer,
                                              DescribeJson(*v)));
      }
      if (cell.kind == CellKind::kNumber) p.value = cell.value;
    }
    out.push_back(std::move(p));
  }
  return Status::Ok();
}

}  // namespace

Date DateFromUnixSeconds(int64_t seconds) {
  return std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds(std::chrono::seconds(seconds)));
}

Result<std::vector<RawPoint>> ParseJsonPointer(std::string_view body,
                                               const JsonPointerOptions& options) {
  const std::string& name = options.name;
  if (Status s = CheckPointers(options); !s.ok()) return s;
  auto parsed = ParseJsonBody(body, name);
  if (!parsed.ok()) return parsed.status();
  const json::value* rows = Resolve(*parsed, options.rows_pointer);
  if (!rows || !rows->is_array()) {
    return Status::LayoutChanged(fmt::format(
        "{}: expected an array at pointer '{}', found {}", name, options.rows_pointer,
        rows ? DescribeJson(*rows) : "nothing (document is " + DescribeJson(*parsed) + ")"));
  }
  std::vector<RawPoint> out;
  size_t index = 0;
  for (const json::value& row : rows->get_array()) {
    std::string where = fmt::format("{}: row {}", name, index++);
    Result<Date> date = ReadRowDate(row, where, options);
    if (!date.ok()) return date.status();
    if (Status s = AppendRowValues(row, *date, where, options, out); !s.ok()) return s;
  }
  if (Status s = CheckNoFutureDates(out, options.today, name); !s.ok()) return s;
  return out;
}

}  // namespace liqwatch::sources
