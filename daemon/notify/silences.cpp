#include "notify/silences.h"

#include <fmt/format.h>

namespace liqwatch::notify {

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    auto next = s.find(sep, pos);
    if (next == std::string::npos) next = s.size();
    std::string item = s.substr(pos, next - pos);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    pos = next + 1;
  }
  return out;
}

Silence ReadSilence(const store::Statement& st) {
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

constexpr const char* kColumns =
    "id, rule, matchers, starts_at, ends_at, comment, created_by, created_at, pushed_to";

// The active silence covering (rule, labels) at `now`, if any (the one ending last).
Result<std::optional<Silence>> Matching(store::Store& s, const std::string& rule,
                                        const std::string& labels, TimePoint now) {
  auto st = s.db().Prepare(
      fmt::format("SELECT {} FROM silences WHERE (rule = ?1 OR rule = '*') AND starts_at <= ?2 AND "
                  "ends_at > ?2 ORDER BY ends_at DESC",
                  kColumns));
  if (!st.ok()) return st.status();
  st->Bind(1, rule).Bind(2, FormatTime(now));
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Silence sil = ReadSilence(*st);
    if (LabelsMatch(sil.matchers, labels)) return std::optional<Silence>(sil);
  }
  return std::optional<Silence>();
}

}  // namespace

bool LabelsMatch(const std::string& matchers, const std::string& labels) {
  auto have = Split(labels, ',');
  for (const auto& m : Split(matchers, ',')) {
    bool found = false;
    for (const auto& h : have) found = found || h == m;
    if (!found) return false;
  }
  return true;
}

Result<int64_t> AddSilence(store::Store& s, const Silence& silence) {
  auto st = s.db().Prepare(
      "INSERT INTO silences (rule, matchers, starts_at, ends_at, comment, created_by, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return st.status();
  st->Bind(1, silence.rule)
      .Bind(2, silence.matchers)
      .Bind(3, silence.starts_at)
      .Bind(4, silence.ends_at)
      .Bind(5, silence.comment)
      .Bind(6, silence.created_by)
      .Bind(7, silence.created_at);
  if (auto r = st->Run(); !r.ok()) return r;
  return s.db().LastInsertId();
}

Status SetSilencePushedTo(store::Store& s, int64_t id, const std::string& pushed_to) {
  auto st = s.db().Prepare("UPDATE silences SET pushed_to = ?2 WHERE id = ?1");
  if (!st.ok()) return st.status();
  if (auto r = st->Bind(1, id).Bind(2, pushed_to).Run(); !r.ok()) return r;
  if (s.db().Changes() == 0) return Status::NotFound(fmt::format("no silence {}", id));
  return Status::Ok();
}

Result<Silence> GetSilence(store::Store& s, int64_t id) {
  auto st = s.db().Prepare(fmt::format("SELECT {} FROM silences WHERE id = ?1", kColumns));
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(fmt::format("no silence {}", id));
  return ReadSilence(*st);
}

Result<std::vector<Silence>> ListSilences(store::Store& s, TimePoint now, bool all) {
  auto st = s.db().Prepare(
      fmt::format("SELECT {} FROM silences WHERE ?1 OR ends_at > ?2 ORDER BY id DESC", kColumns));
  if (!st.ok()) return st.status();
  const std::string now_text = FormatTime(now);
  st->Bind(1, all ? 1 : 0).Bind(2, now_text);
  std::vector<Silence> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Silence sil = ReadSilence(*st);
    sil.active = sil.starts_at <= now_text && now_text < sil.ends_at;
    out.push_back(std::move(sil));
  }
  return out;
}

Status ExpireSilence(store::Store& s, int64_t id, TimePoint now) {
  auto sel = s.db().Prepare("SELECT ends_at FROM silences WHERE id = ?1");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, id);
  auto row = sel->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(fmt::format("no silence {}", id));
  const std::string now_text = FormatTime(now);
  if (sel->Text(0) <= now_text)
    return Status::FailedPrecondition(
        fmt::format("silence {} already ended at {}", id, sel->Text(0)));
  auto st = s.db().Prepare(
      "UPDATE silences SET ends_at = ?2, starts_at = min(starts_at, ?2) WHERE id = ?1");
  if (!st.ok()) return st.status();
  return st->Bind(1, id).Bind(2, now_text).Run();
}

Result<Gate> GateDelivery(store::Store& s, const store::DeliveryJob& job, bool send_resolved,
                          TimePoint now, std::string* why) {
  const std::string now_text = FormatTime(now);
  if (job.kind == "resolved" && !send_resolved) {
    *why = "send_resolved is off for this notifier";
    auto st = s.db().Prepare(
        "UPDATE deliveries SET status = 'skipped', last_error = ?2, next_attempt_at = ?3 "
        "WHERE id = ?1 AND status = 'pending'");
    if (!st.ok()) return st.status();
    if (auto r = st->Bind(1, job.delivery_id).Bind(2, *why).Bind(3, now_text).Run(); !r.ok())
      return r;
    return Gate::kSkipped;
  }
  auto labels_st = s.db().Prepare("SELECT labels FROM alert_events WHERE id = ?1");
  if (!labels_st.ok()) return labels_st.status();
  labels_st->Bind(1, job.event_id);
  auto row = labels_st->Step();
  if (!row.ok()) return row.status();
  std::string labels = *row ? labels_st->Text(0) : std::string();
  auto sil = Matching(s, job.rule, labels, now);
  if (!sil.ok()) return sil.status();
  if (!*sil) return Gate::kSend;
  *why = fmt::format("silenced by silence {} until {}", (*sil)->id, (*sil)->ends_at);
  auto st = s.db().Prepare(
      "UPDATE deliveries SET status = 'silenced', last_error = ?2, next_attempt_at = ?3 "
      "WHERE id = ?1 AND status = 'pending'");
  if (!st.ok()) return st.status();
  if (auto r = st->Bind(1, job.delivery_id).Bind(2, *why).Bind(3, (*sil)->ends_at).Run(); !r.ok())
    return r;
  return Gate::kSilenced;
}

Result<int> ReleaseSilenced(store::Store& s, TimePoint now,
                            const std::vector<std::string>& notifiers) {
  if (notifiers.empty()) return 0;
  // The newest silenced firing/reminder delivery per (alert, notifier) of alerts still firing.
  auto st = s.db().Prepare(
      "SELECT max(d.id), d.notifier, e.rule, e.labels FROM deliveries d "
      "JOIN alert_events e ON e.id = d.event_id JOIN alerts a ON a.id = e.alert_id "
      "WHERE d.status = 'silenced' AND a.state = 'firing' AND e.kind IN ('firing', 'reminder') "
      "GROUP BY a.id, d.notifier");
  if (!st.ok()) return st.status();
  struct Candidate {
    int64_t id;
    std::string notifier, rule, labels;
  };
  std::vector<Candidate> candidates;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    candidates.push_back({st->Int(0), st->Text(1), st->Text(2), st->Text(3)});
  }
  int released = 0;
  for (const auto& c : candidates) {
    bool wanted = false;
    for (const auto& n : notifiers) wanted = wanted || n == c.notifier;
    if (!wanted) continue;
    auto sil = Matching(s, c.rule, c.labels, now);
    if (!sil.ok()) return sil.status();
    if (*sil) continue;  // still silenced (maybe by another silence)
    auto upd = s.db().Prepare(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = ?2, "
        "last_error = 'silence ended while the alert was still firing' "
        "WHERE id = ?1 AND status = 'silenced'");
    if (!upd.ok()) return upd.status();
    if (auto r = upd->Bind(1, c.id).Bind(2, FormatTime(now)).Run(); !r.ok()) return r;
    released += s.db().Changes();
  }
  return released;
}

Status DeferDelivery(store::Store& s, int64_t delivery_id, TimePoint when) {
  auto st = s.db().Prepare(
      "UPDATE deliveries SET next_attempt_at = ?2 WHERE id = ?1 AND status = 'pending'");
  if (!st.ok()) return st.status();
  return st->Bind(1, delivery_id).Bind(2, FormatTime(when)).Run();
}

Result<std::optional<TimePoint>> NextSilenceEnd(store::Store& s) {
  auto st = s.db().Prepare(
      "SELECT min(ends_at) FROM silences WHERE ends_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row || st->IsNull(0)) return std::optional<TimePoint>();
  auto t = ParseTime(st->Text(0));
  if (!t.ok()) return t.status();
  return std::optional<TimePoint>(*t);
}

}  // namespace liqwatch::notify
