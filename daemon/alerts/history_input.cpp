#include "alerts/history_input.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "core/units.h"

namespace liqwatch::alerts {

Status LoadCsv(const std::string& path, Unit unit, std::vector<expr::Point>& out) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::string line;
  int n = 0;
  const size_t first = out.size();
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1) {
      if (line != "date,value") return Status::ParseError(path + ":1: expected header date,value");
      continue;
    }
    if (line.empty()) continue;
    auto comma = line.find(',');
    auto date = ParseDate(line.substr(0, comma));
    if (comma == std::string::npos || !date.ok())
      return Status::ParseError(fmt::format("{}:{}: expected YYYY-MM-DD,value", path, n));
    std::string v = line.substr(comma + 1);
    if (v.empty() || v == ".") continue;
    try {
      size_t used = 0;
      double x = std::stod(v, &used);
      if (used != v.size()) throw std::invalid_argument(v);
      out.push_back({*date, ToCanonical(x, unit)});
    } catch (const std::exception&) {
      return Status::ParseError(fmt::format("{}:{}: bad value '{}'", path, n, v));
    }
  }
  std::stable_sort(out.begin() + std::ptrdiff_t(first), out.end(),
                   [](const expr::Point& a, const expr::Point& b) { return a.date < b.date; });
  return Status::Ok();
}

Status LoadDataDir(const config::Config& c, const std::string& dir, FetchedHistory& out) {
  for (const auto& s : c.series) {
    std::vector<expr::Point> pts;
    Status st = LoadCsv(dir + "/" + s.id + ".csv", s.unit, pts);
    if (st.code() == Status::Code::kNotFound) continue;  // no file: the series has no history
    if (!st.ok()) return st;
    out[s.id] = std::move(pts);
  }
  return Status::Ok();
}

}  // namespace liqwatch::alerts
