// Store methods for the operator's views: alert detail, acks, source health, metrics inputs,
// retention and backup. See store.h for the contracts.
#include <filesystem>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "store/event_columns.h"
#include "store/store.h"
#include "store/try.h"

namespace liqwatch::store {

namespace {

constexpr const char* kAlertColumns =
    "SELECT a.id, a.rule, a.labels, a.series, a.severity, a.state, a.opened_at, a.resolved_at, "
    "a.first_obs_date, a.last_obs_date, a.value, a.threshold, a.message, "
    "(SELECT count(*) FROM deliveries d JOIN alert_events e ON e.id = d.event_id "
    "  WHERE e.alert_id = a.id AND d.status = 'pending'), "
    "(SELECT count(*) FROM deliveries d JOIN alert_events e ON e.id = d.event_id "
    "  WHERE e.alert_id = a.id AND d.status = 'delivered'), "
    "(SELECT count(*) FROM deliveries d JOIN alert_events e ON e.id = d.event_id "
    "  WHERE e.alert_id = a.id AND d.status = 'dead') FROM alerts a ";

AlertRow ReadAlert(const Statement& st) {
  AlertRow a;
  a.id = st.Int(0);
  a.rule = st.Text(1);
  a.labels = st.Text(2);
  a.series = st.Text(3);
  a.severity = st.Text(4);
  a.state = st.Text(5);
  a.opened_at = st.Text(6);
  a.resolved_at = st.OptText(7);
  a.first_obs_date = st.Text(8);
  a.last_obs_date = st.Text(9);
  a.value = st.OptDouble(10);
  a.threshold = st.OptDouble(11);
  a.message = st.Text(12);
  a.deliveries_pending = static_cast<int>(st.Int(13));
  a.deliveries_delivered = static_cast<int>(st.Int(14));
  a.deliveries_dead = static_cast<int>(st.Int(15));
  return a;
}

}  // namespace

namespace {
// Text filters go through the alert_fts trigram index (migration 0009) when they are at least
// this many characters long (a trigram's length)...
constexpr std::size_t kTrigram = 3;
// ... and match fewer messages than this: the index hands back every match unordered, which
// for a word in most messages costs more than reading the newest alerts until a page is full.
constexpr int kIndexedTextMatches = 1000;

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// An FTS5 phrase: the text as one quoted string (quotes doubled), never query syntax.
std::string FtsPhrase(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

Result<bool> Store::TextIsRare(const std::string& text) {
  if (CodePoints(text) < kTrigram) return false;
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT count(*) FROM (SELECT rowid FROM alert_fts "
                                       "WHERE alert_fts MATCH ?1 LIMIT ?2)"));
  st.Bind(1, FtsPhrase(text)).Bind(2, kIndexedTextMatches);
  LW_ASSIGN_OR_RETURN(row, st.Step());
  return row && st.Int(0) < kIndexedTextMatches;
}

Result<std::vector<AlertRow>> Store::QueryAlerts(const AlertQuery& q) {
  // Only the filters given become WHERE terms, each a plain comparison, so SQLite can use the
  // indexes on opened_at, (rule, opened_at), ... ("?1 IS NULL OR x = ?1" would defeat them:
  // a page of 100 over 1M events went from 0.7 s to milliseconds; bench/bench_query.cpp).
  std::string sql = std::string(kAlertColumns) + "WHERE 1";
  std::vector<std::string> args;
  auto term = [&](const char* expr, const std::optional<std::string>& v) {
    if (!v) return;
    args.push_back(*v);
    sql += fmt::format(" AND {}?{}", expr, args.size());
    if (std::string_view(expr).rfind("instr", 0) == 0) sql += ")) > 0";
  };
  auto time_or_null = [](const std::optional<TimePoint>& t) {
    return t ? std::optional<std::string>(FormatTime(*t)) : std::nullopt;
  };
  term("a.opened_at >= ", time_or_null(q.since));
  term("a.opened_at < ", time_or_null(q.until));
  term("a.rule = ", q.rule);
  term("a.state = ", q.state);
  term("a.severity = ", q.severity);
  term("a.series = ", q.series);
  if (q.text) {
    // A rare text: the index narrows to its matches first (a text found nowhere went from a
    // 0.4 s scan of 500k messages to under 1 ms). The instr() term stays either way, so both
    // paths answer the same ASCII-case-insensitive substring match.
    LW_ASSIGN_OR_RETURN(rare, TextIsRare(*q.text));
    if (rare) {
      args.push_back(FtsPhrase(*q.text));
      sql += fmt::format(" AND a.id IN (SELECT rowid FROM alert_fts WHERE alert_fts MATCH ?{})",
                         args.size());
    }
  }
  term("instr(lower(a.message), lower(", q.text);
  if (q.after) {  // keyset: older than the cursor, ties on opened_at broken by id
    args.push_back(q.after->opened_at);
    args.push_back(std::to_string(q.after->id));
    sql += fmt::format(
        " AND a.opened_at <= ?{0} AND (a.opened_at < ?{0} OR a.id < CAST(?{1} AS INTEGER))",
        args.size() - 1, args.size());
  }
  sql += fmt::format(" ORDER BY a.opened_at DESC, a.id DESC LIMIT ?{}", args.size() + 1);
  LW_ASSIGN_OR_RETURN(st, db_->Prepare(sql));
  for (std::size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
  st.Bind(static_cast<int>(args.size() + 1), q.limit);
  std::vector<AlertRow> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    out.push_back(ReadAlert(st));
  }
  return out;
}

Result<std::optional<AlertRow>> Store::GetAlert(int64_t id) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare(std::string(kAlertColumns) + "WHERE a.id = ?1"));
  st.Bind(1, id);
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row) return std::optional<AlertRow>();
  return std::optional<AlertRow>(ReadAlert(st));
}

namespace {
Result<std::vector<AlertEventRow>> ReadEvents(Statement& st) {
  std::vector<AlertEventRow> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    AlertEventRow e;
    e.id = st.Int(0);
    e.from_state = st.Text(1);
    e.to_state = st.Text(2);
    ReadEventFields(st, 3, e);
    out.push_back(std::move(e));
  }
  return out;
}
const std::string kEventColumns = fmt::format(
    "SELECT e.id, e.from_state, e.to_state, {} FROM alert_events e ", kEventFieldColumns);
}  // namespace

Result<std::vector<AlertEventRow>> Store::AlertEvents(int64_t alert_id) {
  LW_ASSIGN_OR_RETURN(st,
                      db_->Prepare(std::string(kEventColumns) + "WHERE alert_id = ?1 ORDER BY id"));
  st.Bind(1, alert_id);
  return ReadEvents(st);
}

Result<std::vector<AlertEventRow>> Store::SeriesEvents(const std::string& series,
                                                       std::optional<Date> since) {
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare(
          std::string(kEventColumns) +
          "WHERE series = ?1 AND kind IN ('firing', 'resolved') AND (?2 IS NULL OR obs_date >= ?2) "
          "ORDER BY obs_date, id"));
  st.Bind(1, series).Bind(2, since ? std::optional<std::string>(FormatDate(*since)) : std::nullopt);
  return ReadEvents(st);
}

Result<std::vector<DeliveryRow>> Store::AlertDeliveries(int64_t alert_id) {
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare("SELECT d.id, d.event_id, d.notifier, d.status, d.attempts, d.next_attempt_at, "
                   "d.last_error, d.created_at, d.delivered_at FROM deliveries d "
                   "JOIN alert_events e ON e.id = d.event_id WHERE e.alert_id = ?1 ORDER BY d.id"));
  st.Bind(1, alert_id);
  std::vector<DeliveryRow> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    DeliveryRow d;
    d.id = st.Int(0);
    d.event_id = st.Int(1);
    d.notifier = st.Text(2);
    d.status = st.Text(3);
    d.attempts = static_cast<int>(st.Int(4));
    d.next_attempt_at = st.Text(5);
    d.last_error = st.OptText(6);
    d.created_at = st.Text(7);
    d.delivered_at = st.OptText(8);
    out.push_back(std::move(d));
  }
  return out;
}

Result<int64_t> Store::AckAlert(int64_t alert_id, const std::string& comment, TimePoint now) {
  LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(*db_));
  LW_ASSIGN_OR_RETURN(
      sel,
      db_->Prepare("SELECT rule, labels, state, severity, series, value, threshold, last_obs_date "
                   "FROM alerts WHERE id = ?1"));
  sel.Bind(1, alert_id);
  LW_ASSIGN_OR_RETURN(found, sel.Step());
  if (!found) return Status::NotFound(fmt::format("no alert with id {}", alert_id));
  LW_ASSIGN_OR_RETURN(
      ins,
      db_->Prepare(
          "INSERT INTO alert_events (alert_id, rule, labels, kind, from_state, to_state, severity, "
          "series, value, threshold, obs_date, eval_time, message) "
          "VALUES (?1, ?2, ?3, 'ack', ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  ins.Bind(1, alert_id)
      .Bind(2, sel.Text(0))
      .Bind(3, sel.Text(1))
      .Bind(4, sel.Text(2))
      .Bind(5, sel.Text(3))
      .Bind(6, sel.Text(4))
      .Bind(7, sel.OptDouble(5))
      .Bind(8, sel.OptDouble(6))
      .Bind(9, sel.Text(7))
      .Bind(10, FormatTime(now))
      .Bind(11, comment);
  LW_RETURN_IF_ERROR(ins.Run());
  int64_t id = db_->LastInsertId();
  LW_RETURN_IF_ERROR(tx->Commit());
  return id;
}

Result<std::vector<SourceHealthRow>> Store::SourceHealth() {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare(
              "SELECT series, source, last_attempt_at, last_success_at, last_error_at, last_error, "
              "consecutive_failures, last_new_observation_at, polls, errors FROM source_health "
              "ORDER BY series"));
  std::vector<SourceHealthRow> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    SourceHealthRow h;
    h.series = st.Text(0);
    h.source = st.Text(1);
    h.last_attempt_at = st.OptText(2);
    h.last_success_at = st.OptText(3);
    h.last_error_at = st.OptText(4);
    h.last_error = st.OptText(5);
    h.consecutive_failures = static_cast<int>(st.Int(6));
    h.last_new_observation_at = st.OptText(7);
    h.polls = st.Int(8);
    h.errors = st.Int(9);
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<RuleState>> Store::RuleStates() {
  LW_ASSIGN_OR_RETURN(st,
                      db_->Prepare("SELECT rule, labels, state, since, alert_id, last_obs_date, "
                                   "last_value, last_notified_at "
                                   "FROM rule_state ORDER BY rule, labels"));
  std::vector<RuleState> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    RuleState s;
    s.rule = st.Text(0);
    s.labels = st.Text(1);
    s.state = ParseAlertState(st.Text(2)).value_or(AlertState::kInactive);
    if (auto t = ParseTime(st.Text(3)); t.ok()) s.since = *t;
    if (!st.IsNull(4)) s.alert_id = st.Int(4);
    s.last_obs_date = st.OptText(5);
    s.last_value = st.OptDouble(6);
    if (auto t = st.OptText(7); t && ParseTime(*t).ok()) s.last_notified_at = *ParseTime(*t);
    out.push_back(std::move(s));
  }
  return out;
}

std::map<std::string, Date> NewestDates(const std::vector<LatestObservation>& latest) {
  std::map<std::string, Date> newest;
  for (const auto& l : latest)
    if (auto d = ParseDate(l.obs_date); d.ok()) newest[l.series] = *d;
  return newest;
}

Result<std::vector<LatestObservation>> Store::LatestObservations() {
  // The newest date with a value per series (a trailing holiday row has none).
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare(
              "SELECT o.series, o.obs_date, o.value, o.unit, o.updated_at FROM observations o "
              "JOIN (SELECT series, max(obs_date) AS d FROM observations WHERE value IS NOT NULL "
              "GROUP BY series) m ON m.series = o.series AND m.d = o.obs_date ORDER BY o.series"));
  std::vector<LatestObservation> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.OptDouble(2), st.Text(3), st.Text(4)});
  }
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> Store::DeliveryCounts() {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("SELECT status, count(*) FROM deliveries GROUP BY status ORDER BY status"));
  std::vector<std::pair<std::string, int64_t>> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0), st.Int(1));
  }
  return out;
}

Result<std::vector<SeriesSummary>> Store::SeriesSummaries() {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("SELECT series, unit, count(*), min(obs_date), max(obs_date) FROM "
                       "observations GROUP BY series ORDER BY series"));
  std::vector<SeriesSummary> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Int(2), st.Text(3), st.Text(4)});
  }
  return out;
}

Result<std::vector<StoredObservation>> Store::StoredObservations(const std::string& series,
                                                                 std::optional<Date> since) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("SELECT obs_date, value, unit, provisional, fetched_at, updated_at, source "
                       "FROM observations WHERE series = ?1 AND obs_date >= ?2 ORDER BY obs_date"));
  LW_ASSIGN_OR_RETURN(
      rev, db_->Prepare("SELECT old_value, new_value, seen_at FROM observation_revisions WHERE "
                        "series = ?1 AND obs_date = ?2 ORDER BY id"));
  st.Bind(1, series).Bind(2, since ? FormatDate(*since) : std::string("0000-00-00"));
  std::vector<StoredObservation> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    StoredObservation o;
    o.obs_date = st.Text(0);
    o.value = st.OptDouble(1);
    o.unit = st.Text(2);
    o.provisional = st.Int(3) != 0;
    o.fetched_at = st.Text(4);
    o.updated_at = st.Text(5);
    o.source = st.IsNull(6) ? std::string() : st.Text(6);
    rev.Reset().Bind(1, series).Bind(2, o.obs_date);
    for (;;) {
      LW_ASSIGN_OR_RETURN(rrow, rev.Step());
      if (!rrow) break;
      o.revisions.push_back({rev.OptDouble(0), rev.OptDouble(1), rev.Text(2)});
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<bool> Store::HasObservations(const std::string& series) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT 1 FROM observations WHERE series = ?1 LIMIT 1"));
  st.Bind(1, series);
  return st.Step();
}

Status Store::CheckIntegrity() {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT integrity_check FROM pragma_integrity_check "
                                       "WHERE integrity_check != 'ok' LIMIT 1"));
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (row) return Status::IoError("integrity check failed: " + st.Text(0));
  return Status::Ok();
}

Status Store::Ping() { return db_->QueryInt("SELECT 1").status(); }

Result<PruneStats> Store::Prune(TimePoint before) {
  const std::string cutoff = FormatTime(before);
  PruneStats stats;
  LW_ASSIGN_OR_RETURN(tx, Transaction::Begin(*db_));
  // Doomed events: those of alerts resolved before the cutoff, and episode-less events
  // (pending, no_data, ...) evaluated before it.
  const char* kDoomedAlerts =
      "SELECT id FROM alerts WHERE state = 'resolved' AND resolved_at IS NOT NULL "
      "AND resolved_at < ?1";
  const std::string doomed_events = fmt::format(
      "SELECT id FROM alert_events WHERE alert_id IN ({}) "
      "OR (alert_id IS NULL AND eval_time < ?1)",
      kDoomedAlerts);
  auto exec = [&](const std::string& sql, int64_t& counter) -> Status {
    LW_ASSIGN_OR_RETURN(st, db_->Prepare(sql));
    st.Bind(1, cutoff);
    LW_RETURN_IF_ERROR(st.Run());
    counter += db_->Changes();
    return Status::Ok();
  };
  // An episode-less event whose delivery is still pending is kept with it.
  if (auto s =
          exec(fmt::format(
                   "DELETE FROM deliveries WHERE event_id IN ({}) AND NOT (status = 'pending' AND "
                   "event_id IN (SELECT id FROM alert_events WHERE alert_id IS NULL))",
                   doomed_events),
               stats.deliveries);
      !s.ok())
    return s;
  if (auto s = exec(fmt::format("DELETE FROM alert_events WHERE id IN ({}) AND id NOT IN "
                                "(SELECT event_id FROM deliveries)",
                                doomed_events),
                    stats.events);
      !s.ok())
    return s;
  if (auto s = exec(fmt::format("DELETE FROM alerts WHERE id IN ({}) AND id NOT IN "
                                "(SELECT alert_id FROM alert_events WHERE alert_id IS NOT NULL)",
                                kDoomedAlerts),
                    stats.alerts);
      !s.ok())
    return s;
  if (auto s = exec("DELETE FROM observation_revisions WHERE seen_at < ?1", stats.revisions);
      !s.ok())
    return s;
  LW_RETURN_IF_ERROR(tx->Commit());
  return stats;
}

namespace {

// "the database itself", "the database's -wal file", ... if writing `target` would overwrite
// the live database `db` (absolute, as SQLite reports it) or one of its journal files: the
// same inode (a hard or symbolic link included), or the same path once resolved (a journal
// file that does not exist right now).
std::optional<std::string> OwnFile(const std::string& db, const std::string& target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::absolute(target, ec), ec);
  for (std::string_view suffix : {"", "-wal", "-shm", "-journal"}) {
    const fs::path own = db + std::string(suffix);
    std::error_code same_ec, own_ec;
    bool same = fs::equivalent(target, own, same_ec);
    if (!same) {
      const fs::path own_resolved = fs::weakly_canonical(own, own_ec);
      same = !ec && !own_ec && own_resolved == resolved;
    }
    if (same)
      return suffix.empty() ? std::string("the database itself")
                            : fmt::format("the database's {} file", suffix);
  }
  return std::nullopt;
}

}  // namespace

Status Store::BackupTo(const std::string& path) {
  const char* db_file = sqlite3_db_filename(db_->handle(), "main");
  if (db_file != nullptr && *db_file != '\0') {
    if (auto own = OwnFile(db_file, path)) {
      return Status::InvalidArgument(fmt::format(
          "backup target {} is {} ({}): write the copy to another file", path, *own, db_file));
    }
  }
  sqlite3* dst = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc);
    sqlite3_close(dst);
    return Status::IoError(fmt::format("backup: cannot open {}: {}", path, msg));
  }
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", db_->handle(), "main");
  if (!b) {
    std::string msg = sqlite3_errmsg(dst);
    sqlite3_close(dst);
    return Status::IoError(fmt::format("backup: {}", msg));
  }
  // Copy in steps so a busy writer is not locked out for the whole copy; restart on change.
  do {
    rc = sqlite3_backup_step(b, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  Status out = Status::Ok();
  if (rc != SQLITE_DONE)
    out = Status::IoError(fmt::format("backup to {} failed: {}", path, sqlite3_errstr(rc)));
  sqlite3_close(dst);
  return out;
}

}  // namespace liqwatch::store
