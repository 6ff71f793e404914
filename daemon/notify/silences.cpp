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
