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

// The active silence covering (rule, labels) at `now`, if any (the one ending last).
Result<std::optional<Silence>> Matching(store::Store& s, const std::string& rule,
                                        const std::string& labels, TimePoint now) {
  auto in_force = s.SilencesInForce(rule, now);
  if (!in_force.ok()) return in_force.status();
  for (auto& sil : *in_force)
    if (LabelsMatch(sil.matchers, labels)) return std::optional<Silence>(std::move(sil));
  return std::optional<Silence>();
}

}  // namespace

std::string SilenceWhere(const Silence& s) {
  return s.pushed_to.empty() ? "liqwatch" : "liqwatch+" + s.pushed_to;
}

boost::json::object SilenceJson(const Silence& s) {
  return {{"id", s.id},
          {"rule", s.rule},
          {"labels", s.matchers},
          {"starts_at", s.starts_at},
          {"ends_at", s.ends_at},
          {"comment", s.comment},
          {"created_by", s.created_by},
          {"created_at", s.created_at},
          {"active", s.active},
          {"where", SilenceWhere(s)}};
}

bool LabelsMatch(const std::string& matchers, const std::string& labels) {
  auto have = Split(labels, ',');
  for (const auto& m : Split(matchers, ',')) {
    bool found = false;
    for (const auto& h : have) found = found || h == m;
    if (!found) return false;
  }
  return true;
}

namespace {

Result<TimePoint> SilenceEnd(const SilenceRequest& r, TimePoint now, std::string_view prefix) {
  auto bad = [&](std::string_view name, const std::string& problem) {
    return Status::InvalidArgument(fmt::format("{}{}: {}", prefix, name, problem));
  };
  if (r.duration.empty() == r.until.empty())
    return Status::InvalidArgument(
        fmt::format("give either {0}for DURATION or {0}until TIME", prefix));
  if (!r.duration.empty()) {
    auto d = ParseDuration(r.duration);
    if (!d.ok()) return bad("for", d.status().message());
    if (d->count() <= 0)
      return Status::InvalidArgument(fmt::format(
          "{}for {}: a silence must last longer than 0s (e.g. 30m, 12h, 2d)", prefix, r.duration));
    return now + *d;
  }
  auto t = ParseTime(r.until);
  if (!t.ok()) return bad("until", t.status().message());
  if (*t <= now)
    return Status::InvalidArgument(fmt::format("{}until {}: that is not in the future (now {})",
                                               prefix, r.until, FormatTime(now)));
  return *t;
}

}  // namespace

Result<Silence> MakeSilence(const SilenceRequest& r, TimePoint now, std::string_view prefix) {
  auto ends = SilenceEnd(r, now, prefix);
  if (!ends.ok()) return ends.status();
  Silence s;
  for (const auto& l : r.labels) {
    auto eq = l.find('=');
    if (eq == std::string::npos || eq == 0 || l.find(',') != std::string::npos)
      return Status::InvalidArgument(fmt::format("{}label '{}': expected KEY=VALUE", prefix, l));
    s.matchers += (s.matchers.empty() ? "" : ",") + l;
  }
  if (r.rule.empty())
    return Status::InvalidArgument(fmt::format("{}rule: expected a rule name or '*'", prefix));
  s.rule = r.rule;
  s.starts_at = FormatTime(now);
  s.ends_at = FormatTime(*ends);
  s.comment = r.comment;
  s.created_by = r.author;
  s.created_at = s.starts_at;
  return s;
}

Result<int64_t> AddSilence(store::Store& s, const Silence& silence) {
  return s.AddSilence(silence);
}

Status SetSilencePushedTo(store::Store& s, int64_t id, const std::string& pushed_to) {
  return s.SetSilencePushedTo(id, pushed_to);
}

Result<Silence> GetSilence(store::Store& s, int64_t id) {
  auto sil = s.GetSilence(id);
  if (!sil.ok()) return sil.status();
  if (!*sil) return Status::NotFound(fmt::format("no silence {}", id));
  return std::move(**sil);
}

Result<std::vector<Silence>> ListSilences(store::Store& s, TimePoint now, bool all) {
  return s.Silences(now, all);
}

Status ExpireSilence(store::Store& s, int64_t id, TimePoint now) {
  auto sil = GetSilence(s, id);
  if (!sil.ok()) return sil.status();
  if (sil->ends_at <= FormatTime(now))
    return Status::FailedPrecondition(
        fmt::format("silence {} already ended at {}", id, sil->ends_at));
  return s.EndSilence(id, now);
}

Result<Gate> GateDelivery(store::Store& s, const store::DeliveryJob& job, bool send_resolved,
                          TimePoint now, std::string* why) {
  if (job.kind == "resolved" && !send_resolved) {
    *why = "send_resolved is off for this notifier";
    if (auto r = s.MarkSkipped(job.delivery_id, now, *why); !r.ok()) return r;
    return Gate::kSkipped;
  }
  auto labels = s.EventLabels(job.event_id);
  if (!labels.ok()) return labels.status();
  auto sil = Matching(s, job.rule, *labels, now);
  if (!sil.ok()) return sil.status();
  if (!*sil) return Gate::kSend;
  *why = fmt::format("silenced by silence {} until {}", (*sil)->id, (*sil)->ends_at);
  if (auto r = s.MarkSilenced(job.delivery_id, (*sil)->ends_at, *why); !r.ok()) return r;
  return Gate::kSilenced;
}

Result<int> ReleaseSilenced(store::Store& s, TimePoint now,
                            const std::vector<std::string>& notifiers) {
  if (notifiers.empty()) return 0;
  auto candidates = s.SilencedFiringDeliveries();
  if (!candidates.ok()) return candidates.status();
  int released = 0;
  for (const auto& c : *candidates) {
    bool wanted = false;
    for (const auto& n : notifiers) wanted = wanted || n == c.notifier;
    if (!wanted) continue;
    auto sil = Matching(s, c.rule, c.labels, now);
    if (!sil.ok()) return sil.status();
    if (*sil) continue;  // still silenced (maybe by another silence)
    auto done = s.ReleaseSilencedDelivery(c.delivery_id, now);
    if (!done.ok()) return done.status();
    if (*done) ++released;
  }
  return released;
}

Status DeferDelivery(store::Store& s, int64_t delivery_id, TimePoint when) {
  return s.DeferDelivery(delivery_id, when);
}

Result<std::optional<TimePoint>> NextSilenceEnd(store::Store& s) { return s.NextSilenceEnd(); }

}  // namespace liqwatch::notify
