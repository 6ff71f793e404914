#include "notify/slack.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json.h"
#include "notify/template.h"
#include "notify/webhook.h"

namespace liqwatch::notify {

std::string TruncateUtf8(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  static const std::string kEllipsis = "\xE2\x80\xA6";  // U+2026
  std::size_t cut = max_bytes >= kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Back up to the start of a character (continuation bytes are 10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + (max_bytes >= kEllipsis.size() ? kEllipsis : "");
}

std::string SlackEscape(const std::string& s) { return EscapeMarkup(s, false); }

namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  return s;
}

std::string Emoji(const AlertView& v) {
  if (v.resolved()) return ":white_check_mark:";
  if (v.severity == "critical") return ":rotating_light:";
  if (v.severity == "warning") return ":warning:";
  return ":information_source:";
}

boost::json::object PlainText(const std::string& text, std::size_t max) {
  return {{"type", "plain_text"}, {"text", TruncateUtf8(text, max)}, {"emoji", true}};
}

boost::json::object Mrkdwn(const std::string& text, std::size_t max) {
  return {{"type", "mrkdwn"}, {"text", TruncateUtf8(text, max)}};
}

std::string HeaderText(const AlertView& v) {
  return fmt::format("{} {}: {}", Emoji(v), v.resolved() ? "RESOLVED" : Upper(v.severity), v.rule);
}

// The section for one alert: description + what was observed, and the facts as fields.
boost::json::object AlertSection(const AlertView& v, const std::string& text) {
  std::string body;
  if (!text.empty()) {
    body = SlackEscape(text);
  } else {
    // The description once, in bold, then what was observed.
    if (!v.description.empty()) body += "*" + SlackEscape(v.description) + "*";
    const std::string observed = v.Observed();
    if (!observed.empty()) body += (body.empty() ? "" : "\n") + SlackEscape(observed);
    if (v.resolved()) body = "*Resolved.* " + body;
  }
  if (body.empty()) body = SlackEscape(v.Summary());
  std::string series = v.link.empty() ? SlackEscape(v.series_name)
                                      : fmt::format("<{}|{}>", v.link, SlackEscape(v.series_name));
  boost::json::array fields;
  fields.push_back(Mrkdwn("*Value*\n" + SlackEscape(v.value_text), kSlackMaxFieldText));
  // An expression rule shows the level its conditions compare against (">= 15bp (crit
  // 25bp)"); a rule comparing nothing (late($series)) has no field rather than "n/a".
  if (!v.level_text.empty())
    fields.push_back(Mrkdwn("*Threshold*\n" + SlackEscape(v.level_text), kSlackMaxFieldText));
  fields.push_back(Mrkdwn("*Observation date*\n" + v.obs_date, kSlackMaxFieldText));
  fields.push_back(Mrkdwn("*Series*\n" + series, kSlackMaxFieldText));
  fields.push_back(Mrkdwn("*Severity*\n" + v.severity, kSlackMaxFieldText));
  fields.push_back(Mrkdwn("*State*\n" + v.kind, kSlackMaxFieldText));
  return {{"type", "section"},
          {"text", Mrkdwn(body, kSlackMaxSectionText)},
          {"fields", std::move(fields)}};
}

boost::json::object Context(const AlertView& v) {
  std::string text =
      fmt::format("liqwatch · event {}{} · {} · unit {}", v.event_id,
                  v.alert_id ? fmt::format(" · alert {}", *v.alert_id) : "", v.event_time, v.unit);
  // Where to act: the alert's detail view (silence button), its chart, the source's page.
  std::vector<std::string> links;
  if (!v.dashboard_link.empty())
    links.push_back(fmt::format("<{}|details & silence>", v.dashboard_link));
  if (!v.chart_link.empty()) links.push_back(fmt::format("<{}|chart>", v.chart_link));
  if (!v.link.empty()) links.push_back(fmt::format("<{}|source>", v.link));
  for (const auto& l : links) text += " · " + l;
  boost::json::array elements;
  elements.push_back(Mrkdwn(text, kSlackMaxSectionText));
  return {{"type", "context"}, {"elements", std::move(elements)}};
}

}  // namespace

std::string SlackPayload(const std::vector<AlertView>& alerts, const std::string& text) {
  boost::json::array blocks;
  std::string fallback;
  if (alerts.size() == 1) {
    const AlertView& v = alerts[0];
    blocks.push_back({{"type", "header"}, {"text", PlainText(HeaderText(v), kSlackMaxHeaderText)}});
    blocks.push_back(AlertSection(v, text));
    blocks.push_back(Context(v));
    fallback = v.Summary();
  } else {
    std::size_t firing = 0;
    for (const auto& v : alerts) firing += v.resolved() ? 0 : 1;
    std::string head = fmt::format(":bell: {} liqwatch alerts ({} firing, {} resolved)",
                                   alerts.size(), firing, alerts.size() - firing);
    // One rule's instances opening together (a rule's group wait): "stale_feed × 8 firing".
    auto rule_of = [](const AlertView& v) { return v.rule.substr(0, v.rule.find('{')); };
    const std::string rule = rule_of(alerts[0]);
    if (std::all_of(alerts.begin(), alerts.end(), [&](const AlertView& v) {
          return rule_of(v) == rule && v.severity == alerts[0].severity && !v.resolved();
        }))
      head = fmt::format("{} {}: {} × {} firing", Emoji(alerts[0]), Upper(alerts[0].severity), rule,
                         alerts.size());
    blocks.push_back({{"type", "header"}, {"text", PlainText(head, kSlackMaxHeaderText)}});
    fallback = head;
    // Each alert takes a section and a context block; keep one block for the overflow note.
    std::size_t shown = 0;
    for (const auto& v : alerts) {
      if (blocks.size() + 3 > kSlackMaxBlocks) break;
      std::string header = "*" + SlackEscape(HeaderText(v)) + "*\n";
      boost::json::object section = AlertSection(v, text);
      std::string inner(section["text"].as_object()["text"].as_string());
      section["text"] = Mrkdwn(header + inner, kSlackMaxSectionText);
      blocks.push_back(std::move(section));
      blocks.push_back(Context(v));
      ++shown;
    }
    if (shown < alerts.size()) {
      blocks.push_back({{"type", "section"},
                        {"text", Mrkdwn(fmt::format("…and {} more alerts; see `liqwatch alerts`.",
                                                    alerts.size() - shown),
                                        kSlackMaxSectionText)}});
    }
  }
  boost::json::object o;
  o["text"] = TruncateUtf8(fallback, kSlackMaxSectionText);
  o["blocks"] = std::move(blocks);
  return WriteJson(o);
}

boost::asio::awaitable<SendResult> SlackNotifier::Deliver(std::vector<AlertView> views,
                                                          std::string text,
                                                          std::string idempotency_key) {
  std::string body = SlackPayload(views, text);
  // Slack ignores unknown headers; the key helps a proxy in between drop duplicates.
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Idempotency-Key", std::move(idempotency_key)}};
  // Named: PostJson keeps a reference to it until it completes.
  const std::string what = "slack " + config_.name;
  auto post = PostJson(http_, clock_, config_.url, config_.timeout, std::move(body),
                       std::move(headers), what);
  SendResult r = co_await std::move(post);
  co_return r;
}

}  // namespace liqwatch::notify
