#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "config/config.h"
#include "config/notify_config.h"
#include "notify/context.h"
#include "notify/email.h"
#include "notify/signature.h"
#include "notify/slack.h"
#include "notify/template.h"
#include "notify/testing.h"
#include "notify/webhook.h"

namespace liqwatch::notify {
namespace {

TEST(Signature, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signature, SignsTimestampDotBody) {
  EXPECT_EQ(WebhookSignature("k", 1700000000, "{}"), "v1=" + HmacSha256Hex("k", "1700000000.{}"));
}

TEST(Template, SubstitutesKnownNamesOnlyAndNeverRescans) {
  std::map<std::string, std::string> vars = {{"rule", "sofr_high"}, {"value", "{{rule}}"}};
  EXPECT_EQ(RenderTemplate("{{rule}}: {{ value }} {{unknown}}!", vars), "sofr_high: {{rule}} !");
  EXPECT_EQ(RenderTemplate("no placeholders", vars), "no placeholders");
  EXPECT_EQ(RenderTemplate("open {{rule", vars), "open {{rule");
}

TEST(Template, CheckReportsUnknownNamesAndUnterminated) {
  EXPECT_EQ(CheckTemplate("{{rule}} {{bogus}}", {"rule"}), std::vector<std::string>{"bogus"});
  EXPECT_EQ(CheckTemplate("{{rule", {"rule"}), std::vector<std::string>{"unterminated {{"});
}

config::Config SofrConfig() {
  config::Config c;
  config::SourceConfig src;
  src.name = "fred";
  src.type = "fred";
  c.sources.push_back(src);
  config::SeriesConfig s;
  s.id = "sofr";
  s.source = "fred";
  s.remote_id = "SOFR";
  s.unit = Unit::kPercent;
  s.description = "Secured Overnight Financing Rate";
  c.series.push_back(s);
  config::RuleConfig r;
  r.name = "sofr_above_4_30";
  r.series = "sofr";
  r.op = config::Comparison::kGreater;
  r.threshold = 4.30;
  r.description = "SOFR above 4.30%";
  c.rules.push_back(r);
  return c;
}

TEST(Template, PlaceholdersMatchTheConfigList) {
  std::vector<std::string> filled, allowed;
  for (const auto& [k, v] : Placeholders(AlertView{})) filled.push_back(k);
  for (auto name : config::kTemplatePlaceholders) allowed.emplace_back(name);
  std::sort(allowed.begin(), allowed.end());
  EXPECT_EQ(filled, allowed);
}

TEST(Context, ViewHasUnitsThresholdAndSourcePage) {
  auto cat = AlertCatalog::Build(SofrConfig());
  AlertView v = MakeView(SofrJob(), *cat);
  EXPECT_EQ(v.value_text, "4.31%");
  EXPECT_EQ(v.threshold_text, "> 4.30%");
  EXPECT_EQ(v.unit, "percent");
  EXPECT_EQ(v.link, "https://fred.stlouisfed.org/series/SOFR");
  EXPECT_EQ(v.description, "SOFR above 4.30%");
  EXPECT_EQ(v.Summary(),
            "[CRITICAL] sofr_above_4_30 firing: sofr 4.31% (level > 4.30%) on 2025-10-28");
}

// The shipped SOFR-over-IORB rule alerts on a derived series.
config::Config DerivedConfig() {
  auto loaded = config::LoadConfigFromString(R"(sources:
  fred: {type: fred}
series:
  - {id: sofr, source: fred, remote_id: SOFR, unit: percent}
  - {id: iorb, source: fred, remote_id: IORB, unit: percent}
derived:
  - {id: sofr_iorb, expr: sofr - iorb, description: "SOFR minus IORB"}
rules:
  - name: sofr_above_iorb
    warn: sofr_iorb >= 15bp
    description: "SOFR 15bp+ over IORB"
)",
                                             "t.yaml");
  EXPECT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors[0].ToString());
  return loaded.config ? *loaded.config : config::Config{};
}

store::DeliveryJob DerivedJob(const std::string& kind = "firing") {
  store::DeliveryJob j = SofrJob(kind);
  j.rule = "sofr_above_iorb";
  j.severity = "warning";
  j.series = "sofr_iorb";
  j.value = 0.15999999999999925;
  j.threshold = std::nullopt;
  j.message = "sofr_iorb = 16bp >= 15bp: SOFR 15bp+ over IORB";
  return j;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

// The value of header `name` in `m`, or "" when absent.
std::string HeaderOf(const EmailMessage& m, const std::string& name) {
  for (const auto& [k, v] : m.headers)
    if (k == name) return v;
  return {};
}

// Undoes EncodeHeaderText: the text of each =?UTF-8?B?...?= word, folding removed.
std::string DecodeEncodedWords(const std::string& s) {
  static const std::string kB64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t at = s.find("=?UTF-8?B?"); at != std::string::npos;
       at = s.find("=?UTF-8?B?", at)) {
    at += 10;
    const std::size_t end = s.find("?=", at);
    uint32_t bits = 0;
    int nbits = 0;
    for (std::size_t i = at; i < end && s[i] != '='; ++i) {
      bits = (bits << 6) | static_cast<uint32_t>(kB64.find(s[i]));
      if ((nbits += 6) >= 8) out += static_cast<char>((bits >> (nbits -= 8)) & 0xFF);
    }
    at = end + 2;
  }
  return out;
}

TEST(Context, DerivedSeriesHasItsUnitAndDescription) {
  auto cat = AlertCatalog::Build(DerivedConfig());
  AlertView v = MakeView(DerivedJob(), *cat);
  EXPECT_EQ(v.value_text, "16bp");  // a rule written in bp reads in bp
  EXPECT_EQ(v.unit, "percent");
  EXPECT_EQ(v.series_name, "sofr_iorb (SOFR minus IORB)");
  EXPECT_EQ(v.link, "");
  EXPECT_EQ(v.Summary(), "[WARNING] sofr_above_iorb firing: sofr_iorb 16bp on 2025-10-28");
}

TEST(Context, SummaryFitsEightyCharacters) {
  AlertView v;
  v.severity = "critical";
  v.kind = "firing";
  v.rule = "stale_feed{after=10d,series=tga_weekly_average_of_the_operating_cash_balance}";
  v.series = "tga_weekly_average_of_the_operating_cash_balance";
  v.value_text = "$873.4bn";
  v.obs_date = "2025-12-31";
  const std::string s = v.Summary();
  EXPECT_EQ(s.substr(0, 40), "[CRITICAL] stale_feed{after=10d,series=t");
  EXPECT_EQ(s.size(), 79u + std::string("…").size()) << s;  // 79 characters and the ellipsis
  EXPECT_EQ(s.find(" on 2025-12-31"), std::string::npos) << "the date goes first";
}

TEST(Context, ObservedIsTheMessageWithoutTheDescription) {
  AlertView v;
  v.description = "SOFR 15bp+ over IORB";
  v.message = "sofr_iorb = 16bp >= 15bp: SOFR 15bp+ over IORB";
  EXPECT_EQ(v.Observed(), "sofr_iorb = 16bp >= 15bp");
  v.message = "sofr 4.31% > 4.30%";  // does not end with the description: kept whole
  EXPECT_EQ(v.Observed(), "sofr 4.31% > 4.30%");
  v.message = v.description;
  EXPECT_EQ(v.Observed(), "");
  v.description.clear();
  EXPECT_EQ(v.Observed(), "SOFR 15bp+ over IORB");
}

TEST(Webhook, BodyKeepsVersion1FieldsAndAddsContext) {
  auto cat = AlertCatalog::Build(SofrConfig());
  auto job = SofrJob();
  auto o = boost::json::parse(WebhookBody(job, MakeView(job, *cat), "")).as_object();
  EXPECT_EQ(o["version"].as_int64(), 1);
  EXPECT_EQ(o["rule"].as_string(), "sofr_above_4_30");
  EXPECT_DOUBLE_EQ(o["value"].as_double(), 4.31);
  EXPECT_EQ(o["state"].as_string(), "firing");
  EXPECT_EQ(o["threshold_text"].as_string(), "> 4.30%");
  EXPECT_EQ(o["link"].as_string(), "https://fred.stlouisfed.org/series/SOFR");
  EXPECT_FALSE(o.contains("text"));
}

TEST(Slack, FiringMessageShape) {
  auto cat = AlertCatalog::Build(SofrConfig());
  auto o = boost::json::parse(SlackPayload({MakeView(SofrJob(), *cat)})).as_object();
  ASSERT_TRUE(o["text"].is_string());
  auto& blocks = o["blocks"].as_array();
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].at("type").as_string(), "header");
  EXPECT_NE(std::string(blocks[0].at("text").at("text").as_string()).find("CRITICAL"),
            std::string::npos);
  EXPECT_EQ(blocks[1].at("type").as_string(), "section");
  std::string fields = boost::json::serialize(blocks[1].at("fields"));
  EXPECT_NE(fields.find("4.31%"), std::string::npos);
  EXPECT_NE(fields.find("&gt; 4.30%"), std::string::npos);  // mrkdwn-escaped
  EXPECT_NE(fields.find("2025-10-28"), std::string::npos);
  EXPECT_NE(fields.find("<https://fred.stlouisfed.org/series/SOFR|SOFR"), std::string::npos);
}

TEST(Slack, ResolvedVariant) {
  auto cat = AlertCatalog::Build(SofrConfig());
  auto o = boost::json::parse(SlackPayload({MakeView(SofrJob("resolved"), *cat)})).as_object();
  std::string header(o["blocks"].as_array()[0].at("text").at("text").as_string());
  EXPECT_NE(header.find("RESOLVED"), std::string::npos);
  EXPECT_NE(header.find(":white_check_mark:"), std::string::npos);
}

TEST(Slack, ExprRuleSectionHasTheDescriptionOnceAndItsLevelAsThreshold) {
  auto cat = AlertCatalog::Build(DerivedConfig());
  for (const char* kind : {"firing", "resolved"}) {
    auto o = boost::json::parse(SlackPayload({MakeView(DerivedJob(kind), *cat)})).as_object();
    std::string text(o["blocks"].as_array()[1].at("text").at("text").as_string());
    EXPECT_EQ(Count(text, "SOFR 15bp+ over IORB"), 1u) << text;
    EXPECT_NE(text.find("*SOFR 15bp+ over IORB*\nsofr_iorb = 16bp &gt;= 15bp"), std::string::npos)
        << text;
    std::string fields = boost::json::serialize(o["blocks"].as_array()[1].at("fields"));
    EXPECT_NE(fields.find("*Value*\\n16bp"), std::string::npos) << fields;
    // The level its condition compares against, in desk units.
    EXPECT_NE(fields.find("*Threshold*\\n&gt;= 15bp\""), std::string::npos) << fields;
  }
}

TEST(Slack, StaysWithinLimits) {
  auto cat = AlertCatalog::Build(SofrConfig());
  auto job = SofrJob();
  job.message = std::string(10000, 'x') + "\xC3\xA9";
  job.rule = std::string(400, 'r');
  std::vector<AlertView> many(120, MakeView(job, *cat));
  for (const auto& views : {std::vector<AlertView>{many[0]}, many}) {
    auto o = boost::json::parse(SlackPayload(views)).as_object();
    auto& blocks = o["blocks"].as_array();
    EXPECT_LE(blocks.size(), kSlackMaxBlocks);
    for (const auto& b : blocks) {
      const auto& type = b.at("type").as_string();
      if (type == "header") {
        EXPECT_LE(b.at("text").at("text").as_string().size(), 150u);
      }
      if (type == "section") {
        EXPECT_LE(b.at("text").at("text").as_string().size(), 3000u);
        if (b.as_object().contains("fields")) {
          EXPECT_LE(b.at("fields").as_array().size(), 10u);
          for (const auto& f : b.at("fields").as_array())
            EXPECT_LE(f.at("text").as_string().size(), 2000u);
        }
      }
    }
    if (views.size() > 1) {
      std::string last(blocks.back().at("text").at("text").as_string());
      EXPECT_NE(last.find("more alerts"), std::string::npos);
    }
  }
}

TEST(Slack, TruncateKeepsUtf8Whole) {
  std::string s = "ab\xC3\xA9\xC3\xA9";  // "abéé", 6 bytes
  EXPECT_EQ(TruncateUtf8(s, 6), s);
  std::string t = TruncateUtf8(s, 5);  // room for 2 bytes + "…"(3)
  EXPECT_EQ(t, "ab\xE2\x80\xA6");
  EXPECT_EQ(SlackEscape("a<b>&c"), "a&lt;b&gt;&amp;c");
}

TEST(Email, DateIsRfc5322InUtc) {
  auto t = ParseTime("2025-10-28T14:03:07.123Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Rfc5322Date(*t), "Tue, 28 Oct 2025 14:03:07 +0000");
}

// libcurl leaves header fields as they are given (it has no RFC 2047 encoder), so these are
// encoded here: ASCII stays readable, other text becomes encoded-words that decode back, the
// address of a From or To stays outside them, and no line break gets into a header.
TEST(Email, HeaderEncoding) {
  EXPECT_EQ(EncodeHeaderText("[CRITICAL] sofr_above_4_30 firing"),
            "[CRITICAL] sofr_above_4_30 firing");
  const std::string subject = "[WARNING] r\xC3\xA8gle " + std::string(60, 'x') + " \xE2\x80\xA6";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u) << encoded;
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
  for (std::size_t pos = 0, next; pos < encoded.size(); pos = next + 2) {
    next = encoded.find("\r\n", pos);
    if (next == std::string::npos) next = encoded.size();
    EXPECT_LE(next - pos, 76u) << encoded;  // folded: every word on a line of its own
    if (next != encoded.size()) {
      EXPECT_EQ(encoded[next + 2], ' ') << encoded;
    }
  }
  EXPECT_EQ(DecodeEncodedWords(EncodeHeaderText("a\r\nBcc: x@y")), "a\r\nBcc: x@y");
  EXPECT_EQ(EncodeAddress("Risk Team <risk@example.com>"), "Risk Team <risk@example.com>");
  const std::string from = EncodeAddress("\"Liquidit\xC3\xA4t\" <alerts@example.com>");
  EXPECT_EQ(from, "=?UTF-8?B?TGlxdWlkaXTDpHQ=?= <alerts@example.com>");
  EXPECT_EQ(DecodeEncodedWords(from), "Liquidit\xC3\xA4t");
}

TEST(Email, MessageHasHeadersAndBothParts) {
  config::NotifierConfig n;
  n.name = "mail";
  n.type = "email";
  n.email.from = "liqwatch <alerts@example.com>";
  n.email.to = {"desk@example.com", "Risk <risk@example.com>"};
  auto cat = AlertCatalog::Build(SofrConfig());
  auto t = ParseTime("2025-10-28T14:03:07Z");
  ASSERT_TRUE(t.ok());
  EmailMessage m = BuildEmail(n, MakeView(SofrJob(), *cat), *t);
  EXPECT_EQ(m.envelope_from, "alerts@example.com");
  EXPECT_EQ(m.envelope_rcpt, (std::vector<std::string>{"desk@example.com", "risk@example.com"}));
  EXPECT_EQ(HeaderOf(m, "Date"), "Tue, 28 Oct 2025 14:03:07 +0000");
  EXPECT_EQ(HeaderOf(m, "Message-ID"), "<0123456789abcdef0123456789abcdef.liqwatch@example.com>");
  EXPECT_EQ(HeaderOf(m, "Subject").rfind("[CRITICAL] sofr_above_4_30 firing", 0), 0u);
  EXPECT_EQ(HeaderOf(m, "From"), "liqwatch <alerts@example.com>");
  EXPECT_EQ(HeaderOf(m, "To"), "desk@example.com, Risk <risk@example.com>");
  EXPECT_EQ(HeaderOf(m, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(HeaderOf(m, "X-Liqwatch-Idempotency-Key"), "0123456789abcdef0123456789abcdef");
  EXPECT_NE(m.text.find("sofr_above_4_30"), std::string::npos) << m.text;
  EXPECT_EQ(m.html.rfind("<!DOCTYPE html>", 0), 0u) << m.html;
}

TEST(Email, BothPartsShowTheDescriptionOnce) {
  config::NotifierConfig n;
  n.email.from = "alerts@example.com";
  n.email.to = {"desk@example.com"};
  auto cat = AlertCatalog::Build(DerivedConfig());
  EmailMessage m = BuildEmail(n, MakeView(DerivedJob(), *cat), Clock::now());
  EXPECT_EQ(Count(m.text, "SOFR 15bp+ over IORB"), 1u) << m.text;
  EXPECT_NE(m.text.find("sofr_iorb = 16bp >= 15bp\n"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("Value:            16bp"), std::string::npos) << m.text;
  EXPECT_EQ(Count(m.html, "SOFR 15bp+ over IORB"), 1u) << m.html;
  EXPECT_NE(m.html.find("<p>sofr_iorb = 16bp &gt;= 15bp</p>"), std::string::npos) << m.html;
}

TEST(Email, BothPartsEndWithTheEventAndAlert) {
  config::NotifierConfig n;
  n.email.from = "alerts@example.com";
  n.email.to = {"desk@example.com"};
  auto cat = AlertCatalog::Build(SofrConfig());
  EmailMessage m = BuildEmail(n, MakeView(SofrJob(), *cat), Clock::now());
  EXPECT_NE(m.text.find("liqwatch, event 12, alert 3\n"), std::string::npos) << m.text;
  EXPECT_NE(m.html.find(">liqwatch, event 12, alert 3</p>"), std::string::npos) << m.html;
}

TEST(Email, GroupMessageHasOneSectionPerAlert) {
  config::NotifierConfig n;
  n.email.from = "alerts@example.com";
  n.email.to = {"desk@example.com"};
  auto cat = AlertCatalog::Build(SofrConfig());
  auto a = SofrJob();
  auto b = SofrJob();
  b.rule = "sofr_other";
  b.idempotency_key = "ffffffffffffffffffffffffffffffff";
  EmailMessage m = BuildGroupEmail(n, {MakeView(a, *cat), MakeView(b, *cat)}, Clock::now());
  EXPECT_EQ(HeaderOf(m, "Subject"), "[liqwatch] 2 alerts: sofr_above_4_30, sofr_other");
  EXPECT_EQ(HeaderOf(m, "Message-ID"), "<0123456789abcdef0123456789abcdef.liqwatch@example.com>");
  EXPECT_NE(m.text.find("sofr_other"), std::string::npos);
  EXPECT_NE(m.html.find("sofr_other"), std::string::npos);
}

// With api.dashboard_url every channel links the alert's detail view (its silence button) and
// chart; without it, none does.
TEST(Context, DashboardLinksInEveryChannel) {
  config::Config c = SofrConfig();
  AlertView plain = MakeView(SofrJob(), *AlertCatalog::Build(c));
  EXPECT_EQ(plain.dashboard_link, "");
  EXPECT_EQ(WebhookBody(SofrJob(), plain, "").find("#alert="), std::string::npos);
  c.dashboard_url = "https://liqwatch.example:8443";
  AlertView v = MakeView(SofrJob(), *AlertCatalog::Build(c));
  EXPECT_EQ(v.dashboard_link, "https://liqwatch.example:8443/#alert=3");
  EXPECT_EQ(v.chart_link, "https://liqwatch.example:8443/#series=sofr");
  EXPECT_NE(SlackPayload({v}).find("<https://liqwatch.example:8443/#alert=3|details & silence>"
                                   " · <https://liqwatch.example:8443/#series=sofr|chart>"
                                   " · <https://fred.stlouisfed.org/series/SOFR|source>"),
            std::string::npos)
      << SlackPayload({v});
  auto hook = boost::json::parse(WebhookBody(SofrJob(), v, "")).as_object();
  EXPECT_EQ(hook["dashboard_link"].as_string(), "https://liqwatch.example:8443/#alert=3");
  EXPECT_EQ(hook["chart_link"].as_string(), "https://liqwatch.example:8443/#series=sofr");
  config::NotifierConfig n;
  n.email.from = "alerts@example.com";
  n.email.to = {"desk@example.com"};
  const EmailMessage mail = BuildEmail(n, v, Clock::now());
  EXPECT_NE(mail.text.find("Details, silence: https://liqwatch.example:8443/#alert=3\n"),
            std::string::npos)
      << mail.text;
  EXPECT_NE(mail.html.find("<a href=\"https://liqwatch.example:8443/#series=sofr\">chart</a>"),
            std::string::npos)
      << mail.html;
}

}  // namespace
}  // namespace liqwatch::notify
