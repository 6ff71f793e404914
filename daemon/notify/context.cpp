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

std::shared_ptr<const AlertCatalog> AlertCatalog::Build(const config::Config& c) {
  auto cat = std::make_shared<AlertCatalog>();
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
  std::string sev = severity;
  std::transform(sev.begin(), sev.end(), sev.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  std::string out = fmt::format("[{}] {} {}: {} {}", resolved() ? "RESOLVED" : sev, rule, kind,
                                series_name, value_text);
  if (!threshold_text.empty()) out += fmt::format(" (threshold {})", threshold_text);
  out += " on " + obs_date;
  return out;
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
  v.description = r ? r->description : "";
  auto fmt_value = [dim](const std::optional<double>& x) {
    return x ? FormatValue(*x, dim) : std::string("n/a");
  };
  v.value_text = fmt_value(job.value);
  if (job.threshold) {
    v.threshold_text = fmt_value(job.threshold);
    if (r && !r->op.empty()) v.threshold_text = r->op + " " + v.threshold_text;
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
