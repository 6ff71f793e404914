// The changes an operator makes to alerting, from the CLI or the HTTP API: add or expire a
// silence, acknowledge an alert. Each writes its audit row (store.h AuditEntry) in the same
// transaction as the change, so a change is never without its row and a failed change leaves
// neither.
//
// Contract: run on the thread that owns `s` (the daemon's store worker, or the CLI's own
// connection). `actor` says who ("token@ADDR", "loopback@ADDR", "cli:USER") and must never
// carry a secret. Errors as the underlying call: NotFound for an unknown id, FailedPrecondition
// for a silence already ended.
#pragma once

#include <string>

#include "core/status.h"
#include "core/time.h"
#include "notify/silences.h"
#include "store/store.h"

namespace liqwatch::notify {

// Stores `silence`; returns its id.
Result<int64_t> AddSilenceAudited(store::Store& s, const Silence& silence, const std::string& actor,
                                  TimePoint now);
// Ends silence `id` now (notify/silences.h ExpireSilence).
Status ExpireSilenceAudited(store::Store& s, int64_t id, const std::string& actor, TimePoint now);
// Records an acknowledgement of alert `alert_id` (store.h AckAlert); returns the event id.
Result<int64_t> AckAlertAudited(store::Store& s, int64_t alert_id, const std::string& comment,
                                const std::string& actor, TimePoint now);

}  // namespace liqwatch::notify
