#include "notify/context.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "config/rules_config.h"

namespace liqwatch::notify {

std::string SeriesPage(const std::string& source_type, const std::string& remote_id) {
  if (remote_id.empty()) return {};
  if (source_type == "fred") return "https://fred.stlouisfed.org/series/" + remote_id;
  return {};
}

namespace {

// Cuts `s` to at most `max` characters (UTF-8 code points), ending with "…" when cut.
std::string CutToWidth(const std::string& s, std::size_t max) {
  std::size_t chars = 0, i = 0, keep = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++chars == max) keep = i;
  }
  if (chars <= max) return s;
  return s.substr(0, keep) + "…";
}

std::size_t Width(const std::string& s) {
  return std::size_t(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// ">= 15bp (crit 25bp)": the level of the alert's severity first, the other one's value after.
std::string LevelText(const RuleInfo::Levels& l, bool critical) {
  auto value = [](const std::string& level) { return level.substr(level.rfind(' ') + 1); };
  const std::string& first = critical && !l.crit.empty() ? l.crit
                             : l.warn.empty()            ? l.crit
                                                         : l.warn;
  const std::string& other = &first == &l.crit ? l.warn : l.crit;
  if (first.empty() || other.empty()) return first;
  return fmt::format("{} ({} {})", first, &first == &l.crit ? "warn" : "crit", value(other));
}

}  // namespace

std::shared_ptr<const AlertCatalog> AlertCatalog::Build(const config::Config& c) {
  auto cat = std::make_shared<AlertCatalog>();
  cat->dashboard_url_ = c.dashboard_url;
  cat->desk_ = config::DeskUnits::Build(c);
  for (const auto& s : c.series) {
    SeriesInfo info;
    info.description = s.description;
    info.remote_id = s.remote_id;
    info.dimension = DimensionOf(s.unit);
    if (const auto* src = c.FindSource(s.source)) info.link = SeriesPage(src->type, s.remote_id);
    cat->series_[s.id] = std::move(info);
  }
  // A derived series (sofr_iorb = sofr - iorb) is an alert's series too: it has the dimension
  // its expression yields, so 0.16 reads as 0.16%, and no source page.
  if (c.rule_set) {
    for (const auto& d : c.rule_set->derived) {
      SeriesInfo info;
      info.description = d.description;
      info.dimension = d.series.dimension;
      cat->series_[d.id] = std::move(info);
    }
  }
  for (const auto& r : c.rules) {
    RuleInfo info;
    info.description = r.description;
    // A single-comparison rule names its series; an expression rule does not.
    if (!r.series.empty()) info.op = std::string(config::ComparisonText(r.op));
    info.in_bp = cat->desk_.RuleInBasisPoints(r.name);
    if (r.expr && c.rule_set) {
      for (const auto& inst : r.expr->instances) {
        const std::string series = c.rule_set->ClockId(inst);
        auto level = [&](const auto& cond) {
          return cond ? cat->desk_.ConditionLevel(cond->text, series) : std::string();
        };
        info.levels[inst.labels] = {level(inst.warn), level(inst.crit)};
      }
    }
    cat->rules_[r.name] = std::move(info);
  }
  return cat;
}

const RuleInfo* AlertCatalog::Rule(const std::string& name) const {
  auto it = rules_.find(name);
  return it == rules_.end() ? nullptr : &it->second;
}

const SeriesInfo* AlertCatalog::Series(const std::string& id) const {
  auto it = series_.find(id);
  return it == series_.end() ? nullptr : &it->second;
}

std::string AlertView::Summary() const {
  constexpr std::size_t kMaxWidth = 80;
  std::string sev = severity;
  std::transform(sev.begin(), sev.end(), sev.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  std::string out = fmt::format("[{}] {} {}: {} {}", resolved() ? "RESOLVED" : sev, rule, kind,
                                series, value_text);
  if (!threshold_text.empty()) out += fmt::format(" (level {})", threshold_text);
  const std::string dated = out + " on " + obs_date;
  if (Width(dated) <= kMaxWidth) return dated;
  return CutToWidth(out, kMaxWidth);
}

std::string AlertView::Observed() const {
  if (description.empty()) return message;
  if (message == description) return {};
  const std::string suffix = ": " + description;
  if (message.size() > suffix.size() &&
      message.compare(message.size() - suffix.size(), suffix.size(), suffix) == 0)
    return message.substr(0, message.size() - suffix.size());
  return message;
}

AlertView MakeView(const store::DeliveryJob& job, const AlertCatalog& catalog) {
  AlertView v;
  v.event_id = job.event_id;
  v.alert_id = job.alert_id;
  v.rule = InstanceName(job.rule, job.labels);  // which instance, for a for_each rule
  v.severity = job.severity;
  v.kind = job.kind;
  v.state = job.kind == "resolved" ? "resolved" : "firing";
  v.series = job.series;
  v.obs_date = job.obs_date;
  v.event_time = job.eval_time;
  v.message = job.message;
  v.idempotency_key = job.idempotency_key;
  const SeriesInfo* s = catalog.Series(job.series);
  const RuleInfo* r = catalog.Rule(job.rule);
  Dimension dim = s ? s->dimension : Dimension::kIndex;
  v.series_name = s && !s->remote_id.empty() ? s->remote_id : job.series;
  if (s && !s->description.empty()) v.series_name += " (" + s->description + ")";
  v.unit = std::string(UnitName(CanonicalUnit(dim)));
  v.link = s ? s->link : "";
  if (!catalog.dashboard_url().empty()) {
    if (job.alert_id)
      v.dashboard_link = fmt::format("{}/#alert={}", catalog.dashboard_url(), *job.alert_id);
    v.chart_link = catalog.dashboard_url() + "/#series=" + job.series;
  }
  v.description = r ? r->description : "";
  // One formatting layer (config/desk_units.h): as the CLI, the API and the dashboard show it.
  auto fmt_value = [&](const std::optional<double>& x) {
    return config::OrNa(
        x, [&](double d) { return catalog.desk().AlertValue(job.rule, job.series, d); });
  };
  v.value_text = fmt_value(job.value);
  if (job.threshold) {
    v.threshold_text = fmt_value(job.threshold);
    if (r && !r->op.empty()) v.threshold_text = r->op + " " + v.threshold_text;
  }
  v.level_text = v.threshold_text;
  if (r && r->op.empty()) {
    if (auto it = r->levels.find(job.labels); it != r->levels.end())
      v.level_text = LevelText(it->second, job.severity == "critical");
  }
  return v;
}

std::map<std::string, std::string> Placeholders(const AlertView& v) {
  return {
      {"rule", v.rule},
      {"severity", v.severity},
      {"kind", v.kind},
      {"state", v.state},
      {"series", v.series},
      {"series_name", v.series_name},
      {"unit", v.unit},
      {"value", v.value_text},
      {"threshold", v.threshold_text},
      {"observation_date", v.obs_date},
      {"event_time", v.event_time},
      {"description", v.description},
      {"message", v.message},
      {"link", v.link},
      {"event_id", std::to_string(v.event_id)},
      {"alert_id", v.alert_id ? std::to_string(*v.alert_id) : std::string()},
      {"summary", v.Summary()},
      {"dashboard_link", v.dashboard_link},
      {"chart_link", v.chart_link},
  };
}

std::string EscapeMarkup(const std::string& s, bool quotes) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        if (quotes) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace liqwatch::notify
