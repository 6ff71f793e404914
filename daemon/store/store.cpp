#include "store/store.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/log.h"
#include "store/event_columns.h"
#include "store/event_key.h"
#include "store/migrations.h"
#include "store/try.h"

namespace liqwatch::store {

namespace {
constexpr int kCachePages = 256;  // 1 MiB at SQLite's default 4 KiB page

// Two sources' prints of one value agree when equal up to unit-conversion rounding (the NY
// Fed's USD x 1e-9 against FRED's USD bn).
bool SameValue(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return std::fabs(*a - *b) <= 1e-9 * std::max({1.0, std::fabs(*a), std::fabs(*b)});
}

// Last line behind the parsers' checks: nothing non-finite, no date twice in one batch.
Status CheckBatch(const std::string& series, const std::vector<Observation>& observations) {
  std::set<Date> dates;
  for (const auto& o : observations) {
    if (o.value && !std::isfinite(*o.value))
      return Status::InvalidArgument(
          fmt::format("series {}: value {} on {} is not a finite number; nothing stored", series,
                      *o.value, FormatDate(o.date)));
    if (!dates.insert(o.date).second)
      return Status::InvalidArgument(fmt::format(
          "series {}: {} appears twice in one batch; nothing stored", series, FormatDate(o.date)));
  }
  return Status::Ok();
}

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// Writes one batch of a series' observations inside the caller's transaction: a new date is
// inserted, a changed value or provisional flag is revised (with a revision row), a fallback's
// print for a date another source delivered is only compared, and the primary confirming a
// fallback's print takes over its provenance.
class BatchWriter {
 public:
  static Result<BatchWriter> Prepare(Database& db, const std::string& series, Unit unit,
                                     TimePoint now, const Provenance& from) {
    BatchWriter w(db, series, unit, now, from);
    LW_ASSIGN_OR_RETURN(select, db.Prepare("SELECT value, provisional, source FROM observations "
                                           "WHERE series = ?1 AND obs_date = ?2"));
    LW_ASSIGN_OR_RETURN(
        insert,
        db.Prepare(
            "INSERT INTO observations (series, obs_date, value, unit, provisional, fetched_at, "
            "updated_at, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)"));
    LW_ASSIGN_OR_RETURN(
        update, db.Prepare("UPDATE observations SET value = ?3, provisional = ?4, updated_at = ?5, "
                           "source = ?6 WHERE series = ?1 AND obs_date = ?2"));
    LW_ASSIGN_OR_RETURN(take_over, db.Prepare("UPDATE observations SET source = ?3 "
                                              "WHERE series = ?1 AND obs_date = ?2"));
    LW_ASSIGN_OR_RETURN(
        revision,
        db.Prepare(
            "INSERT INTO observation_revisions (series, obs_date, old_value, new_value, seen_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5)"));
    LW_ASSIGN_OR_RETURN(
        disagree,
        db.Prepare("INSERT OR IGNORE INTO observation_disagreements (series, obs_date, source, "
                   "value, kept_source, kept_value, seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    w.select_ = std::move(select);
    w.insert_ = std::move(insert);
    w.update_ = std::move(update);
    w.take_over_ = std::move(take_over);
    w.revision_ = std::move(revision);
    w.disagree_ = std::move(disagree);
    return w;
  }

  Status Write(const Observation& o) {
    const std::string date = FormatDate(o.date);
    select_.Reset().BindAll(series_, date);
    LW_ASSIGN_OR_RETURN(found, select_.Step());
    if (!found) return Insert(o, date);
    const Stored old{select_.OptDouble(0), select_.Int(1) != 0,
                     select_.IsNull(2) ? std::string() : select_.Text(2)};
    // Another source delivered this date: the fallback's print is not a new one.
    if (from_.fallback && old.source != from_.source) return CompareFallback(o, date, old);
    if (!from_.fallback && source_ && old.source != from_.source && SameValue(old.value, o.value) &&
        old.provisional == o.provisional) {
      // The primary confirming the fallback's print: only the provenance moves.
      take_over_.Reset().BindAll(series_, date, source_);
      ++stats_.unchanged;
      return take_over_.Run();
    }
    if (old.value == o.value && old.provisional == o.provisional) {
      ++stats_.unchanged;
      return Status::Ok();
    }
    return Revise(o, date, old);
  }

  IngestStats TakeStats() { return std::move(stats_); }

  // Newly recorded disagreements are logged once per batch, with the first.
  void LogDisagreements() const {
    if (disagreements_ == 0) return;
    Logger("store")->warn(
        "event=source_disagreement series={} source={} dates={} {} (the stored value is kept)",
        series_, from_.source, disagreements_, first_disagreement_);
  }

 private:
  struct Stored {
    std::optional<double> value;
    bool provisional = false;
    std::string source;  // "": not recorded
  };

  BatchWriter(Database& db, const std::string& series, Unit unit, TimePoint now,
              const Provenance& from)
      : db_(&db),
        series_(series),
        unit_name_(UnitName(unit)),
        now_text_(FormatTime(now)),
        from_(from),
        source_(NonEmpty(from.source)) {}

  Status Insert(const Observation& o, const std::string& date) {
    insert_.Reset().BindAll(series_, date, o.value, unit_name_, o.provisional ? 1 : 0, now_text_,
                            source_);
    LW_RETURN_IF_ERROR(insert_.Run());
    ++stats_.inserted;
    stats_.changed.push_back(o);
    return Status::Ok();
  }

  Status CompareFallback(const Observation& o, const std::string& date, const Stored& old) {
    ++stats_.unchanged;
    ++stats_.not_used;
    if (SameValue(old.value, o.value)) return Status::Ok();
    disagree_.Reset().BindAll(series_, date, from_.source, o.value, NonEmpty(old.source), old.value,
                              now_text_);
    LW_RETURN_IF_ERROR(disagree_.Run());
    if (db_->Changes() > 0 && disagreements_++ == 0)
      first_disagreement_ = fmt::format("obs_date={} value={} kept_source={} kept_value={}", date,
                                        o.value ? fmt::format("{}", *o.value) : "null",
                                        old.source.empty() ? "-" : old.source,
                                        old.value ? fmt::format("{}", *old.value) : "null");
    return Status::Ok();
  }

  Status Revise(const Observation& o, const std::string& date, const Stored& old) {
    if (old.value != o.value) {
      revision_.Reset().BindAll(series_, date, old.value, o.value, now_text_);
      LW_RETURN_IF_ERROR(revision_.Run());
    }
    update_.Reset().BindAll(series_, date, o.value, o.provisional ? 1 : 0, now_text_,
                            source_ ? source_ : NonEmpty(old.source));
    LW_RETURN_IF_ERROR(update_.Run());
    ++stats_.revised;
    stats_.changed.push_back(o);
    return Status::Ok();
  }

  Database* db_;
  std::string series_;
  std::string unit_name_;
  std::string now_text_;
  Provenance from_;
  std::optional<std::string> source_;
  Statement select_, insert_, update_, take_over_, revision_, disagree_;
  IngestStats stats_;
  int disagreements_ = 0;
  std::string first_disagreement_;
};

// The text forms a transition is stored with.
struct TransitionText {
  explicit TransitionText(const Transition& t)
      : eval_time(FormatTime(t.eval_time)),
        obs_date(FormatDate(t.obs_date)),
        severity(SeverityName(t.severity)) {}
  std::string eval_time, obs_date, severity;
};

// Opens an alert when `t` starts firing, else updates the open one (resolving it when `t`
// leaves firing). Returns the alert's id, if there is one.
Result<std::optional<int64_t>> WriteAlert(Database& db, const Transition& t,
                                          const TransitionText& text,
                                          std::optional<int64_t> alert_id) {
  if (t.to == AlertState::kFiring && t.from != AlertState::kFiring) {
    LW_ASSIGN_OR_RETURN(
        ins, db.Prepare("INSERT INTO alerts (rule, labels, series, severity, state, opened_at, "
                        "first_obs_date, last_obs_date, value, threshold, message) "
                        "VALUES (?1, ?2, ?3, ?4, 'firing', ?5, ?6, ?6, ?7, ?8, ?9)"));
    ins.BindAll(t.rule, t.labels, t.series, text.severity, text.eval_time, text.obs_date, t.value,
                t.threshold, t.message);
    LW_RETURN_IF_ERROR(ins.Run());
    return std::optional<int64_t>(db.LastInsertId());
  }
  if (!alert_id) return alert_id;
  LW_ASSIGN_OR_RETURN(
      upd, db.Prepare("UPDATE alerts SET last_obs_date = ?2, value = ?3, severity = ?4, "
                      "state = CASE WHEN ?5 THEN 'resolved' ELSE state END, "
                      "resolved_at = CASE WHEN ?5 THEN ?6 ELSE resolved_at END WHERE id = ?1"));
  upd.BindAll(*alert_id, text.obs_date, t.value, text.severity, t.to != AlertState::kFiring ? 1 : 0,
              text.eval_time);
  LW_RETURN_IF_ERROR(upd.Run());
  return alert_id;
}

// Appends the transition to the alert's event log and stamps the event's identity
// (store/event_key.h), from the observation's revision count as stored.
Status WriteEvent(Database& db, const Transition& t, const TransitionText& text,
                  RecordedTransition& out) {
  LW_ASSIGN_OR_RETURN(
      ev, db.Prepare("INSERT INTO alert_events (alert_id, rule, labels, kind, from_state, "
                     "to_state, severity, series, value, threshold, obs_date, eval_time, message) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  ev.BindAll(out.alert_id, t.rule, t.labels, t.kind, AlertStateName(t.from), AlertStateName(t.to),
             text.severity, t.series, t.value, t.threshold, text.obs_date, text.eval_time,
             t.message);
  LW_RETURN_IF_ERROR(ev.Run());
  out.event_id = db.LastInsertId();
  LW_ASSIGN_OR_RETURN(rev, db.Prepare("SELECT count(*) FROM observation_revisions "
                                      "WHERE series = ?1 AND obs_date = ?2"));
  rev.BindAll(t.series, text.obs_date);
  LW_ASSIGN_OR_RETURN(has_row, rev.Step());
  out.event_key = EventKey(t, has_row ? static_cast<int>(rev.Int(0)) : 0);
  LW_ASSIGN_OR_RETURN(key, db.Prepare("UPDATE alert_events SET event_key = ?2 WHERE id = ?1"));
  key.BindAll(out.event_id, out.event_key);
  return key.Run();
}

// One pending delivery per notifier in the outbox; each carries the event's key as its
// Idempotency-Key.
Status QueueDeliveries(Database& db, const std::vector<std::string>& notifiers,
                       const TransitionText& text, RecordedTransition& out) {
  LW_ASSIGN_OR_RETURN(
      del, db.Prepare("INSERT INTO deliveries (event_id, notifier, status, next_attempt_at, "
                      "created_at, idempotency_key) VALUES (?1, ?2, 'pending', ?3, ?3, ?4)"));
  for (const auto& n : notifiers) {
    del.Reset().BindAll(out.event_id, n, text.eval_time, out.event_key);
    LW_RETURN_IF_ERROR(del.Run());
    ++out.deliveries;
  }
  return Status::Ok();
}

// The rule instance's memory after `t`: `since` moves only when the state changes,
// last_notified_at only when notifiers were queued.
Status SaveRuleState(Database& db, const Transition& t, const TransitionText& text,
                     bool state_changed, bool notified, std::optional<int64_t> alert_id) {
  LW_ASSIGN_OR_RETURN(
      rs,
      db.Prepare("INSERT INTO rule_state (rule, labels, state, since, alert_id, last_obs_date, "
                 "last_value, last_notified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                 "CASE WHEN ?9 THEN ?4 END) "
                 "ON CONFLICT (rule, labels) DO UPDATE SET state = excluded.state, "
                 "since = CASE WHEN ?8 THEN excluded.since ELSE since END, "
                 "alert_id = excluded.alert_id, last_obs_date = excluded.last_obs_date, "
                 "last_value = excluded.last_value, "
                 "last_notified_at = CASE WHEN ?9 THEN excluded.since ELSE last_notified_at END"));
  rs.BindAll(t.rule, t.labels, AlertStateName(t.to), text.eval_time,
             t.to == AlertState::kFiring ? alert_id : std::nullopt, text.obs_date, t.value,
             state_changed ? 1 : 0, notified ? 1 : 0);
  return rs.Run();
}
}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, Mode mode) {
  LW_ASSIGN_OR_RETURN(
      db, Database::Open(path, mode == Mode::kReadOnly ? Database::Mode::kReadOnly
                                                       : Database::Mode::kReadWriteCreate));
  auto& d = *db;
  // Page cache per connection: kCachePages x 4 KiB instead of SQLite's 2 MB. The hot pages
  // (recent observations, rule state, the outbox) fit; history reads go to the OS page cache,
  // which is shared and not this process's RSS. No mmap: mapped pages would count as RSS.
  LW_RETURN_IF_ERROR(d.Exec(fmt::format("PRAGMA cache_size = {}", kCachePages)));
  if (mode == Mode::kReadOnly) {
    if (auto s = CheckVersion(d, EmbeddedMigrations()); !s.ok()) return s.WithContext(path);
    return std::unique_ptr<Store>(new Store(std::move(db), LatestVersion(EmbeddedMigrations())));
  }
  // WAL lets the CLI read while the daemon writes; NORMAL sync is durable at each commit in WAL
  // up to the last checkpoint, which is the trade-off SQLite recommends for WAL.
  LW_RETURN_IF_ERROR(d.Exec("PRAGMA journal_mode=WAL"));
  LW_RETURN_IF_ERROR(d.Exec("PRAGMA synchronous=NORMAL"));
  LW_RETURN_IF_ERROR(d.Exec("PRAGMA foreign_keys=ON"));
  auto v = Migrate(d, EmbeddedMigrations());
  if (!v.ok()) return v.status().WithContext(path);
  return std::unique_ptr<Store>(new Store(std::move(db), *v));
}

Result<IngestStats> Store::IngestObservations(const std::string& series, Unit unit,
                                              const std::vector<Observation>& observations,
                                              TimePoint now, const Provenance& from) {
  LW_RETURN_IF_ERROR(CheckBatch(series, observations));
  LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(*db_));
  LW_ASSIGN_OR_RETURN(writer, BatchWriter::Prepare(*db_, series, unit, now, from));
  for (const auto& o : observations) LW_RETURN_IF_ERROR(writer.Write(o));
  LW_RETURN_IF_ERROR(tx->Commit());
  writer.LogDisagreements();
  return writer.TakeStats();
}

Result<std::vector<Disagreement>> Store::Disagreements(const std::string& series) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT obs_date, source, value, kept_source, kept_value, "
                                       "seen_at FROM observation_disagreements "
                                       "WHERE series = ?1 ORDER BY obs_date, source"));
  st.Bind(1, series);
  std::vector<Disagreement> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    Disagreement d;
    d.series = series;
    LW_ASSIGN_OR_RETURN(date, ParseDate(st.Text(0)));
    d.obs_date = date;
    d.source = st.Text(1);
    d.value = st.OptDouble(2);
    d.kept_source = st.IsNull(3) ? std::string() : st.Text(3);
    d.kept_value = st.OptDouble(4);
    LW_ASSIGN_OR_RETURN(seen, ParseTime(st.Text(5)));
    d.seen_at = seen;
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<Date>> Store::LastObservationDate(const std::string& series,
                                                       const std::optional<std::string>& source) {
  // Without a source: max() over the primary key, one index seek.
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare(source ? "SELECT max(obs_date) FROM observations "
                                "WHERE series = ?1 AND source = ?2"
                              : "SELECT max(obs_date) FROM observations WHERE series = ?1"));
  st.Bind(1, series);
  if (source) st.Bind(2, *source);
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row || st.IsNull(0)) return std::optional<Date>();
  LW_ASSIGN_OR_RETURN(d, ParseDate(st.Text(0)));
  return std::optional<Date>(d);
}

Result<std::vector<Observation>> Store::History(const std::string& series,
                                                std::optional<Date> since) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT obs_date, value, provisional, source "
                                       "FROM observations WHERE series = ?1 AND obs_date >= ?2 "
                                       "ORDER BY obs_date"));
  st.Bind(1, series).Bind(2, since ? FormatDate(*since) : std::string("0000-00-00"));
  std::vector<Observation> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    LW_ASSIGN_OR_RETURN(d, ParseDate(st.Text(0)));
    out.push_back(
        {series, d, st.OptDouble(1), st.Int(2) != 0, st.IsNull(3) ? std::string() : st.Text(3)});
  }
  return out;
}

Result<std::vector<Revision>> Store::Revisions(const std::string& series) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("SELECT obs_date, old_value, new_value, seen_at FROM observation_revisions "
                       "WHERE series = ?1 ORDER BY seen_at, obs_date, rowid"));
  st.Bind(1, series);
  std::vector<Revision> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    LW_ASSIGN_OR_RETURN(d, ParseDate(st.Text(0)));
    LW_ASSIGN_OR_RETURN(seen, ParseTime(st.Text(3)));
    out.push_back({series, d, st.OptDouble(1), st.OptDouble(2), seen});
  }
  return out;
}

Result<std::optional<RuleState>> Store::GetRuleState(const std::string& rule,
                                                     const std::string& labels) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT state, since, alert_id, last_obs_date, last_value, "
                                       "last_notified_at FROM rule_state "
                                       "WHERE rule = ?1 AND labels = ?2"));
  st.Bind(1, rule).Bind(2, labels);
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row) return std::optional<RuleState>();
  RuleState s;
  s.rule = rule;
  s.labels = labels;
  s.state = ParseAlertState(st.Text(0)).value_or(AlertState::kInactive);
  s.since = ParseTime(st.Text(1)).ok() ? *ParseTime(st.Text(1)) : TimePoint{};
  if (!st.IsNull(2)) s.alert_id = st.Int(2);
  s.last_obs_date = st.OptText(3);
  s.last_value = st.OptDouble(4);
  if (auto t = st.OptText(5); t && ParseTime(*t).ok()) s.last_notified_at = *ParseTime(*t);
  return std::optional<RuleState>(s);
}

Result<RecordedTransition> Store::RecordTransition(const Transition& t,
                                                   const std::vector<std::string>& notifiers) {
  RecordedTransition out;
  LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(*db_));
  const TransitionText text(t);
  LW_ASSIGN_OR_RETURN(prev, GetRuleState(t.rule, t.labels));
  LW_ASSIGN_OR_RETURN(alert_id, WriteAlert(*db_, t, text, prev ? prev->alert_id : std::nullopt));
  out.alert_id = alert_id;
  LW_RETURN_IF_ERROR(WriteEvent(*db_, t, text, out));
  LW_RETURN_IF_ERROR(QueueDeliveries(*db_, notifiers, text, out));
  const bool state_changed = !prev || prev->state != t.to;
  LW_RETURN_IF_ERROR(SaveRuleState(*db_, t, text, state_changed, !notifiers.empty(), alert_id));
  LW_RETURN_IF_ERROR(tx->Commit());
  return out;
}

Result<int> Store::CountRulesInState(AlertState state) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT count(*) FROM rule_state WHERE state = ?1"));
  st.Bind(1, AlertStateName(state));
  LW_ASSIGN_OR_RETURN(row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Result<std::vector<DeliveryJob>> Store::DueDeliveries(TimePoint now, int limit) {
  static const std::string kSql = fmt::format(
      "SELECT d.id, d.notifier, d.attempts, d.created_at, d.idempotency_key, e.id, {}, "
      "d.refreshed_at, a.opened_at, a.resolved_at "
      "FROM deliveries d JOIN alert_events e ON e.id = d.event_id "
      "LEFT JOIN alerts a ON a.id = e.alert_id "
      "WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 ORDER BY d.next_attempt_at, d.id "
      "LIMIT ?2",
      kEventFieldColumns);
  constexpr int kAfterEvent = 6 + kEventFieldCount;
  LW_ASSIGN_OR_RETURN(st, db_->Prepare(kSql));
  st.Bind(1, FormatTime(now)).Bind(2, limit);
  std::vector<DeliveryJob> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    DeliveryJob j;
    j.delivery_id = st.Int(0);
    j.notifier = st.Text(1);
    j.attempts = static_cast<int>(st.Int(2));
    j.created_at = ParseTime(st.Text(3)).ok() ? *ParseTime(st.Text(3)) : now;
    j.idempotency_key = st.Text(4);
    j.event_id = st.Int(5);
    ReadEventFields(st, 6, j);
    // A delivery re-armed to re-send a firing alert ages from its re-arm (max_age).
    if (auto refreshed = st.OptText(kAfterEvent); refreshed && ParseTime(*refreshed).ok()) {
      j.refresh = true;
      j.created_at = *ParseTime(*refreshed);
    }
    j.alert_opened_at = st.OptText(kAfterEvent + 1);
    j.alert_resolved_at = st.OptText(kAfterEvent + 2);
    out.push_back(std::move(j));
  }
  return out;
}

Result<std::optional<TimePoint>> Store::NextDeliveryTime() {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'"));
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row || st.IsNull(0)) return std::optional<TimePoint>();
  LW_ASSIGN_OR_RETURN(t, ParseTime(st.Text(0)));
  return std::optional<TimePoint>(t);
}

Status Store::MarkDelivered(int64_t id, TimePoint now) {
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare(
          "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?2, "
          "last_error = NULL WHERE id = ?1"));
  return st.Bind(1, id).Bind(2, FormatTime(now)).Run();
}

Status Store::MarkRetry(int64_t id, TimePoint next, const std::string& error) {
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare(
          "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3 "
          "WHERE id = ?1"));
  // The store boundary: no registered secret is persisted, whoever wrote the message.
  return st.Bind(1, id).Bind(2, FormatTime(next)).Bind(3, ScrubSecrets(error)).Run();
}

Status Store::MarkDead(int64_t id, TimePoint now, const std::string& error) {
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare(
          "UPDATE deliveries SET status = 'dead', attempts = attempts + 1, next_attempt_at = ?2, "
          "last_error = ?3 WHERE id = ?1"));
  return st.Bind(1, id).Bind(2, FormatTime(now)).Bind(3, ScrubSecrets(error)).Run();
}

Status Store::RecordPollSuccess(const std::string& series, const std::string& source, TimePoint now,
                                bool new_observations) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare(
              "INSERT INTO source_health (series, source, last_attempt_at, last_success_at, "
              "consecutive_failures, last_new_observation_at, polls) VALUES (?1, ?2, ?3, ?3, 0, "
              "CASE WHEN ?4 THEN ?3 END, 1) ON CONFLICT (series) DO UPDATE SET source = "
              "excluded.source, "
              "last_attempt_at = ?3, last_success_at = ?3, consecutive_failures = 0, "
              "last_new_observation_at = CASE WHEN ?4 THEN ?3 ELSE last_new_observation_at END, "
              "polls = polls + 1"));
  return st.Bind(1, series)
      .Bind(2, source)
      .Bind(3, FormatTime(now))
      .Bind(4, new_observations ? 1 : 0)
      .Run();
}

Status Store::RecordUnchangedPolls(const std::vector<UnchangedPolls>& polls) {
  if (polls.empty()) return Status::Ok();
  LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(*db_));
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("INSERT INTO source_health (series, source, last_attempt_at, "
                       "last_success_at, consecutive_failures, polls) VALUES (?1, ?2, ?3, ?3, 0, "
                       "?4) ON CONFLICT (series) DO UPDATE SET source = excluded.source, "
                       "last_attempt_at = ?3, last_success_at = ?3, consecutive_failures = 0, "
                       "polls = polls + ?4"));
  for (const auto& p : polls) {
    LW_RETURN_IF_ERROR(st.Reset()
                           .Bind(1, p.series)
                           .Bind(2, p.source)
                           .Bind(3, FormatTime(p.last))
                           .Bind(4, p.count)
                           .Run());
  }
  return tx->Commit();
}

Status Store::RecordPollFailure(const std::string& series, const std::string& source, TimePoint now,
                                const std::string& error) {
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare(
          "INSERT INTO source_health (series, source, last_attempt_at, last_error_at, last_error, "
          "consecutive_failures, polls, errors) VALUES (?1, ?2, ?3, ?3, ?4, 1, 1, 1) "
          "ON CONFLICT (series) DO UPDATE SET source = excluded.source, last_attempt_at = ?3, "
          "last_error_at = ?3, last_error = ?4, consecutive_failures = consecutive_failures + 1, "
          "polls = polls + 1, errors = errors + 1"));
  return st.Bind(1, series)
      .Bind(2, source)
      .Bind(3, FormatTime(now))
      .Bind(4, ScrubSecrets(error))
      .Run();
}

Result<std::vector<std::string>> Store::ForgetUnpolledSeries(const std::vector<std::string>& keep) {
  const std::set<std::string> kept(keep.begin(), keep.end());
  std::vector<std::string> forgotten;
  LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(*db_));
  for (const char* table : {"source_health", "http_validators"}) {
    LW_ASSIGN_OR_RETURN(list, db_->Prepare(fmt::format("SELECT DISTINCT series FROM {}", table)));
    std::vector<std::string> gone;
    for (;;) {
      LW_ASSIGN_OR_RETURN(row, list.Step());
      if (!row) break;
      if (!kept.contains(list.Text(0))) gone.push_back(list.Text(0));
    }
    LW_ASSIGN_OR_RETURN(del, db_->Prepare(fmt::format("DELETE FROM {} WHERE series = ?1", table)));
    for (const auto& id : gone) LW_RETURN_IF_ERROR(del.Reset().Bind(1, id).Run());
    if (std::string_view(table) == "source_health") forgotten = std::move(gone);
  }
  LW_RETURN_IF_ERROR(tx->Commit());
  std::sort(forgotten.begin(), forgotten.end());
  return forgotten;
}

namespace {
// What the database may hold of a request URL: no credentials.
std::string StoredUrl(const std::string& url) { return ScrubSecrets(RedactUrl(url)); }
}  // namespace

Result<std::optional<HttpValidators>> Store::GetHttpValidators(const std::string& series,
                                                               const std::string& url) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT etag, last_modified FROM http_validators "
                                       "WHERE series = ?1 AND url = ?2"));
  st.Bind(1, series).Bind(2, StoredUrl(url));
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row) return std::optional<HttpValidators>();
  return std::optional<HttpValidators>(HttpValidators{st.Text(0), st.Text(1)});
}

Status Store::SaveHttpValidators(const std::string& series, const std::string& url,
                                 const HttpValidators& v, TimePoint now) {
  LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(*db_));
  if (v.empty()) {
    LW_ASSIGN_OR_RETURN(del,
                        db_->Prepare("DELETE FROM http_validators WHERE series = ?1 AND url = ?2"));
    LW_RETURN_IF_ERROR(del.Bind(1, series).Bind(2, StoredUrl(url)).Run());
  } else {
    LW_ASSIGN_OR_RETURN(
        put, db_->Prepare("INSERT INTO http_validators (series, url, etag, last_modified, used_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (series, url) DO UPDATE SET "
                          "etag = ?3, last_modified = ?4, used_at = ?5"));
    LW_RETURN_IF_ERROR(put.Bind(1, series)
                           .Bind(2, StoredUrl(url))
                           .Bind(3, v.etag)
                           .Bind(4, v.last_modified)
                           .Bind(5, FormatTime(now))
                           .Run());
  }
  LW_ASSIGN_OR_RETURN(trim,
                      db_->Prepare("DELETE FROM http_validators WHERE series = ?1 AND url NOT IN "
                                   "(SELECT url FROM http_validators WHERE series = ?1 "
                                   "ORDER BY used_at DESC, url LIMIT ?2)"));
  LW_RETURN_IF_ERROR(trim.Bind(1, series).Bind(2, kValidatorUrlsPerSeries).Run());
  return tx->Commit();
}

}  // namespace liqwatch::store

namespace liqwatch::store {

Result<std::vector<ConsistencyViolation>> Store::CheckConsistency() {
  struct Check {
    const char* name;
    const char* sql;  // each row: one text column describing the offending rows
  };
  static constexpr Check kChecks[] = {
      {"firing_state_without_open_alert",
       "SELECT printf('rule=%s labels=\"%s\" alert_id=%s alert_state=%s', rs.rule, rs.labels, "
       "coalesce(rs.alert_id, 'NULL'), coalesce(a.state, 'missing')) FROM rule_state rs "
       "LEFT JOIN alerts a ON a.id = rs.alert_id WHERE rs.state = 'firing' AND (a.id IS NULL "
       "OR a.state <> 'firing' OR a.rule <> rs.rule OR a.labels <> rs.labels) LIMIT 20"},
      {"open_alert_without_firing_state",
       "SELECT printf('alert_id=%d rule=%s labels=\"%s\" rule_state=%s', a.id, a.rule, a.labels, "
       "coalesce(rs.state, 'missing')) FROM alerts a LEFT JOIN rule_state rs "
       "ON rs.rule = a.rule AND rs.labels = a.labels WHERE a.state = 'firing' AND "
       "(rs.state IS NULL OR rs.state <> 'firing' OR rs.alert_id IS NOT a.id) LIMIT 20"},
      {"rule_memory_disagrees_with_rule_state",
       "SELECT printf('rule=%s labels=\"%s\" rule_memory=%s rule_state=%s', m.rule, m.labels, "
       "m.state, coalesce(rs.state, 'missing')) FROM rule_memory m LEFT JOIN rule_state rs "
       "ON rs.rule = m.rule AND rs.labels = m.labels "
       "WHERE coalesce(rs.state, 'inactive') <> m.state LIMIT 20"},
      {"delivery_without_event",
       "SELECT printf('delivery_id=%d event_id=%d', d.id, d.event_id) FROM deliveries d "
       "LEFT JOIN alert_events e ON e.id = d.event_id WHERE e.id IS NULL LIMIT 20"},
      {"alert_event_without_alert",
       "SELECT printf('event_id=%d rule=%s labels=\"%s\" kind=%s obs_date=%s', e.id, e.rule, "
       "e.labels, e.kind, e.obs_date) FROM alert_events e WHERE (e.alert_id IS NULL OR NOT "
       "EXISTS (SELECT 1 FROM alerts a WHERE a.id = e.alert_id)) AND (e.to_state = 'firing' OR "
       "e.kind IN ('resolved', 'reminder', 'escalated', 'deescalated')) LIMIT 20"},
  };
  std::vector<ConsistencyViolation> out;
  for (const auto& c : kChecks) {
    LW_ASSIGN_OR_RETURN(st, db_->Prepare(c.sql));
    for (;;) {
      LW_ASSIGN_OR_RETURN(row, st.Step());
      if (!row) break;
      out.push_back({c.name, st.Text(0)});
    }
  }
  return out;
}

}  // namespace liqwatch::store
