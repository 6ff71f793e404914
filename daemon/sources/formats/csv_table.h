// Generic CSV table parser: a header row, a date column and value columns chosen by name.
//
// Contract: pure function over the body; thread-safe; never throws. Tokenising follows RFC
// 4180 (quoted fields, "" escapes, CRLF, BOM; see csv_reader.h). On success: one RawPoint per
// (data row, value column), in body order, `column` = the value column's header name. Cells
// are cleaned with CleanNumber (number.h) using `number_style` (the same function the HTML
// table parser uses); missing markers give value nullopt. Blank lines are ignored.
// Errors (message prefixed with `name`):
//   kParseError       broken quoting, a date that does not match `date_format`, a cell that
//                     is not a number ("CSV: line 7: value 'abc' in column 'value' is not a
//                     number"), a row with fewer fields than needed, an empty body;
//   kLayoutChanged    the date column or a value column is not in the header (expected vs
//                     found header listed);
//   kInvalidArgument  rows dated after `today` (CheckNoFutureDates policy).
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

struct CsvTableOptions {
  std::string name = "CSV";  // prefix of error messages
  char delimiter = ',';
  size_t skip_lines = 0;  // records before the header (titles, notes)
  std::string date_column = "date";
  std::string date_format = "%Y-%m-%d";
  std::vector<std::string> value_columns = {"value"};  // header names (whitespace-normalised)
  NumberStyle number_style = HumanTableNumberStyle();
  // Rows whose date cell is empty are skipped (footers such as "Source: ..." are errors).
  bool skip_rows_without_date = true;
  std::optional<Date> today;
};

Result<std::vector<RawPoint>> ParseCsvTable(std::string_view body, const CsvTableOptions& options);

}  // namespace liqwatch::sources
