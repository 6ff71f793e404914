// /api/v1/silences: list, add (POST) and expire (DELETE /api/v1/silences/{id}) silences, as
// `liqwatch silence` does on the daemon's host. Local silences only: pushing to an
// Alertmanager cluster stays with the CLI (`silence add --push`).
#include <fmt/format.h>

#include "api/config_json.h"
#include "api/handlers.h"
#include "notify/operator_actions.h"
#include "notify/silences.h"

namespace liqwatch::api {

namespace {

// A field of the request body as a string ("" when absent); false with an error if it is
// there but not a string.
bool StringField(const boost::json::object& o, std::string_view name, std::string* out,
                 Reply* error) {
  const auto* v = o.if_contains(name);
  if (!v || v->is_null()) return true;
  if (!v->is_string()) {
    *error = Error(400, fmt::format("{}: expected a string", name));
    return false;
  }
  *out = std::string(v->as_string());
  return true;
}

// The silence the body asks for: {"rule", "labels": ["k=v", ...], "for" | "until", "comment",
// "author"}. Without an author, the caller's actor is recorded as the silence's author.
Result<notify::Silence> SilenceFromBody(const boost::json::object& o, const Call& call,
                                        Reply* error) {
  notify::SilenceRequest r;
  for (auto [name, field] :
       {std::pair{"rule", &r.rule}, std::pair{"for", &r.duration}, std::pair{"until", &r.until},
        std::pair{"comment", &r.comment}, std::pair{"author", &r.author}})
    if (!StringField(o, name, field, error)) return Status::InvalidArgument("body");
  if (const auto* labels = o.if_contains("labels"); labels && !labels->is_null()) {
    bool ok = labels->is_array();
    for (const auto& l : ok ? labels->as_array() : boost::json::array{}) {
      ok = ok && l.is_string();
      if (ok) r.labels.emplace_back(l.as_string());
    }
    if (!ok) {
      *error = Error(400, "labels: expected an array of \"KEY=VALUE\" strings");
      return Status::InvalidArgument("body");
    }
  }
  if (r.author.empty()) r.author = call.actor;
  auto s = notify::MakeSilence(r, call.now, "");
  if (!s.ok()) *error = Error(400, s.status().message());
  return s;
}

}  // namespace

boost::asio::awaitable<Reply> ListSilences(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {"all"})) co_return *bad;
  bool all = false;
  if (auto it = call.target.query.find("all"); it != call.target.query.end()) {
    if (it->second != "true" && it->second != "false")
      co_return Error(400, fmt::format("all: unknown '{}', expected true or false", it->second));
    all = it->second == "true";
  }
  auto job = [all, now = call.now](store::Store& s) -> Reply {
    auto rows = notify::ListSilences(s, now, all);
    if (!rows.ok()) return FromStatus(rows.status());
    boost::json::array arr;
    for (const auto& sil : *rows) arr.push_back(notify::SilenceJson(sil));
    return Json(boost::json::object{{"silences", std::move(arr)}});
  };
  co_return co_await svc.reader.Run(job);
}

boost::asio::awaitable<Reply> AddSilence(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {})) co_return *bad;
  auto body = JsonBody(call.req, {"rule", "labels", "for", "until", "comment", "author"});
  if (auto* e = std::get_if<std::string>(&body)) co_return Error(400, *e);
  Reply error;
  auto silence = SilenceFromBody(std::get<boost::json::object>(body), call, &error);
  if (!silence.ok()) co_return error;
  auto job = [silence = *silence, actor = call.actor, now = call.now](store::Store& s) -> Reply {
    auto id = notify::AddSilenceAudited(s, silence, actor, now);
    if (!id.ok()) return FromStatus(id.status());
    auto stored = silence;
    stored.id = *id;
    stored.active = true;  // it starts now
    boost::json::object answer = notify::SilenceJson(stored);
    AddTimeDisplay(answer, {"starts_at", "ends_at"});
    return Json(boost::json::object{{"silence", std::move(answer)}}, 201);
  };
  co_return co_await svc.writer.Run(job);
}

boost::asio::awaitable<Reply> ExpireSilence(Services& svc, const Call& call) {
  if (auto bad = BadParams(call, {})) co_return *bad;
  Reply error;
  auto id = IdArg(call, "silence", &error);
  if (!id) co_return error;
  auto job = [id = *id, actor = call.actor, now = call.now](store::Store& s) -> Reply {
    if (auto st = notify::ExpireSilenceAudited(s, id, actor, now); !st.ok()) return FromStatus(st);
    auto ended = notify::GetSilence(s, id);
    if (!ended.ok()) return FromStatus(ended.status());
    return Json(boost::json::object{{"silence", notify::SilenceJson(*ended)}});
  };
  co_return co_await svc.writer.Run(job);
}

}  // namespace liqwatch::api
