// Store::RearmFiringDeliveries (store.h): the outbox side of re-sending still-firing alerts.
#include "store/store.h"
#include "store/try.h"

namespace liqwatch::store {

Result<int> Store::RearmFiringDeliveries(const std::string& notifier, TimePoint now,
                                         Duration interval) {
  // The newest delivery per firing alert: an older one re-sent after a newer event (an
  // escalation) would post stale severity.
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?2, "
                   "refreshed_at = ?2, last_error = NULL "
                   "WHERE id IN (SELECT max(d.id) FROM deliveries d "
                   "  JOIN alert_events e ON e.id = d.event_id JOIN alerts a ON a.id = e.alert_id "
                   "  WHERE a.state = 'firing' AND d.notifier = ?1 GROUP BY a.id) "
                   "AND ((status = 'delivered' AND delivered_at <= ?3) OR "
                   "     (status = 'dead' AND coalesce(refreshed_at, created_at) <= ?3))"));
  st.Bind(1, notifier).Bind(2, FormatTime(now)).Bind(3, FormatTime(now - interval));
  LW_RETURN_IF_ERROR(st.Run());
  return db_->Changes();
}

}  // namespace liqwatch::store
