#include "cli/output.h"

#include <algorithm>
#include <cstdlib>

#include "core/csv.h"

namespace liqwatch::cli {

std::string RenderTable(const Table& t, std::size_t max_cell) {
  auto cut = [&](const std::string& s) {
    return s.size() <= max_cell ? s : s.substr(0, max_cell - 3) + "...";
  };
  std::vector<std::size_t> width(t.header.size(), 0);
  for (std::size_t i = 0; i < t.header.size(); ++i) width[i] = t.header[i].size();
  for (const auto& row : t.rows)
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], cut(row[i]).size());
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t i = 0; i < width.size(); ++i) {
      std::string c = i < cells.size() ? cut(cells[i]) : "";
      l += c;
      if (i + 1 < width.size()) l += std::string(width[i] - c.size() + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(t.header);
  for (const auto& row : t.rows) line(row);
  return out;
}

std::string RenderCsv(const Table& t) {
  std::string out = CsvRecord(t.header);
  for (const auto& r : t.rows) out += CsvRecord(r);
  return out;
}

std::string CliUser() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "unknown";
}

bool ParseFormat(const std::string& text, Format& out) {
  if (text == "table")
    out = Format::kTable;
  else if (text == "json")
    out = Format::kJson;
  else if (text == "csv")
    out = Format::kCsv;
  else
    return false;
  return true;
}

}  // namespace liqwatch::cli
