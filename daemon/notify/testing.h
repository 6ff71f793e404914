// Test-only fixtures for the notify stage's tests: a delivery as the outbox hands it over.
// Header-only; production code never includes it.
#pragma once

#include <string>

#include "store/store.h"

namespace liqwatch::notify {

// Delivery 7 of event 12 (alert 3): sofr_above_4_30 (critical) on SOFR 4.31% > 4.30% for
// 2025-10-28, of kind `kind`.
inline store::DeliveryJob SofrJob(const std::string& kind = "firing") {
  store::DeliveryJob j;
  j.delivery_id = 7;
  j.event_id = 12;
  j.alert_id = 3;
  j.rule = "sofr_above_4_30";
  j.kind = kind;
  j.severity = "critical";
  j.series = "sofr";
  j.value = 4.31;
  j.threshold = 4.30;
  j.obs_date = "2025-10-28";
  j.eval_time = "2025-10-28T14:03:07.123Z";
  j.message = "sofr 4.31% > 4.30%";
  j.idempotency_key = "0123456789abcdef0123456789abcdef";
  return j;
}

}  // namespace liqwatch::notify
