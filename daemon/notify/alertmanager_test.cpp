#include "notify/alertmanager.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "config/config.h"

namespace liqwatch::notify {
namespace {

std::shared_ptr<const AlertCatalog> Catalog() {
  auto loaded = config::LoadConfigFromString(R"(sources:
  fred: {type: fred}
series:
  - {id: hy_oas, source: fred, remote_id: BAMLH0A0HYM2, unit: percent, description: "HY OAS"}
rules:
  - name: oas_widening
    series: hy_oas
    op: ">"
    threshold: 3.0
    description: "HY spreads wide"
)",
                                             "t.yaml");
  EXPECT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors[0].ToString());
  return AlertCatalog::Build(*loaded.config);
}

store::DeliveryJob Job(const std::string& kind) {
  store::DeliveryJob j;
  j.delivery_id = 7;
  j.event_id = 12;
  j.alert_id = 3;
  j.rule = "oas_widening";
  j.labels = "bucket=hy,alertname=spoof";
  j.kind = kind;
  j.severity = "warning";
  j.series = "hy_oas";
  j.value = 3.1;
  j.threshold = 3.0;
  j.obs_date = "2025-10-28";
  j.eval_time = "2025-10-28T14:03:07.123Z";
  j.message = "hy_oas 3.10% > 3.00%: HY spreads wide";
  j.idempotency_key = "0123456789abcdef0123456789abcdef";
  j.alert_opened_at = "2025-10-27T14:00:00.000Z";
  return j;
}

boost::json::object Post(const store::DeliveryJob& j, const std::string& dashboard) {
  auto cat = Catalog();
  auto v = boost::json::parse(AlertmanagerAlerts(j, MakeView(j, *cat), dashboard));
  EXPECT_TRUE(v.is_array());
  EXPECT_EQ(v.as_array().size(), 1u);
  return v.as_array().at(0).as_object();
}

TEST(Alertmanager, FiringPostHasIdentityLabelsAnnotationsAndNoEnd) {
  auto a = Post(Job("firing"), "https://liqwatch.example");
  const auto& labels = a.at("labels").as_object();
  EXPECT_EQ(labels.at("alertname"), "oas_widening");  // an instance label cannot replace it
  EXPECT_EQ(labels.at("severity"), "warning");
  EXPECT_EQ(labels.at("series"), "hy_oas");
  EXPECT_EQ(labels.at("bucket"), "hy");
  EXPECT_EQ(labels.at("instance"), "oas_widening{bucket=hy,alertname=spoof}");
  EXPECT_EQ(labels.size(), 5u);  // nothing node-specific (no event key, no host)
  const auto& ann = a.at("annotations").as_object();
  EXPECT_EQ(ann.at("description"), "HY spreads wide");
  EXPECT_EQ(ann.at("value"), "3.10%");
  EXPECT_EQ(ann.at("threshold"), "> 3.00%");
  EXPECT_EQ(ann.at("observation_date"), "2025-10-28");
  EXPECT_EQ(ann.at("event_key"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(ann.at("source"), "https://fred.stlouisfed.org/series/BAMLH0A0HYM2");
  EXPECT_EQ(ann.at("dashboard"), "https://liqwatch.example/#series=hy_oas");
  EXPECT_NE(std::string(ann.at("summary").as_string()).find("oas_widening"), std::string::npos);
  EXPECT_EQ(a.at("startsAt"), "2025-10-27T14:00:00.000Z");  // when the episode opened
  EXPECT_EQ(a.at("generatorURL"), "https://liqwatch.example/#series=hy_oas");
  EXPECT_FALSE(a.contains("endsAt"));
}

TEST(Alertmanager, ResolvedOrLateRetryOfAResolvedAlertCarriesEndsAt) {
  auto r = Post(Job("resolved"), "");
  EXPECT_EQ(r.at("endsAt"), "2025-10-28T14:03:07.123Z");
  EXPECT_FALSE(r.contains("generatorURL"));
  EXPECT_FALSE(r.at("annotations").as_object().contains("dashboard"));
  // A firing event delivered after its alert resolved must not re-open it.
  auto late = Job("firing");
  late.alert_resolved_at = "2025-10-29T14:00:00.000Z";
  EXPECT_EQ(Post(late, "").at("endsAt"), "2025-10-29T14:00:00.000Z");
}

TEST(Alertmanager, AuthorizationBasicOrBearer) {
  config::AlertmanagerConfig am;
  EXPECT_EQ(AlertmanagerAuthorization(am), "");
  am.username = "desk";
  am.password = "s3cret-pw";
  EXPECT_EQ(AlertmanagerAuthorization(am), "Basic ZGVzazpzM2NyZXQtcHc=");
  am.username = "a";
  am.password = std::nullopt;
  EXPECT_EQ(AlertmanagerAuthorization(am), "Basic YTo=");
  am.bearer_token = "tok";
  EXPECT_EQ(AlertmanagerAuthorization(am), "Bearer tok");
}

}  // namespace
}  // namespace liqwatch::notify
