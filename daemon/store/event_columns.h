// The alert_events columns that make an AlertEventFields, and their reader: one list for the
// outbox (Store::DueDeliveries) and for alert history (Store::AlertEvents, SeriesEvents).
// Internal to store/.
#pragma once

#include "store/sqlite.h"
#include "store/store.h"

namespace liqwatch::store {

// With alert_events aliased `e`, in ReadEventFields' order.
inline constexpr const char* kEventFieldColumns =
    "e.alert_id, e.rule, e.labels, e.kind, e.severity, e.series, e.value, e.threshold, "
    "e.obs_date, e.eval_time, e.message";
inline constexpr int kEventFieldCount = 11;

// Reads kEventFieldColumns from `st`, the first at column `first`.
inline void ReadEventFields(const Statement& st, int first, AlertEventFields& e) {
  if (!st.IsNull(first)) e.alert_id = st.Int(first);
  e.rule = st.Text(first + 1);
  e.labels = st.Text(first + 2);
  e.kind = st.Text(first + 3);
  e.severity = st.Text(first + 4);
  e.series = st.Text(first + 5);
  e.value = st.OptDouble(first + 6);
  e.threshold = st.OptDouble(first + 7);
  e.obs_date = st.Text(first + 8);
  e.eval_time = st.Text(first + 9);
  e.message = st.Text(first + 10);
}

}  // namespace liqwatch::store
