#include "sources/formats/csv_table.h"

#include <fmt/format.h>

#include "sources/formats/csv_reader.h"
#include "sources/formats/date_format.h"

namespace liqwatch::sources {
namespace {

std::string JoinHeader(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += ",";
    out += f;
  }
  return Excerpt(out, 120);
}

// Indices of the configured columns in the header.
struct TableColumns {
  size_t date = 0;
  std::vector<std::pair<size_t, std::string>> values;  // index, normalised header name
  size_t needed = 0;                                   // fields a data row must have
};

// Finds the date and value columns by whitespace-normalised name; all must be present.
Result<TableColumns> FindColumns(const CsvRecord& header, const CsvTableOptions& options) {
  std::vector<std::string> names;
  for (const auto& f : header.fields) names.push_back(NormalizeSpace(f));
  auto find = [&](const std::string& wanted) -> std::optional<size_t> {
    std::string w = NormalizeSpace(wanted);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == w) return i;
    }
    return std::nullopt;
  };
  std::vector<std::string> missing;
  auto date_idx = find(options.date_column);
  if (!date_idx) missing.push_back(options.date_column);
  TableColumns cols;
  for (const auto& v : options.value_columns) {
    if (auto i = find(v)) {
      cols.values.emplace_back(*i, NormalizeSpace(v));
    } else {
      missing.push_back(v);
    }
  }
  if (!missing.empty()) {
    std::string m;
    for (const auto& s : missing) m += (m.empty() ? "'" : ", '") + s + "'";
    return Status::LayoutChanged(
        fmt::format("{}: line {}: expected column(s) {} in the header, "
                    "found '{}'",
                    options.name, header.line, m, JoinHeader(header.fields)));
  }
  cols.date = *date_idx;
  cols.needed = cols.date + 1;
  for (const auto& [i, n] : cols.values) cols.needed = std::max(cols.needed, i + 1);
  return cols;
}

// Appends one RawPoint per value column of a data row; rows without a date may be skipped.
// `cut_note` is appended to error messages when the row may have been cut short.
Status AppendRow(const CsvRecord& rec, const TableColumns& cols, const char* cut_note,
                 const CsvTableOptions& options, std::vector<RawPoint>& out) {
  const std::string& name = options.name;
  std::string date_text =
      cols.date < rec.fields.size() ? NormalizeSpace(rec.fields[cols.date]) : "";
  if (date_text.empty() && options.skip_rows_without_date) return Status::Ok();
  if (rec.fields.size() < cols.needed) {
    return Status::ParseError(fmt::format("{}: line {}: expected at least {} fields, found {}{}",
                                          name, rec.line, cols.needed, rec.fields.size(),
                                          cut_note));
  }
  auto date = ParseDateWithFormat(date_text, options.date_format);
  if (!date.ok()) {
    return Status::ParseError(fmt::format("{}: line {}: {} in column '{}'{}", name, rec.line,
                                          date.status().message(), options.date_column, cut_note));
  }
  for (const auto& [i, col] : cols.values) {
    NumberCell cell = CleanNumber(rec.fields[i], options.number_style);
    if (cell.kind == CellKind::kInvalid) {
      return Status::ParseError(
          fmt::format("{}: line {}: value '{}' in column '{}' is not a number{}", name, rec.line,
                      Excerpt(rec.fields[i]), col, cut_note));
    }
    RawPoint p;
    p.date = *date;
    p.column = col;
    if (cell.kind == CellKind::kNumber) p.value = cell.value;
    out.push_back(std::move(p));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<RawPoint>> ParseCsvTable(std::string_view body, const CsvTableOptions& options) {
  const std::string& name = options.name;
  auto doc = ReadCsv(body, options.delimiter);
  if (!doc.ok()) {
    std::string msg = doc.status().message();
    if (msg.rfind("CSV: ", 0) == 0) msg.erase(0, 5);
    return Status::ParseError(name + ": " + msg);
  }
  const auto& records = doc->records;
  if (records.size() <= options.skip_lines) {
    return Status::ParseError(fmt::format("{}: expected a header row with '{}', found {}", name,
                                          options.date_column,
                                          records.empty() ? "an empty body" : "no header"));
  }
  Result<TableColumns> cols = FindColumns(records[options.skip_lines], options);
  if (!cols.ok()) return cols.status();
  std::vector<RawPoint> out;
  for (size_t r = options.skip_lines + 1; r < records.size(); ++r) {
    const bool maybe_cut = r + 1 == records.size() && !doc->ends_with_newline;
    const char* cut_note = maybe_cut ? " (the body ends without a newline: truncated?)" : "";
    if (Status s = AppendRow(records[r], *cols, cut_note, options, out); !s.ok()) return s;
  }
  if (Status s = CheckNoFutureDates(out, options.today, name); !s.ok()) return s;
  return out;
}

}  // namespace liqwatch::sources
