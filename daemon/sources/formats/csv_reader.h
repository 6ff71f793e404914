// RFC 4180 CSV tokenizer shared by the fredgraph and generic CSV parsers.
//
// Contract: ReadCsv is pure and thread-safe, never throws. On success it returns every
// non-blank record with the 1-based line number it starts on. A UTF-8 BOM at the start is
// skipped; LF, CRLF and lone CR line endings are accepted; quoted fields may contain the
// delimiter, doubled quotes ("") and line breaks. On failure (a quote left open at end of
// body, text after a closing quote, a NUL byte) it returns ParseError naming the line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace liqwatch::sources {

struct CsvRecord {
  size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

struct CsvDocument {
  std::vector<CsvRecord> records;
  // False when the body did not end with a line break: the last record may be cut short.
  bool ends_with_newline = false;
};

Result<CsvDocument> ReadCsv(std::string_view body, char delimiter = ',');

}  // namespace liqwatch::sources
