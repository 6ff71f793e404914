// What a notification shows about an alert event, beyond the outbox row itself.
//
// Contract: AlertCatalog is built once per config (on start and on reload) from the rules, series
// and derived series: rule descriptions and comparisons, series names, units (a derived series:
// the dimension its expression yields) and public source pages. It
// is immutable afterwards and shared by every notifier (thread-safe to read). MakeView() joins
// a DeliveryJob with the catalog into display-ready text; a rule or series missing from the
// catalog (removed by a reload while its delivery was pending) degrades to the raw values.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/desk_units.h"
#include "core/units.h"
#include "store/store.h"

namespace liqwatch::notify {

struct RuleInfo {
  std::string description;
  std::string op;  // ">", ">=", "<", "<=" for single-comparison rules; empty for expressions
  // The rule's levels are written in bp ("sofr_iorb >= 15bp"): its values and threshold are
  // spreads and read in bp, as a desk quotes them.
  bool in_bp = false;
  // Per instance (by labels): the level each condition compares against, in desk units
  // (config::DeskUnits::ConditionLevel), ">= 15bp"; "" when it has none or no such condition.
  struct Levels {
    std::string warn, crit;
  };
  std::map<std::string, Levels> levels;
};

struct SeriesInfo {
  std::string description;  // "Secured Overnight Financing Rate"
  std::string remote_id;    // "SOFR"
  Dimension dimension = Dimension::kIndex;
  std::string link;  // public page, e.g. https://fred.stlouisfed.org/series/SOFR
};

class AlertCatalog {
 public:
  static std::shared_ptr<const AlertCatalog> Build(const config::Config& c);
  const RuleInfo* Rule(const std::string& name) const;
  const SeriesInfo* Series(const std::string& id) const;
  const std::string& dashboard_url() const { return dashboard_url_; }  // api.dashboard_url
  const config::DeskUnits& desk() const { return desk_; }

 private:
  std::string dashboard_url_;
  config::DeskUnits desk_;
  std::map<std::string, RuleInfo> rules_;
  std::map<std::string, SeriesInfo> series_;
};

// The public web page of a series for a source type ("fred" -> fred.stlouisfed.org/series/ID);
// empty when unknown.
std::string SeriesPage(const std::string& source_type, const std::string& remote_id);

struct AlertView {
  int64_t event_id = 0;
  std::optional<int64_t> alert_id;
  std::string rule;            // rule name, "name{k=v}" for a for_each instance
  std::string severity;        // info, warning, critical
  std::string kind;            // firing, resolved, reminder, ...
  std::string state;           // firing or resolved
  std::string series;          // liqwatch id
  std::string series_name;     // description, or the id
  std::string unit;            // canonical unit name: percent, usd_bn, index, count
  std::string value_text;      // desk units: "4.31%", "$1.012tn", "16bp" (a bp rule), "n/a"
  std::string threshold_text;  // "> 4.30%", or "15bp" for expression rules, or ""
  // The level that decides, with the other level: the threshold of a single-comparison rule,
  // ">= 15bp (crit 25bp)" for an expression rule (">= 25bp (warn 15bp)" when critical), ""
  // when its conditions compare nothing (late($series)).
  std::string level_text;
  std::string obs_date;     // YYYY-MM-DD
  std::string event_time;   // ISO-8601 UTC
  std::string description;  // the rule's description (may be empty)
  std::string message;      // the alert message from the rules
  std::string link;         // series source page (may be empty)
  // With api.dashboard_url: the alert's detail view (timeline, silence button) and the chart
  // of its series; empty without it.
  std::string dashboard_link;  // DASHBOARD/#alert=ID
  std::string chart_link;      // DASHBOARD/#series=SERIES
  std::string idempotency_key;
  bool resolved() const { return kind == "resolved"; }
  // The message without the rule description it ends with (the rules append ": description"):
  // what was observed, "sofr_iorb = 16bp >= 15bp", for channels that show the description
  // on a line of its own. The whole message when it does not end with the description.
  std::string Observed() const;
  // One line that fits an email subject or a phone's notification (at most 80 characters):
  // "[CRITICAL] sofr_above_4_30 firing: sofr 4.31% (level > 4.30%) on 2025-10-28". The date
  // goes first, then the tail is cut with "…", when the line would be longer.
  std::string Summary() const;
};

AlertView MakeView(const store::DeliveryJob& job, const AlertCatalog& catalog);

// The {{placeholders}} a message template may use, with their values for `v`.
std::map<std::string, std::string> Placeholders(const AlertView& v);

// Escapes &, < and > as HTML entities (what Slack mrkdwn requires), and " too when `quotes`
// (HTML attribute-safe, for email).
std::string EscapeMarkup(const std::string& s, bool quotes);

}  // namespace liqwatch::notify
