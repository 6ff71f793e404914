#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/notify_config.h"
#include "core/log.h"

namespace liqwatch::config {
namespace {

const char* kBase = R"(sources:
  fred:
    type: fred
series:
  - id: sofr
    source: fred
    remote_id: SOFR
    unit: percent
rules:
  - name: sofr_high
    series: sofr
    op: ">"
    threshold: 4.5
notifiers:
)";

LoadResult Load(const std::string& notifiers) {
  return LoadConfigFromString(std::string(kBase) + notifiers, "n.yaml");
}

std::vector<std::string> Errors(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.ToString());
  return out;
}

TEST(NotifyConfig, ReadsWebhookSlackAndEmail) {
  setenv("LW_NC_HMAC", "hmac-key-123", 1);
  setenv("LW_NC_SLACK", "https://hooks.slack.com/services/T0/B0/xyz", 1);
  setenv("LW_NC_PASS", "smtp-pass-456", 1);
  auto r = Load(R"(  hook:
    type: webhook
    url: http://127.0.0.1:9/h
    secret: ${env:LW_NC_HMAC}
    send_resolved: false
    rate_limit: 10/1h
    template: "{{rule}} is {{state}}"
  chat:
    type: slack
    url: ${env:LW_NC_SLACK}
  mail:
    type: email
    url: smtps://smtp.example.com:465
    from: "liqwatch <alerts@example.com>"
    to: [desk@example.com, risk@example.com]
    username: alerts
    password: ${env:LW_NC_PASS}
)");
  ASSERT_TRUE(r.config) << ::testing::PrintToString(Errors(r));
  const auto& n = r.config->notifiers;
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0].type, "webhook");
  EXPECT_EQ(n[0].signing_secret.value_or(""), "hmac-key-123");
  EXPECT_FALSE(n[0].send_resolved);
  EXPECT_EQ(n[0].rate_limit_count, 10);
  EXPECT_EQ(n[0].rate_limit_period, std::chrono::hours(1));
  EXPECT_EQ(n[1].rate_limit_count, 0);
  EXPECT_EQ(n[0].message_template, "{{rule}} is {{state}}");
  EXPECT_EQ(n[1].type, "slack");
  EXPECT_TRUE(n[1].send_resolved);
  EXPECT_EQ(n[2].type, "email");
  EXPECT_EQ(n[2].url, "smtps://smtp.example.com:465");
  EXPECT_EQ(n[2].email.to.size(), 2u);
  EXPECT_EQ(n[2].email.password.value_or(""), "smtp-pass-456");
  EXPECT_EQ(n[2].email.starttls, "required");
  EXPECT_EQ(ScrubSecrets("x smtp-pass-456 hmac-key-123"), "x [redacted] [redacted]");
}

TEST(NotifyConfig, ReportsErrorsWithPositions) {
  unsetenv("LW_NC_UNSET");
  auto r = Load(R"(  a:
    type: pager
    url: http://x
  b:
    type: slack
    url: http://x
    secret: nope
  c:
    type: email
    url: http://mail.example.com
    from: nobody
    to: []
    starttls: maybe
  d:
    type: webhook
    url: http://x
    secret: ${env:LW_NC_UNSET}
)");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(Errors(r),
              ::testing::ElementsAre(
                  "n.yaml:16:11: notifiers.a.type: unknown notifier type 'pager', expected "
                  "webhook, slack, email or alertmanager",
                  "n.yaml:21:5: notifiers.b: unknown key 'secret', expected one of type, url, "
                  "timeout, send_resolved, deliver_after_silence, rate_limit, template, group_wait",
                  "n.yaml:24:10: notifiers.c.url: malformed SMTP URL 'http://mail.example.com', "
                  "expected smtp://host[:port] or smtps://host[:port]",
                  "n.yaml:25:11: notifiers.c.from: malformed address 'nobody', expected "
                  "name@domain or \"Name <name@domain>\"",
                  "n.yaml:26:9: notifiers.c.to: expected at least one recipient",
                  "n.yaml:27:15: notifiers.c.starttls: unknown value 'maybe', expected required, "
                  "optional or off",
                  "n.yaml:31:13: notifiers.d.secret: environment variable LW_NC_UNSET is not set"));
}

TEST(NotifyConfig, TemplateWithUnknownPlaceholderIsAnError) {
  auto r = Load(R"(  hook:
    type: webhook
    url: http://127.0.0.1:9/h
    template: "{{rule}} {{ valeu }}"
)");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ToString(),
            "n.yaml:18:15: notifiers.hook.template: unknown placeholder '{{valeu}}', expected "
            "one of rule, severity, kind, state, series, series_name, unit, value, threshold, "
            "observation_date, event_time, description, message, link, event_id, alert_id, "
            "summary");
}

TEST(NotifyConfig, SmtpUrls) {
  EXPECT_TRUE(IsSmtpUrl("smtp://127.0.0.1:2525"));
  EXPECT_TRUE(IsSmtpUrl("smtps://mail.example.com"));
  EXPECT_FALSE(IsSmtpUrl("smtp://"));
  EXPECT_FALSE(IsSmtpUrl("smtp://user:pw@host"));
  EXPECT_FALSE(IsSmtpUrl("http://host"));
}

TEST(NotifyConfig, ReadsAlertmanager) {
  setenv("LW_NC_AM_PASS", "am-pass-789", 1);
  auto r = Load(R"(  am:
    type: alertmanager
    urls: [http://127.0.0.1:9093/, "http://127.0.0.1:9094"]
    resend_interval: 30s
    dashboard_url: https://liqwatch.example/
    username: desk
    password: ${env:LW_NC_AM_PASS}
    ca_file: /etc/ssl/certs/internal-ca.pem
  am2:
    type: alertmanager
    urls: [https://am.example]
    bearer_token: tok
)");
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].ToString());
  const auto& am = r.config->notifiers[0];
  EXPECT_EQ(am.type, "alertmanager");
  EXPECT_EQ(am.alertmanager.urls,
            (std::vector<std::string>{"http://127.0.0.1:9093", "http://127.0.0.1:9094"}));
  EXPECT_EQ(am.alertmanager.resend_interval, std::chrono::seconds(30));
  EXPECT_EQ(am.alertmanager.dashboard_url, "https://liqwatch.example");
  EXPECT_EQ(am.alertmanager.username, "desk");
  EXPECT_EQ(am.alertmanager.password, "am-pass-789");
  EXPECT_EQ(am.alertmanager.ca_file, "/etc/ssl/certs/internal-ca.pem");
  EXPECT_TRUE(am.send_resolved);
  const auto& am2 = r.config->notifiers[1];
  EXPECT_EQ(am2.alertmanager.resend_interval, std::chrono::minutes(1));  // the default
  EXPECT_EQ(am2.alertmanager.bearer_token, "tok");
  EXPECT_FALSE(am2.alertmanager.username.has_value());
}

TEST(NotifyConfig, AlertmanagerErrorsNameTheKey) {
  auto r = Load(R"(  a:
    type: alertmanager
    url: http://127.0.0.1:9093
  b:
    type: alertmanager
    urls: []
  c:
    type: alertmanager
    urls: [http://ok:9093, "ftp://nope"]
    resend_interval: 500ms
    password: x
  d:
    type: alertmanager
    urls: [http://ok:9093]
    username: u
    bearer_token: t
)");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(
      Errors(r),
      ::testing::ElementsAre(
          "n.yaml:17:5: notifiers.a: unknown key 'url', expected one of type, urls, timeout, "
          "send_resolved, deliver_after_silence, rate_limit, resend_interval, dashboard_url, "
          "username, password, bearer_token, ca_file",
          "n.yaml:20:11: notifiers.b.urls: expected a list of one or more Alertmanager URLs",
          "n.yaml:23:28: notifiers.c.urls[1]: malformed URL, expected http://host/... or "
          "https://host/...",
          "n.yaml:24:22: notifiers.c.resend_interval: must be at least 1s (and shorter than "
          "Alertmanager's resolve_timeout)",
          "n.yaml:25:15: notifiers.c.password: needs notifiers.c.username",
          "n.yaml:30:19: notifiers.d.bearer_token: use either username/password or "
          "bearer_token"));
}

}  // namespace
}  // namespace liqwatch::config
