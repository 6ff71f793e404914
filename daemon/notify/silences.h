// Silences and the outbox gate that applies them (and send_resolved) before a send.
//
// Contract: every function takes the Store (store/store.h) and runs on the thread that owns it:
// the store worker in the daemon, the CLI's own connection in `liqwatch silence ...` (SQLite
// WAL lets the CLI write while the daemon runs). Each write is one statement, so atomic.
// Times are UTC; a silence covers [starts_at, ends_at). Errors are Status values.
//
// A silence matches a delivery when its rule is the event's rule (or "*") and every k=v of its
// matchers appears in the event's labels ("k=v,k2=v2"). A silenced delivery is recorded with
// status 'silenced' (the event and alert are stored as usual) and not sent. When the silence
// ends and the alert is still firing, ReleaseSilenced puts its latest silenced firing/reminder
// delivery back to 'pending' (unless the notifier has deliver_after_silence: false), so the
// desk still hears about an alert that outlived the silence.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace liqwatch::notify {

// The stored silence (store/store.h), under the name its callers know.
using Silence = store::Silence;

// A silence as an operator asks for it (`liqwatch silence add` flags, POST /api/v1/silences).
struct SilenceRequest {
  std::string rule;                 // rule name or "*"
  std::vector<std::string> labels;  // KEY=VALUE each
  std::string duration;             // "for": 30m, 12h, 2d (> 0) ...
  std::string until;                // ... or the end (UTC, in the future); exactly one of them
  std::string comment;
  std::string author;
};

// The silence `r` asks for, starting `now`, or kInvalidArgument "PREFIXNAME: problem" where
// NAME is the field (prefix "--" for CLI flags, "" for API fields). A silence that would end
// at or before `now` is refused: it would silence nothing. Pure.
Result<Silence> MakeSilence(const SilenceRequest& r, TimePoint now, std::string_view name_prefix);

Result<int64_t> AddSilence(store::Store& s, const Silence& silence);
// Active and future silences, newest first; with `all`, ended ones too.
Result<std::vector<Silence>> ListSilences(store::Store& s, TimePoint now, bool all);
// Ends the silence now. NotFound if there is no such id; FailedPrecondition if already ended.
Status ExpireSilence(store::Store& s, int64_t id, TimePoint now);

// Records the Alertmanager silences a silence was pushed to ("NOTIFIER=ID,..."). NotFound if
// there is no such id.
Status SetSilencePushedTo(store::Store& s, int64_t id, const std::string& pushed_to);
// One silence by id, ended or not; NotFound if there is none.
Result<Silence> GetSilence(store::Store& s, int64_t id);

// Where a silence lives: "liqwatch", or "liqwatch+NOTIFIER=ID,..." when also pushed to
// Alertmanager.
std::string SilenceWhere(const Silence& s);
// {"id", "rule", "labels", "starts_at", "ends_at", "comment", "created_by", "created_at",
//  "active", "where"}: `liqwatch silence list --format json` and GET /api/v1/silences.
boost::json::object SilenceJson(const Silence& s);

// True if every "k=v" in `matchers` is one of the comma-separated pairs of `labels`.
bool LabelsMatch(const std::string& matchers, const std::string& labels);

enum class Gate { kSend, kSkipped, kSilenced };
// Decides whether the due delivery `job` is sent now; marks it 'skipped' (resolved events for a
// notifier with send_resolved off) or 'silenced' (next_attempt_at = the silence's end) if not.
Result<Gate> GateDelivery(store::Store& s, const store::DeliveryJob& job, bool send_resolved,
                          TimePoint now, std::string* why);
// Puts silenced deliveries whose silence has ended back to 'pending' when their alert is still
// firing, for notifiers in `notifiers` (those with deliver_after_silence on). Returns how many.
Result<int> ReleaseSilenced(store::Store& s, TimePoint now,
                            const std::vector<std::string>& notifiers);
// Moves a pending delivery's next attempt to `when` without counting an attempt (rate limit).
Status DeferDelivery(store::Store& s, int64_t delivery_id, TimePoint when);
// Earliest time a silenced delivery may be released (to wake the dispatcher).
Result<std::optional<TimePoint>> NextSilenceEnd(store::Store& s);

}  // namespace liqwatch::notify
