#include "sources/formats/fred.h"

#include <fmt/format.h>

#include "sources/formats/csv_reader.h"
#include "sources/formats/json_util.h"
#include "sources/formats/number.h"
#include "sources/formats/url.h"

namespace liqwatch::sources {
namespace {

namespace json = boost::json;

Status FredErrorStatus(const json::object& obj) {
  const json::value* code_v = obj.if_contains("error_code");
  const json::value* msg_v = obj.if_contains("error_message");
  int64_t code = 0;
  if (code_v && code_v->is_int64()) code = code_v->get_int64();
  if (code_v && code_v->is_uint64()) code = static_cast<int64_t>(code_v->get_uint64());
  if (code_v && code_v->is_string()) {
    std::string s(code_v->get_string());
    code = std::atoll(s.c_str());
  }
  std::string msg = msg_v && msg_v->is_string() ? std::string(msg_v->get_string())
                                                : (msg_v ? DescribeJson(*msg_v) : "no message");
  std::string text = fmt::format("FRED API error {}: {}", code, msg);
  if (code == 400) return Status::InvalidArgument(text);
  if (code == 429 || code >= 500) return Status::Unavailable(text);
  return Status::HttpError(text);
}

}  // namespace

Result<std::vector<RawPoint>> ParseFredJson(std::string_view body) {
  auto parsed = ParseJsonBody(body, "FRED JSON");
  if (!parsed.ok()) return parsed.status();
  const json::value& root = *parsed;
  const json::object* obj = root.if_object();
  if (obj && obj->contains("error_code")) return FredErrorStatus(*obj);
  const json::value* obs = obj ? obj->if_contains("observations") : nullptr;
  if (!obs || !obs->is_array()) {
    return Status::LayoutChanged(
        fmt::format("FRED JSON: expected an object with an \"observations\" array, found {}",
                    obs ? "\"observations\" = " + DescribeJson(*obs) : DescribeJson(root)));
  }
  const NumberStyle style;  // "" and "." are missing
  std::vector<RawPoint> out;
  out.reserve(obs->get_array().size());
  size_t index = 0;
  for (const json::value& row : obs->get_array()) {
    const json::object* r = row.if_object();
    const json::value* date_v = r ? r->if_contains("date") : nullptr;
    const json::value* value_v = r ? r->if_contains("value") : nullptr;
    if (!date_v || !date_v->is_string() || !value_v || !value_v->is_string()) {
      return Status::LayoutChanged(fmt::format(
          "FRED JSON: observations[{}]: expected an object with string \"date\" and \"value\", "
          "found {}",
          index, DescribeJson(row)));
    }
    auto date = ParseDate(date_v->get_string());
    if (!date.ok()) {
      return Status::ParseError(
          fmt::format("FRED JSON: observations[{}]: {}", index, date.status().message()));
    }
    NumberCell cell = CleanNumber(value_v->get_string(), style);
    if (cell.kind == CellKind::kInvalid) {
      return Status::ParseError(
          fmt::format("FRED JSON: observations[{}] ({}): value '{}' is not a number or \".\"",
                      index, FormatDate(*date), Excerpt(value_v->get_string())));
    }
    RawPoint p;
    p.date = *date;
    if (cell.kind == CellKind::kNumber) p.value = cell.value;
    out.push_back(std::move(p));
    ++index;
  }
  return out;
}

Result<std::vector<RawPoint>> ParseFredGraphCsv(std::string_view body, std::string_view series_id) {
  auto doc = ReadCsv(body);
  if (!doc.ok()) return doc.status().WithContext("fredgraph");
  const auto& records = doc->records;
  if (records.empty()) {
    return Status::ParseError(fmt::format(
        "fredgraph CSV: expected header 'observation_date,{}', found an empty body", series_id));
  }
  const CsvRecord& header = records.front();
  auto header_text = [&] {
    std::string s;
    for (size_t i = 0; i < header.fields.size(); ++i) {
      if (i) s += ',';
      s += header.fields[i];
    }
    return Excerpt(s, 80);
  };
  bool header_ok = header.fields.size() == 2 &&
                   (header.fields[0] == "observation_date" || header.fields[0] == "DATE") &&
                   EqualsIgnoreCase(NormalizeSpace(header.fields[1]), series_id);
  if (!header_ok) {
    return Status::LayoutChanged(
        fmt::format("fredgraph CSV: line {}: expected header 'observation_date,{}' (or "
                    "'DATE,{}'), found '{}'",
                    header.line, series_id, series_id, header_text()));
  }
  const NumberStyle style;
  std::vector<RawPoint> out;
  out.reserve(records.size() - 1);
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& rec = records[i];
    const bool last_unterminated = i + 1 == records.size() && !doc->ends_with_newline;
    auto truncated = [&](std::string what) {
      if (!last_unterminated) return what;
      return what + " (the body ends without a newline: truncated?)";
    };
    if (rec.fields.size() != 2) {
      return Status::ParseError(
          truncated(fmt::format("fredgraph CSV: line {}: expected 2 fields (date,value), found {}",
                                rec.line, rec.fields.size())));
    }
    auto date = ParseDate(rec.fields[0]);
    if (!date.ok()) {
      return Status::ParseError(
          truncated(fmt::format("fredgraph CSV: line {}: date '{}' is not YYYY-MM-DD", rec.line,
                                Excerpt(rec.fields[0]))));
    }
    NumberCell cell = CleanNumber(rec.fields[1], style);
    if (cell.kind == CellKind::kInvalid) {
      return Status::ParseError(
          truncated(fmt::format("fredgraph CSV: line {}: value '{}' in column '{}' is not a number",
                                rec.line, Excerpt(rec.fields[1]), series_id)));
    }
    RawPoint p;
    p.date = *date;
    if (cell.kind == CellKind::kNumber) p.value = cell.value;
    out.push_back(std::move(p));
  }
  return out;
}

std::string FredJsonUrl(std::string_view base, std::string_view series_id, std::string_view api_key,
                        std::optional<Date> start) {
  std::vector<std::pair<std::string, std::string>> q = {{"series_id", std::string(series_id)},
                                                        {"api_key", std::string(api_key)},
                                                        {"file_type", "json"}};
  if (start) q.emplace_back("observation_start", FormatDate(*start));
  return JoinUrl(base, "/fred/series/observations") + QueryString(q);
}

std::string FredGraphCsvUrl(std::string_view base, std::string_view series_id,
                            std::optional<Date> start) {
  std::vector<std::pair<std::string, std::string>> q = {{"id", std::string(series_id)}};
  if (start) q.emplace_back("cosd", FormatDate(*start));
  return JoinUrl(base, "/graph/fredgraph.csv") + QueryString(q);
}

}  // namespace liqwatch::sources
