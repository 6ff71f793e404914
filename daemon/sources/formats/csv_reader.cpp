#include "sources/formats/csv_reader.h"

#include <fmt/format.h>

namespace liqwatch::sources {
namespace {

// Tokenizer state: the body, the read position `i` and the 1-based `line` at `i`.
struct CsvTokenizer {
  std::string_view body;
  char delimiter;
  const size_t n = body.size();
  size_t i = 0;
  size_t line = 1;

  // Where an unquoted field stops, and where a closing quote must be followed.
  bool AtFieldEnd() const {
    return i >= n || body[i] == delimiter || body[i] == '\n' || body[i] == '\r';
  }

  // At the opening quote: reads through the closing quote, unescaping "".
  Status ReadQuotedField(std::string& field) {
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
    if (!AtFieldEnd()) {
      return Status::ParseError(
          fmt::format("CSV: line {}: expected ',' or end of line after a closing quote, found '{}'",
                      line, body[i]));
    }
    return Status::Ok();
  }

  Status ReadPlainField(std::string& field) {
    while (!AtFieldEnd()) {
      if (body[i] == '\0') return Status::ParseError(fmt::format("CSV: line {}: NUL byte", line));
      field.push_back(body[i]);
      ++i;
    }
    return Status::Ok();
  }

  // Reads one record through its line break (or the end); keeps it unless it is blank.
  Status ReadRecord(CsvDocument& doc) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool record_done = false;
    bool any_content = false;
    while (!record_done) {
      field.clear();
      if (i < n && body[i] == '"') {
        any_content = true;
        if (Status s = ReadQuotedField(field); !s.ok()) return s;
      } else {
        if (Status s = ReadPlainField(field); !s.ok()) return s;
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
    return Status::Ok();
  }
};

}  // namespace

Result<CsvDocument> ReadCsv(std::string_view body, char delimiter) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  CsvDocument doc;
  CsvTokenizer tok{body, delimiter};
  while (tok.i < tok.n) {
    if (Status s = tok.ReadRecord(doc); !s.ok()) return s;
  }
  return doc;
}

}  // namespace liqwatch::sources
