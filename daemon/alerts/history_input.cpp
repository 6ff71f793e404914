#include "alerts/history_input.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "alerts/replay.h"
#include "core/file.h"
#include "core/units.h"

namespace liqwatch::alerts {

Status LoadCsv(const std::string& path, Unit unit, std::vector<expr::Point>& out) {
  // A data file is read whole, like a config file: a FIFO or /dev/zero named as <series>.csv
  // is refused at once instead of hanging the replay.
  auto text = ReadSmallFile(path, kMaxDataFileBytes);
  if (!text.ok()) {
    const std::string why = "data file " + path + " " + text.status().message();
    return text.status().code() == Status::Code::kNotFound ? Status::NotFound(why)
                                                           : Status::InvalidArgument(why);
  }
  std::istringstream in(*text);
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
      const double canonical = ToCanonical(x, unit);
      if (!std::isfinite(canonical)) throw std::out_of_range(v);  // "inf", "nan", overflow
      out.push_back({*date, canonical});
    } catch (const std::exception&) {
      return Status::ParseError(fmt::format("{}:{}: bad value '{}'", path, n, v));
    }
  }
  std::stable_sort(out.begin() + std::ptrdiff_t(first), out.end(),
                   [](const expr::Point& a, const expr::Point& b) { return a.date < b.date; });
  return Status::Ok();
}

Status LoadDataDir(const config::Config& c, const std::string& dir, FetchedHistory& out,
                   std::vector<std::string>& missing) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return Status::NotFound(fmt::format("data folder {} does not exist", dir));
  for (const auto& s : c.series) {
    std::vector<expr::Point> pts;
    Status st = LoadCsv(dir + "/" + s.id + ".csv", s.unit, pts);
    if (st.code() == Status::Code::kNotFound) {  // no file: the series has no history
      missing.push_back(s.id);
      continue;
    }
    if (!st.ok()) return st;
    out[s.id] = std::move(pts);
  }
  return Status::Ok();
}

std::vector<std::string> RulesReading(const config::Config& c, const std::string& id) {
  std::vector<std::string> out;
  const auto index = c.rule_set ? c.rule_set->catalog.Find(id) : std::nullopt;
  if (!index) return out;
  for (const auto& rule : c.rules) {
    bool reads = false;
    for (const auto& inst : rule.expr->instances)
      reads = reads || c.rule_set->FetchedInputs(inst).count(*index) != 0;
    if (reads) out.push_back(rule.name);
  }
  return out;
}

Result<KnownHistory> KnownHistory::Load(store::Store& s, const config::Config& c) {
  KnownHistory k;
  for (const auto& series : c.series) {
    auto h = s.History(series.id, std::nullopt);
    if (!h.ok()) return h.status();
    auto& values = k.current_[series.id];
    for (const auto& o : *h) values[o.date] = o.value;
    auto revs = s.Revisions(series.id);
    if (!revs.ok()) return revs.status();
    k.revisions_.insert(k.revisions_.end(), revs->begin(), revs->end());
  }
  std::stable_sort(
      k.revisions_.begin(), k.revisions_.end(),
      [](const store::Revision& a, const store::Revision& b) { return a.seen_at < b.seen_at; });
  for (const auto& r : k.revisions_)
    k.seen_days_.push_back(std::chrono::floor<std::chrono::days>(r.seen_at));
  return k;
}

size_t KnownHistory::Epoch(Date date) const {
  return size_t(std::upper_bound(seen_days_.begin(), seen_days_.end(), date) - seen_days_.begin());
}

FetchedHistory KnownHistory::AsKnownOn(Date date) const {
  Values v = current_;
  // Newest first, so the value left is the old value of the first revision seen after `date`.
  for (size_t i = revisions_.size(); i > Epoch(date); --i) {
    const auto& r = revisions_[i - 1];
    auto it = v.find(r.series);
    if (it != v.end()) it->second[r.obs_date] = r.old_value;
  }
  return Points(v);
}

FetchedHistory KnownHistory::Current() const { return Points(current_); }

FetchedHistory KnownHistory::Points(const Values& v) {
  FetchedHistory out;
  for (const auto& [id, values] : v) {
    auto& pts = out[id];
    for (const auto& [date, value] : values)
      if (value) pts.push_back({date, *value});
  }
  return out;
}

std::vector<store::Transition> BacktestAsKnown(const config::Config& c, const KnownHistory& k,
                                               Date from, Date to) {
  auto now = BuildHistory(*c.rule_set, c, k.Current());
  const size_t all = k.Epoch(Date::max());
  std::optional<expr::InMemoryHistory> then;
  size_t epoch = 0;
  auto history_at = [&](Date d) -> const expr::SeriesHistory& {
    size_t e = k.Epoch(d);
    if (e == all) return now;  // no later revision to undo
    if (!then || e != epoch) {
      then.emplace(BuildHistory(*c.rule_set, c, k.AsKnownOn(d)));
      epoch = e;
    }
    return *then;
  };
  return Backtest(c, now, history_at, from, to);
}

}  // namespace liqwatch::alerts
