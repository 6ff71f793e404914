// Shared by the expr tests only: a catalog of real funding series and small history builders.
#pragma once

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "rules/expr/program.h"
#include "rules/expr/series.h"

namespace liqwatch::expr::testing {

inline Date D(std::string_view s) {
  auto d = ParseDate(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date{};
}

inline TimePoint T(std::string_view s) {
  auto t = ParseTime(s);
  EXPECT_TRUE(t.ok()) << s;
  return t.ok() ? *t : TimePoint{};
}

inline std::vector<Point> Points(std::vector<std::pair<const char*, double>> rows) {
  std::vector<Point> out;
  for (auto [date, value] : rows) out.push_back(Point{D(date), value});
  return out;
}

// A file from tests/testdata/feeds ("date,value", blank = missing), scaled to canonical units.
inline std::vector<Point> LoadShared(const std::string& name, double scale = 1.0) {
  std::ifstream in(std::string(LIQWATCH_FEED_DATA_DIR) + "/" + name);
  if (!in) throw std::runtime_error("test fixture missing: tests/testdata/feeds/" + name);
  std::vector<Point> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.size() <= 11) continue;
    out.push_back(Point{D(line.substr(0, 10)), std::stod(line.substr(11)) * scale});
  }
  return out;
}

// Real SOFR, 2025-10-14..2025-11-28 (no rows on the Nov 11 and Nov 27 holidays).
inline std::vector<Point> Sofr() {
  return Points(
      {{"2025-10-14", 4.19}, {"2025-10-15", 4.29}, {"2025-10-16", 4.30}, {"2025-10-17", 4.18},
       {"2025-10-20", 4.16}, {"2025-10-21", 4.23}, {"2025-10-22", 4.21}, {"2025-10-23", 4.24},
       {"2025-10-24", 4.24}, {"2025-10-27", 4.27}, {"2025-10-28", 4.31}, {"2025-10-29", 4.27},
       {"2025-10-30", 4.04}, {"2025-10-31", 4.22}, {"2025-11-03", 4.13}, {"2025-11-04", 4.00},
       {"2025-11-05", 3.91}, {"2025-11-06", 3.92}, {"2025-11-07", 3.93}, {"2025-11-10", 3.95},
       {"2025-11-12", 3.98}, {"2025-11-13", 4.00}, {"2025-11-14", 3.95}, {"2025-11-17", 4.00},
       {"2025-11-18", 3.94}, {"2025-11-19", 3.91}, {"2025-11-20", 3.91}, {"2025-11-21", 3.93},
       {"2025-11-24", 3.96}, {"2025-11-25", 4.01}, {"2025-11-26", 4.05}, {"2025-11-28", 4.12}});
}

// Real IORB, published every calendar day: 4.15 until the Oct 30 cut, then 3.90.
inline std::vector<Point> Iorb() {
  std::vector<Point> out;
  for (Date d = D("2025-10-14"); d <= D("2025-11-30"); d += std::chrono::days(1))
    out.push_back(Point{d, d < D("2025-10-30") ? 4.15 : 3.90});
  return out;
}

struct World {
  SeriesCatalog catalog;
  int sofr, iorb, rrp, wresbal, walcl, tga, vix;
  InMemoryHistory history{0};

  World() {
    sofr = *catalog.Add({"sofr", Dimension::kRate});
    iorb = *catalog.Add({"iorb", Dimension::kRate});
    rrp = *catalog.Add({"rrp", Dimension::kMoney});
    wresbal = *catalog.Add({"wresbal", Dimension::kMoney});
    walcl = *catalog.Add({"walcl", Dimension::kMoney});
    tga = *catalog.Add({"tga", Dimension::kMoney});
    vix = *catalog.Add({"vix", Dimension::kIndex});
    history = InMemoryHistory(catalog.size());
    EXPECT_TRUE(history.Set(sofr, Sofr()).ok());
    EXPECT_TRUE(history.Set(iorb, Iorb()).ok());
  }

  Program Compile(std::string_view text) {
    auto p = expr::Compile(text, catalog);
    EXPECT_TRUE(p.ok()) << text << ": " << p.status().message();
    return p.ok() ? std::move(p).value() : Program();
  }

  // Only for values: a NoData reason would point into the temporary Program.
  Outcome Eval(std::string_view text, std::string_view as_of,
               std::string_view now = "2025-12-01T00:00:00Z") {
    return Compile(text).Evaluate(history, D(as_of), T(now));
  }

  // The value, or NaN (and a test failure) for NoData.
  double Number(std::string_view text, std::string_view as_of) {
    Program p = Compile(text);  // outlives the NoData reason below
    Outcome r = p.Evaluate(history, D(as_of), T("2025-12-01T00:00:00Z"));
    EXPECT_TRUE(r.has_value()) << text << " as of " << as_of << ": "
                               << (r.is_no_data() ? r.no_data().ToString() : "");
    return r.has_value() ? r.number() : std::nan("");
  }

  // The NoData reason, or "" (and a test failure) for a value.
  std::string Reason(std::string_view text, std::string_view as_of) {
    Program p = Compile(text);
    Outcome r = p.Evaluate(history, D(as_of), T("2025-12-01T00:00:00Z"));
    EXPECT_TRUE(r.is_no_data()) << text << " as of " << as_of << " = " << r.number();
    return r.is_no_data() ? r.no_data().ToString() : "";
  }
};

}  // namespace liqwatch::expr::testing
