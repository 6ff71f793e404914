// Tabular output for CLI commands: aligned text tables, CSV (RFC 4180) and JSON.
//
// Contract: a Table is a header plus rows of cells; Render* never fails. JSON output is
// produced by each command from its own typed rows (see docs/cli.md for the stable keys).
#pragma once

#include <string>
#include <vector>

namespace liqwatch::cli {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Columns padded to their widest cell, two spaces apart; cells longer than `max_cell` are
// cut with "..." so a row stays readable in an 80-column terminal.
std::string RenderTable(const Table& t, std::size_t max_cell = 48);
std::string RenderCsv(const Table& t);

// Who runs this command, for silences' author and audit rows: $USER, or "unknown".
std::string CliUser();

enum class Format { kTable, kJson, kCsv };
// Validates --format values: table, json, csv.
bool ParseFormat(const std::string& text, Format& out);

}  // namespace liqwatch::cli
