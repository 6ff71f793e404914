#include "notify/operator_actions.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json.h"

namespace liqwatch::notify {

namespace {

// Runs `change` (returning Result<int64_t>: the id it made or touched) and writes its audit row,
// in one transaction.
template <typename Change>
Result<int64_t> Audited(store::Store& s, const std::string& actor, TimePoint now,
                        const std::string& action, const std::string& kind,
                        const boost::json::object& detail, Change change) {
  return s.Atomically([&]() -> Result<int64_t> {
    auto id = change();
    if (!id.ok()) return id.status();
    store::AuditEntry e{
        0, FormatTime(now), actor, action, fmt::format("{} {}", kind, *id), WriteJson(detail)};
    if (auto row = s.AddAudit(e); !row.ok()) return row.status();
    return *id;
  });
}

}  // namespace

Result<int64_t> AddSilenceAudited(store::Store& s, const Silence& silence, const std::string& actor,
                                  TimePoint now) {
  boost::json::object detail{{"rule", silence.rule},           {"labels", silence.matchers},
                             {"starts_at", silence.starts_at}, {"ends_at", silence.ends_at},
                             {"comment", silence.comment},     {"created_by", silence.created_by}};
  return Audited(s, actor, now, "silence.add", "silence", detail,
                 [&] { return AddSilence(s, silence); });
}

Status ExpireSilenceAudited(store::Store& s, int64_t id, const std::string& actor, TimePoint now) {
  boost::json::object detail{{"ended_at", FormatTime(now)}};
  return Audited(s, actor, now, "silence.expire", "silence", detail,
                 [&]() -> Result<int64_t> {
                   if (auto st = ExpireSilence(s, id, now); !st.ok()) return st;
                   return id;
                 })
      .status();
}

Result<int64_t> AckAlertAudited(store::Store& s, int64_t alert_id, const std::string& comment,
                                const std::string& actor, TimePoint now) {
  int64_t event_id = 0;
  boost::json::object detail{{"comment", comment}};
  auto done = Audited(s, actor, now, "alert.ack", "alert", detail, [&]() -> Result<int64_t> {
    auto ev = s.AckAlert(alert_id, comment, now);
    if (!ev.ok()) return ev.status();
    event_id = *ev;
    return alert_id;
  });
  if (!done.ok()) return done.status();
  return event_id;
}

}  // namespace liqwatch::notify
