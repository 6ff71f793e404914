#include "sources/formats/csv_reader.h"

#include <fmt/format.h>

namespace liqwatch::sources {

Result<CsvDocument> ReadCsv(std::string_view body, char delimiter) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  CsvDocument doc;
  size_t line = 1;
  size_t i = 0;
  const size_t n = body.size();
  while (i < n) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool record_done = false;
    bool any_content = false;
    while (!record_done) {
      field.clear();
      if (i < n && body[i] == '"') {
        any_content = true;
        size_t quote_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          char c = body[i];
          if (c == '"') {
            if (i + 1 < n && body[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\0') return Status::ParseError(fmt::format("CSV: line {}: NUL byte", line));
          if (c == '\n' || (c == '\r' && !(i + 1 < n && body[i + 1] == '\n'))) ++line;
          field.push_back(c);
          ++i;
        }
        if (!closed) {
          return Status::ParseError(fmt::format(
              "CSV: line {}: quoted field is not closed before the end of the body", quote_line));
        }
        if (i < n && body[i] != delimiter && body[i] != '\n' && body[i] != '\r') {
          return Status::ParseError(fmt::format(
              "CSV: line {}: expected ',' or end of line after a closing quote, found '{}'", line,
              body[i]));
        }
      } else {
        while (i < n && body[i] != delimiter && body[i] != '\n' && body[i] != '\r') {
          if (body[i] == '\0') {
            return Status::ParseError(fmt::format("CSV: line {}: NUL byte", line));
          }
          field.push_back(body[i]);
          ++i;
        }
        if (!field.empty()) any_content = true;
      }
      rec.fields.push_back(field);
      if (i >= n) {
        record_done = true;
        doc.ends_with_newline = false;
      } else if (body[i] == delimiter) {
        any_content = true;
        ++i;
      } else {  // line break
        if (body[i] == '\r' && i + 1 < n && body[i + 1] == '\n') ++i;
        ++i;
        ++line;
        record_done = true;
        doc.ends_with_newline = true;
      }
    }
    if (any_content) doc.records.push_back(std::move(rec));
  }
  return doc;
}

}  // namespace liqwatch::sources
