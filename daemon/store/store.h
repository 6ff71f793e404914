// The liqwatch store: observations, rule state, alerts, events, the delivery outbox and source
// health, in one SQLite file (WAL mode).
//
// Contract:
// - Open() creates the file if needed, applies migrations and enables WAL (read-write), or
//   checks the schema version (read-only). A database newer than this binary is refused.
// - Every method returns a Status/Result; SQLite errors (disk full, I/O, locked) come back as
//   kIoError with SQLite's message. A failed write changes nothing: each method that writes
//   several rows does so in one transaction.
// - A Store is used by one thread at a time. In the daemon that is the store worker thread
//   (see store/worker.h), so no write ever runs on the event loop; a CLI process opens its own.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"
#include "core/units.h"
#include "store/sqlite.h"

namespace liqwatch::store {

// Who delivers a batch of observations (Store::IngestObservations): the config source's
// name, and whether it is the series' fallback (a second feed of the same series).
struct Provenance {
  std::string source;  // "" : not recorded
  bool fallback = false;
};

// A fallback's print that differed from the stored value for the date, which was kept.
struct Disagreement {
  std::string series;
  Date obs_date{};
  std::string source;  // the fallback
  std::optional<double> value;
  std::string kept_source;
  std::optional<double> kept_value;
  TimePoint seen_at{};
};

struct IngestStats {
  int inserted = 0;
  int revised = 0;
  int unchanged = 0;
  int not_used = 0;  // fallback prints for dates another source delivered (also unchanged)
  // New dates and revised values, in date order: what the rules must look at.
  std::vector<Observation> changed;
};

// One row of observation_revisions: the value of (series, obs_date) changed from old_value to
// new_value when it was seen at seen_at (nullopt = missing).
struct Revision {
  std::string series;
  Date obs_date{};
  std::optional<double> old_value;
  std::optional<double> new_value;
  TimePoint seen_at{};
};

struct RuleState {
  std::string rule;
  std::string labels;
  AlertState state = AlertState::kInactive;
  TimePoint since{};
  std::optional<int64_t> alert_id;
  std::optional<std::string> last_obs_date;
  std::optional<double> last_value;
  std::optional<TimePoint> last_notified_at;
};

// A rule changing state, as decided by the alert state machine.
struct Transition {
  std::string rule;
  std::string labels;
  std::string series;
  std::string kind;  // firing, resolved, reminder, pending, no_data, inactive
  AlertState from = AlertState::kInactive;
  AlertState to = AlertState::kInactive;
  Severity severity = Severity::kWarning;
  std::optional<double> value;
  std::optional<double> threshold;
  Date obs_date{};
  TimePoint eval_time{};
  std::string message;
};

struct RecordedTransition {
  int64_t event_id = 0;
  std::optional<int64_t> alert_id;
  int deliveries = 0;
  std::string event_key;  // store/event_key.h
};

// One pending outbox row joined with its event.
// What an alert event says (a row of alert_events): read for the outbox (DeliveryJob) and for
// an alert's history (AlertEventRow).
struct AlertEventFields {
  std::optional<int64_t> alert_id;
  std::string rule;
  std::string labels;  // the rule instance's for_each labels ("k=v,k2=v2"), or ""
  std::string kind;    // firing, resolved, reminder, ..., ack (an operator acknowledgement)
  std::string severity;
  std::string series;
  std::optional<double> value;
  std::optional<double> threshold;
  std::string obs_date;
  std::string eval_time;
  std::string message;  // for kind "ack": the operator's comment
};

struct DeliveryJob : AlertEventFields {
  int64_t delivery_id = 0;
  std::string notifier;
  int attempts = 0;
  TimePoint created_at{};
  std::string idempotency_key;
  int64_t event_id = 0;
  // The alert episode as it stands when the delivery is read (Alertmanager posts the alert's
  // current state, so a late retry of a firing event cannot re-open a resolved alert).
  std::optional<std::string> alert_opened_at;
  std::optional<std::string> alert_resolved_at;
  bool refresh = false;  // re-armed to re-send a still-firing alert (RearmFiringDeliveries)
};

// Where a page of alert history ends: the (opened_at, id) of its last (oldest) row. The next
// page starts strictly after it in newest-first order, so rows inserted meanwhile (newer) do
// not shift it.
struct AlertCursor {
  std::string opened_at;  // as stored (FormatTime)
  int64_t id = 0;
};

struct AlertQuery {
  std::optional<AlertCursor> after;  // only rows older than this cursor
  std::optional<TimePoint> since;    // opened at or after
  std::optional<TimePoint> until;    // opened before
  std::optional<std::string> rule;
  std::optional<std::string> state;  // firing, resolved
  std::optional<std::string> severity;
  std::optional<std::string> series;
  std::optional<std::string> text;  // substring of the message
  int limit = 100;
};

struct AlertRow {
  int64_t id = 0;
  std::string rule;
  std::string labels;
  std::string series;
  std::string severity;
  std::string state;
  std::string opened_at;
  std::optional<std::string> resolved_at;
  std::string first_obs_date;
  std::string last_obs_date;
  std::optional<double> value;
  std::optional<double> threshold;
  std::string message;
  int deliveries_pending = 0;
  int deliveries_delivered = 0;
  int deliveries_dead = 0;
};

// One row of alert_events (alerts show, GET /api/v1/alerts/{id}).
struct AlertEventRow : AlertEventFields {
  int64_t id = 0;
  std::string from_state;
  std::string to_state;
};

// One audit row (store_audit.cpp): a change made by an operator through the API or the CLI.
struct AuditEntry {
  int64_t id = 0;
  std::string at;      // UTC ISO-8601
  std::string actor;   // "token@ADDR", "loopback@ADDR", "cli:USER"; never a secret
  std::string action;  // silence.add, silence.expire, alert.ack
  std::string target;  // "silence 12", "alert 7"
  std::string detail;  // what changed, JSON
};

// One outbox row: a delivery of one event to one notifier, with its attempt history summary.
struct DeliveryRow {
  int64_t id = 0;
  int64_t event_id = 0;
  std::string notifier;
  std::string status;  // pending, delivered, dead
  int attempts = 0;
  std::string next_attempt_at;
  std::optional<std::string> last_error;
  std::string created_at;
  std::optional<std::string> delivered_at;
};

struct SourceHealthRow {
  std::string series;
  std::string source;
  std::optional<std::string> last_attempt_at;
  std::optional<std::string> last_success_at;
  std::optional<std::string> last_error_at;
  std::optional<std::string> last_error;
  int consecutive_failures = 0;
  std::optional<std::string> last_new_observation_at;
  int64_t polls = 0;
  int64_t errors = 0;
};

// Successful polls of one series whose answer was the one already stored, not yet written.
struct UnchangedPolls {
  std::string series;
  std::string source;
  TimePoint last{};  // the newest of them
  int64_t count = 0;
};

// The newest stored observation of a series.
struct LatestObservation {
  std::string series;
  std::string obs_date;
  std::optional<double> value;
  std::string unit;
  std::string updated_at;
};

// Each series' newest date with a value, from Store::LatestObservations().
std::map<std::string, Date> NewestDates(const std::vector<LatestObservation>& latest);

struct PruneStats {
  int64_t alerts = 0;
  int64_t events = 0;
  int64_t deliveries = 0;
  int64_t revisions = 0;
};

// One silence (notify/silences.h): deliveries of `rule` (or "*") whose event labels carry
// every k=v of `matchers` are held from starts_at until ends_at (UTC, as stored).
struct Silence {
  int64_t id = 0;
  std::string rule;      // rule name or "*"
  std::string matchers;  // "k=v,k2=v2" (may be empty)
  std::string starts_at;
  std::string ends_at;
  std::string comment;
  std::string created_by;
  std::string created_at;
  bool active = false;  // filled by Silences(): starts_at <= now < ends_at
  // Where else it lives: "NOTIFIER=ID,..." per Alertmanager it was pushed to; "" = local only.
  std::string pushed_to;
};

// The newest silenced firing/reminder delivery of a still-firing alert, per notifier.
struct SilencedDelivery {
  int64_t delivery_id = 0;
  std::string notifier;
  std::string rule;
  std::string labels;
};

// One rule_memory row: an expression rule instance's engine memory (alerts/memory.h maps it to
// alerts::RuleMemory). breach_start is stored only while breach_count > 0.
struct RuleMemoryRow {
  AlertState state = AlertState::kInactive;
  Severity severity = Severity::kWarning;
  Date since_date{};
  int breach_count = 0;
  std::optional<Date> breach_start;
  std::optional<TimePoint> last_notified;
  std::optional<Date> last_obs;
};

// A stored series at a glance (`liqwatch series` without ID).
struct SeriesSummary {
  std::string series;
  std::string unit;
  int64_t observations = 0;
  std::string first_date;
  std::string last_date;
};

// One stored observation with its revisions, oldest first (`liqwatch series ID`).
struct StoredObservation {
  struct Change {
    std::optional<double> old_value;
    std::optional<double> new_value;
    std::string seen_at;
  };
  std::string obs_date;
  std::optional<double> value;
  std::string unit;
  bool provisional = false;
  std::string fetched_at;
  std::string updated_at;
  std::string source;  // provenance: the config source that delivered the value ("": unknown)
  std::vector<Change> revisions;
};

// One broken rule of the store's invariant (Store::CheckConsistency): what and which rows.
struct ConsistencyViolation {
  std::string check;   // e.g. "firing_state_without_open_alert"
  std::string detail;  // the rows, e.g. "rule=r labels=\"\" alert_id=NULL"
};

class Store {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  static Result<std::unique_ptr<Store>> Open(const std::string& path, Mode mode);

  // Runs fn() (which returns Status or Result<T>, and uses this Store) as one transaction:
  // everything it writes is committed together if it returns ok, and nothing is if it returns
  // an error or the commit fails (the process dying midway leaves nothing either). Store
  // methods called inside keep their own atomicity as savepoints (store/sqlite.h
  // Transaction). The daemon runs each poll's ingest + evaluation + outbox rows + rule memory
  // + health row, each age-timer evaluation and each retirement of removed rules through this,
  // which is what makes evaluation exactly-once across crashes (see CheckConsistency).
  template <typename Fn>
  auto Atomically(Fn&& fn) -> decltype(fn()) {
    auto tx = Transaction::Begin(*db_);
    if (!tx.ok()) return tx.status();
    auto r = fn();
    if (!r.ok()) return r;  // ~Transaction rolls back
    if (auto st = (*tx)->Commit(); !st.ok()) return st;
    return r;
  }

  // The invariant every committed state satisfies (each unit of evaluation is one
  // transaction, so a crash cannot break it): alerts, rule_state, rule_memory and the events
  // agree.
  //  1. a rule_state in firing points (alert_id) at an alert of the same rule and labels that
  //     is open (state firing);
  //  2. an open alert is the one its rule_state (firing) points at: at most one per instance;
  //  3. rule_memory (expression rules) is in the state rule_state records, or inactive where
  //     no rule_state exists (no transition recorded yet);
  //  4. every delivery's event exists;
  //  5. every event that opens, continues or closes an alert (to firing, kind resolved,
  //     reminder, escalated, deescalated) carries its alert_id.
  // Read-only. Returns every violation found (at most 20 rows per check), empty if none.
  Result<std::vector<ConsistencyViolation>> CheckConsistency();

  // Observations. Same value again: unchanged. New value for a stored date: a revision row
  // plus the update. `unit` is the canonical unit the values are in. A batch with a
  // non-finite value or a date twice is refused whole (InvalidArgument naming series and
  // date), nothing stored. Each stored value keeps `from.source` as its provenance.
  // One series fed by two sources (`from.fallback` marks the second): a fallback print for a
  // date another source already delivered is not a new print: the stored value is kept and
  // nothing is reported changed; a different value is recorded once as a Disagreement (and
  // logged). A fallback print for a date nothing delivered yet is stored like any print. A
  // primary print for a date the fallback delivered takes it over: the same value is not a
  // change (only the provenance moves), a different one is a revision.
  Result<IngestStats> IngestObservations(const std::string& series, Unit unit,
                                         const std::vector<Observation>& observations,
                                         TimePoint now, const Provenance& from = {});
  // The disagreements recorded for `series` (by date).
  Result<std::vector<Disagreement>> Disagreements(const std::string& series);
  // The newest stored date of `series`; with `source`, of the values that source delivered.
  Result<std::optional<Date>> LastObservationDate(const std::string& series,
                                                  const std::optional<std::string>& source = {});
  // Stored history in date order, from `since` (inclusive) if given.
  Result<std::vector<Observation>> History(const std::string& series, std::optional<Date> since);
  // Every stored revision of `series`, oldest seen first (ties: by obs_date, then insertion).
  // Prune() drops revisions seen before its cutoff: history before that is as last revised.
  Result<std::vector<Revision>> Revisions(const std::string& series);

  // Rule state and transitions.
  Result<std::optional<RuleState>> GetRuleState(const std::string& rule, const std::string& labels);
  // In one transaction: the event row, the alert row (opened on firing, closed on resolved),
  // the rule state, and one pending delivery per notifier.
  Result<RecordedTransition> RecordTransition(const Transition& t,
                                              const std::vector<std::string>& notifiers);

  // How many rules (and label sets) are in `state` now.
  Result<int> CountRulesInState(AlertState state);

  // Outbox.
  Result<std::vector<DeliveryJob>> DueDeliveries(TimePoint now, int limit);
  Result<std::optional<TimePoint>> NextDeliveryTime();
  Status MarkDelivered(int64_t delivery_id, TimePoint now);
  Status MarkRetry(int64_t delivery_id, TimePoint next_attempt, const std::string& error);
  Status MarkDead(int64_t delivery_id, TimePoint now, const std::string& error);
  // Re-send of still-firing alerts (store_refresh.cpp), for notifiers whose receiver forgets
  // an alert that is not repeated (Alertmanager's resolve_timeout). Writes, in one statement:
  // for every firing alert, the newest delivery of its events to `notifier`, when delivered
  // (or dead) at or before now - interval, goes back to 'pending' now with attempts 0 and
  // refreshed_at = now. Pending, silenced and skipped deliveries are left alone. Returns how
  // many were re-armed.
  Result<int> RearmFiringDeliveries(const std::string& notifier, TimePoint now, Duration interval);

  // Source health: one row per polled series (the daemon records only configured series,
  // never the per-operation series a NY Fed operations poll also stores).
  Status RecordPollSuccess(const std::string& series, const std::string& source, TimePoint now,
                           bool new_observations);
  Status RecordPollFailure(const std::string& series, const std::string& source, TimePoint now,
                           const std::string& error);
  // Writes, in one transaction: for each entry, what `count` RecordPollSuccess(series,
  // source, t, false) calls would, the last at `last`: the daemon notes unchanged polls in
  // memory and writes them together (app.cpp kHealthFlushEvery).
  Status RecordUnchangedPolls(const std::vector<UnchangedPolls>& polls);
  // Writes, in one transaction: deletes the source_health and http_validators rows of every
  // series not in `keep` (the daemon passes its configured series at start and on reload), so
  // status views list only what is polled. Observations and revisions are never touched.
  // Returns the series whose health row was deleted, sorted.
  Result<std::vector<std::string>> ForgetUnpolledSeries(const std::vector<std::string>& keep);

  // Conditional-GET validators per (series, request URL), kept across restarts. The URL is
  // stored and matched with its credentials redacted (core/log.h RedactUrl, then
  // ScrubSecrets): a key in it never reaches the database, and URLs differing only in a
  // credential share validators. nullopt when none are stored.
  Result<std::optional<HttpValidators>> GetHttpValidators(const std::string& series,
                                                          const std::string& url);
  // Writes, in one transaction: stores the validators of a response to `url` (replacing any),
  // or deletes them when `v` is empty; then keeps only the series' kValidatorUrlsPerSeries most
  // recently used URLs (an incremental feed URL moves on with its dates).
  Status SaveHttpValidators(const std::string& series, const std::string& url,
                            const HttpValidators& v, TimePoint now);
  static constexpr int kValidatorUrlsPerSeries = 4;

  // History queries (newest first). A `text` filter is answered through the alert_fts index
  // (migration 0009) when it is 3+ characters and rare, else by reading messages newest first.
  Result<std::vector<AlertRow>> QueryAlerts(const AlertQuery& q);

  // Operator views (store_api.cpp). Read-only unless stated.
  Result<std::optional<AlertRow>> GetAlert(int64_t id);
  // Every event of the alert (acks included), oldest first.
  Result<std::vector<AlertEventRow>> AlertEvents(int64_t alert_id);
  // Every delivery of every event of the alert, oldest first.
  Result<std::vector<DeliveryRow>> AlertDeliveries(int64_t alert_id);
  // Writes: records an acknowledgement as an alert_events row of kind "ack" (no deliveries).
  // NotFound if there is no such alert.
  Result<int64_t> AckAlert(int64_t alert_id, const std::string& comment, TimePoint now);
  // Alert events of kind firing/resolved on `series` with obs_date >= since (if given), by
  // obs_date: the dashboard's markers.
  Result<std::vector<AlertEventRow>> SeriesEvents(const std::string& series,
                                                  std::optional<Date> since);
  Result<std::vector<SourceHealthRow>> SourceHealth();
  Result<std::vector<RuleState>> RuleStates();
  Result<std::vector<LatestObservation>> LatestObservations();
  // (status, count) for every delivery status present.
  Result<std::vector<std::pair<std::string, int64_t>>> DeliveryCounts();
  // Writes, in one transaction: deletes resolved alerts resolved before `before` with their
  // events and deliveries, events outside any alert evaluated before `before` (and their
  // deliveries, unless pending), and observation revisions seen before `before`. Firing
  // alerts, pending deliveries and observations are kept.
  Result<PruneStats> Prune(TimePoint before);
  // Copies the whole database to `path` with SQLite's online backup API (consistent snapshot,
  // safe while the daemon writes). Overwrites `path`, except that a `path` which is this
  // database or one of its -wal/-shm/-journal files (same inode or same resolved path) is
  // refused with kInvalidArgument and nothing is written.
  Status BackupTo(const std::string& path);

  // Every stored series with its unit, observation count and date range, by series.
  Result<std::vector<SeriesSummary>> SeriesSummaries();
  // The stored observations of `series` from `since` (inclusive) if given, by date, each with
  // its revisions in the order they were recorded.
  Result<std::vector<StoredObservation>> StoredObservations(const std::string& series,
                                                            std::optional<Date> since);
  // Whether any observation of `series` is stored (a typo or a derived series has none).
  Result<bool> HasObservations(const std::string& series);
  // SQLite's integrity check: ok, or kIoError naming the first problem found.
  Status CheckIntegrity();
  // A trivial read: ok when the database answers (readiness probes).
  Status Ping();

  // Rule memory of expression rules (store_memory.cpp; alerts/memory.h is the engine's view).
  // nullopt for an instance never evaluated. Save upserts; Delete is a no-op if absent.
  Result<std::optional<RuleMemoryRow>> GetRuleMemory(const std::string& rule,
                                                     const std::string& labels);
  Status SaveRuleMemory(const std::string& rule, const std::string& labels, const RuleMemoryRow& m);
  Status DeleteRuleMemory(const std::string& rule, const std::string& labels);

  // Silences and the outbox gate's writes (store_silences.cpp; notify/silences.h holds the
  // matching and the rules). Each write is one statement, so atomic.
  Result<int64_t> AddSilence(const Silence& s);
  // NotFound if there is no silence `id`.
  Status SetSilencePushedTo(int64_t id, const std::string& pushed_to);
  Result<std::optional<Silence>> GetSilence(int64_t id);
  // Silences ending after `now` (with `all`, every one), newest first, `active` filled in.
  Result<std::vector<Silence>> Silences(TimePoint now, bool all);
  // Silences of `rule` or "*" in force at `now`, the one ending last first.
  Result<std::vector<Silence>> SilencesInForce(const std::string& rule, TimePoint now);
  // Ends silence `id` at `now` (starts_at moves back to now if it was later).
  Status EndSilence(int64_t id, TimePoint now);
  // Earliest end of a silence not yet ended by the wall clock, nullopt if none.
  Result<std::optional<TimePoint>> NextSilenceEnd();
  // The for_each labels of event `event_id` ("" if there is no such event).
  Result<std::string> EventLabels(int64_t event_id);
  // A pending delivery becomes 'skipped' (at `now`) or 'silenced' (until `until`, as stored in
  // the silence) with `why` as its last error. No-op unless it is pending.
  Status MarkSkipped(int64_t delivery_id, TimePoint now, const std::string& why);
  Status MarkSilenced(int64_t delivery_id, const std::string& until, const std::string& why);
  Result<std::vector<SilencedDelivery>> SilencedFiringDeliveries();
  // A silenced delivery goes back to 'pending' at `now`; false if it was not silenced.
  Result<bool> ReleaseSilencedDelivery(int64_t delivery_id, TimePoint now);
  // Moves a pending delivery's next attempt to `when` without counting an attempt.
  Status DeferDelivery(int64_t delivery_id, TimePoint when);

  // Audit (store_audit.cpp). AddAudit writes one row (the caller runs it in the transaction of
  // the change it records, see Atomically) and returns its id; AuditLog reads the newest
  // `limit` rows, newest first.
  Result<int64_t> AddAudit(const AuditEntry& e);
  Result<std::vector<AuditEntry>> AuditLog(int limit);

  int schema_version() const { return schema_version_; }

 private:
  // Whether `text` is long enough for the trigram index and in few enough messages that the
  // index is the faster way to a page (store_api.cpp).
  Result<bool> TextIsRare(const std::string& text);
  // The connection stays inside store/: every query is a named method above. store/testing.h
  // lends it to tests that must reach past the API (fault injection, raw row checks).
  friend class TestAccess;
  Store(std::unique_ptr<Database> db, int version) : db_(std::move(db)), schema_version_(version) {}
  std::unique_ptr<Database> db_;
  int schema_version_;
};

}  // namespace liqwatch::store
