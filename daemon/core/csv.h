// CSV output (RFC 4180), shared by the CLI's --format csv and the API's CSV export.
//
// Contract: pure; never fails. A cell with a comma, quote, CR or LF is quoted, its quotes
// doubled; each record ends in CRLF.
#pragma once

#include <string>
#include <vector>

namespace liqwatch {

std::string CsvRecord(const std::vector<std::string>& cells);

}  // namespace liqwatch
