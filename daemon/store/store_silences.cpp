// Store methods for silences and the outbox gate (store.h); notify/silences.cpp decides, these
// read and write the rows. Each write is one statement.
#include <fmt/format.h>

#include "store/store.h"
#include "store/try.h"

namespace liqwatch::store {

namespace {

constexpr const char* kSilenceColumns =
    "SELECT id, rule, matchers, starts_at, ends_at, comment, created_by, created_at, pushed_to "
    "FROM silences ";

Silence ReadSilence(const Statement& st) {
  Silence s;
  s.id = st.Int(0);
  s.rule = st.Text(1);
  s.matchers = st.Text(2);
  s.starts_at = st.Text(3);
  s.ends_at = st.Text(4);
  s.comment = st.Text(5);
  s.created_by = st.Text(6);
  s.created_at = st.Text(7);
  s.pushed_to = st.Text(8);
  return s;
}

Result<std::vector<Silence>> ReadSilences(Statement& st) {
  std::vector<Silence> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    out.push_back(ReadSilence(st));
  }
  return out;
}

}  // namespace

Result<int64_t> Store::AddSilence(const Silence& s) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare("INSERT INTO silences (rule, matchers, starts_at, ends_at, comment, "
                       "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  st.Bind(1, s.rule)
      .Bind(2, s.matchers)
      .Bind(3, s.starts_at)
      .Bind(4, s.ends_at)
      .Bind(5, s.comment)
      .Bind(6, s.created_by)
      .Bind(7, s.created_at);
  LW_RETURN_IF_ERROR(st.Run());
  return db_->LastInsertId();
}

Status Store::SetSilencePushedTo(int64_t id, const std::string& pushed_to) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("UPDATE silences SET pushed_to = ?2 WHERE id = ?1"));
  LW_RETURN_IF_ERROR(st.Bind(1, id).Bind(2, pushed_to).Run());
  if (db_->Changes() == 0) return Status::NotFound(fmt::format("no silence {}", id));
  return Status::Ok();
}

Result<std::optional<Silence>> Store::GetSilence(int64_t id) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare(std::string(kSilenceColumns) + "WHERE id = ?1"));
  st.Bind(1, id);
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row) return std::optional<Silence>();
  return std::optional<Silence>(ReadSilence(st));
}

Result<std::vector<Silence>> Store::Silences(TimePoint now, bool all) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare(std::string(kSilenceColumns) + "WHERE ?1 OR ends_at > ?2 ORDER BY id DESC"));
  const std::string now_text = FormatTime(now);
  st.Bind(1, all ? 1 : 0).Bind(2, now_text);
  LW_ASSIGN_OR_RETURN(out, ReadSilences(st));
  for (auto& s : out) s.active = s.starts_at <= now_text && now_text < s.ends_at;
  return std::move(out);
}

Result<std::vector<Silence>> Store::SilencesInForce(const std::string& rule, TimePoint now) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare(std::string(kSilenceColumns) +
                                       "WHERE (rule = ?1 OR rule = '*') AND starts_at <= ?2 AND "
                                       "ends_at > ?2 ORDER BY ends_at DESC"));
  st.Bind(1, rule).Bind(2, FormatTime(now));
  return ReadSilences(st);
}

Status Store::EndSilence(int64_t id, TimePoint now) {
  LW_ASSIGN_OR_RETURN(
      st, db_->Prepare(
              "UPDATE silences SET ends_at = ?2, starts_at = min(starts_at, ?2) WHERE id = ?1"));
  return st.Bind(1, id).Bind(2, FormatTime(now)).Run();
}

Result<std::optional<TimePoint>> Store::NextSilenceEnd() {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT min(ends_at) FROM silences WHERE ends_at > "
                                       "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"));
  LW_ASSIGN_OR_RETURN(row, st.Step());
  if (!row || st.IsNull(0)) return std::optional<TimePoint>();
  LW_ASSIGN_OR_RETURN(t, ParseTime(st.Text(0)));
  return std::optional<TimePoint>(t);
}

Result<std::string> Store::EventLabels(int64_t event_id) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("SELECT labels FROM alert_events WHERE id = ?1"));
  st.Bind(1, event_id);
  LW_ASSIGN_OR_RETURN(row, st.Step());
  return row ? st.Text(0) : std::string();
}

Status Store::MarkSkipped(int64_t delivery_id, TimePoint now, const std::string& why) {
  LW_ASSIGN_OR_RETURN(st,
                      db_->Prepare("UPDATE deliveries SET status = 'skipped', last_error = ?2, "
                                   "next_attempt_at = ?3 WHERE id = ?1 AND status = 'pending'"));
  return st.Bind(1, delivery_id).Bind(2, why).Bind(3, FormatTime(now)).Run();
}

Status Store::MarkSilenced(int64_t delivery_id, const std::string& until, const std::string& why) {
  LW_ASSIGN_OR_RETURN(st,
                      db_->Prepare("UPDATE deliveries SET status = 'silenced', last_error = ?2, "
                                   "next_attempt_at = ?3 WHERE id = ?1 AND status = 'pending'"));
  return st.Bind(1, delivery_id).Bind(2, why).Bind(3, until).Run();
}

Result<std::vector<SilencedDelivery>> Store::SilencedFiringDeliveries() {
  LW_ASSIGN_OR_RETURN(
      st,
      db_->Prepare("SELECT max(d.id), d.notifier, e.rule, e.labels FROM deliveries d "
                   "JOIN alert_events e ON e.id = d.event_id JOIN alerts a ON a.id = e.alert_id "
                   "WHERE d.status = 'silenced' AND a.state = 'firing' "
                   "AND e.kind IN ('firing', 'reminder') GROUP BY a.id, d.notifier"));
  std::vector<SilencedDelivery> out;
  for (;;) {
    LW_ASSIGN_OR_RETURN(row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3)});
  }
  return out;
}

Result<bool> Store::ReleaseSilencedDelivery(int64_t delivery_id, TimePoint now) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("UPDATE deliveries SET status = 'pending', "
                                       "next_attempt_at = ?2, last_error = 'silence ended while "
                                       "the alert was still firing' "
                                       "WHERE id = ?1 AND status = 'silenced'"));
  LW_RETURN_IF_ERROR(st.Bind(1, delivery_id).Bind(2, FormatTime(now)).Run());
  return db_->Changes() > 0;
}

Status Store::DeferDelivery(int64_t delivery_id, TimePoint when) {
  LW_ASSIGN_OR_RETURN(st, db_->Prepare("UPDATE deliveries SET next_attempt_at = ?2 WHERE id = ?1 "
                                       "AND status = 'pending'"));
  return st.Bind(1, delivery_id).Bind(2, FormatTime(when)).Run();
}

}  // namespace liqwatch::store
