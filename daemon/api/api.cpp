#include "api/api.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace liqwatch::api {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;

namespace {

std::string ContentTypeFor(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".ico", "image/x-icon"}};
  for (const auto& [ext, type] : kTypes)
    if (name.ends_with(ext)) return type;
  return "application/octet-stream";
}

// The "{}" segments of `path` when it matches `pattern` segment by segment, nullopt otherwise.
std::optional<std::vector<std::string>> Match(std::string_view pattern, std::string_view path) {
  std::vector<std::string> args;
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return std::nullopt;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto p_end = std::min(pattern.find('/'), pattern.size());
    const auto s_end = std::min(path.find('/'), path.size());
    const std::string_view want = pattern.substr(0, p_end), got = path.substr(0, s_end);
    if (want == "{}" && !got.empty())
      args.emplace_back(got);
    else if (want != got)
      return std::nullopt;
    pattern.remove_prefix(p_end);
    path.remove_prefix(s_end);
  }
  return args;
}

bool Matches(const Route& r, bhttp::verb method) {
  return r.method == method || (r.method == bhttp::verb::get && method == bhttp::verb::head);
}

// "GET, HEAD", "POST", ... for every route whose pattern matches.
std::string AllowedMethods(const std::vector<const Route*>& routes) {
  std::string out;
  for (const auto* r : routes) {
    out += (out.empty() ? "" : ", ") + std::string(bhttp::to_string(r->method));
    if (r->method == bhttp::verb::get) out += ", HEAD";
  }
  return out;
}

}  // namespace

std::string FindWebDir(const std::string& configured) {
  std::error_code ec;
  auto has_index = [&](const fs::path& p) { return fs::is_regular_file(p / "index.html", ec); };
  if (!configured.empty()) return has_index(configured) ? configured : "";
  if (const char* d = std::getenv("LIQWATCH_DATADIR"); d && *d) {
    if (has_index(fs::path(d) / "web")) return (fs::path(d) / "web").string();
  }
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto dir = exe.parent_path();
    for (auto p : {dir / ".." / "share" / "liqwatch" / "web", dir / ".." / "web"})
      if (has_index(p)) return fs::weakly_canonical(p, ec).string();
  }
  return "";
}

Api::Api(store::StoreWorker& reader, store::StoreWorker& writer, ConfigFn config,
         const WallClock& clock, std::string web_dir, std::string version)
    : config_(std::move(config)),
      clock_(clock),
      web_dir_(std::move(web_dir)),
      metrics_{std::move(version), {}, {}},
      services_{reader, writer, metrics_} {
  if (web_dir_.empty()) return;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(web_dir_, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    assets_[entry.path().filename().string()] = ss.str();
  }
}

asio::awaitable<Response> Api::Handle(const Request& req) {
  Response res = co_await Dispatch(req);
  ++metrics_.requests[res.result_int()];
  co_return res;
}

Response Api::Asset(const Request& req, const std::string& name) {
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    Response res = ToResponse(
        Error(405, fmt::format("method {} not allowed; use GET", std::string(req.method_string()))),
        req.version());
    res.set(bhttp::field::allow, "GET, HEAD");
    return res;
  }
  const bool safe = !name.empty() && name.find('/') == std::string::npos && name[0] != '.';
  auto it = safe ? assets_.find(name) : assets_.end();
  if (it == assets_.end()) {
    if (assets_.empty() && name == "index.html")
      return ToResponse({503, "dashboard assets not found; set api.web_dir or LIQWATCH_DATADIR\n",
                         "text/plain; charset=utf-8"},
                        req.version());
    return ToResponse(Error(404, "not found"), req.version());
  }
  Response res = ToResponse({200, it->second, ContentTypeFor(name)}, req.version());
  res.set(bhttp::field::cache_control, "no-cache");
  return res;
}

std::variant<std::string, Reply> Api::Authorise(Access access, const Request& req,
                                                const config::Config& c) const {
  const std::string addr(req[http::kRemoteAddrField]);
  if (access == Access::kOpen) return addr;
  if (c.api_token) {
    if (!ConstantTimeEqual(req[bhttp::field::authorization], "Bearer " + *c.api_token)) {
      Reply r = Error(401, "missing or wrong bearer token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"liqwatch\"");
      return r;
    }
  } else if (access == Access::kWrite && !loopback_only_) {
    return Error(403,
                 "write endpoints are off: the API listens beyond loopback without api.token; "
                 "set api.token (then send Authorization: Bearer TOKEN) or listen on 127.0.0.1");
  }
  if (access == Access::kWrite && req.method() == bhttp::verb::post &&
      req[bhttp::field::content_type].find("application/json") != 0)
    return Error(415, "write requests need Content-Type: application/json");
  return (c.api_token ? "token@" : "loopback@") + addr;
}

asio::awaitable<Response> Api::Dispatch(const Request& req) {
  const unsigned v = req.version();
  auto parsed = ParseTarget(req.target());
  if (auto* err = std::get_if<std::string>(&parsed)) co_return ToResponse(Error(400, *err), v);
  const Target& t = std::get<Target>(parsed);
  if (t.path == "/") co_return Asset(req, "index.html");
  const bool api = t.path.starts_with("/api/") || t.path == "/metrics";
  // Every route on this path; the one for this method.
  std::vector<const Route*> on_path;
  const Route* route = nullptr;
  std::vector<std::string> args;
  for (const auto& r : Routes()) {
    auto m = Match(r.pattern, t.path);
    if (!m) continue;
    on_path.push_back(&r);
    if (!route && Matches(r, req.method())) route = &r, args = std::move(*m);
  }
  if (on_path.empty() && !api) co_return Asset(req, t.path.substr(1));
  if (!on_path.empty() && !route) {
    Response res = ToResponse(
        Error(405, fmt::format("method {} not allowed; use {}", std::string(req.method_string()),
                               AllowedMethods(on_path))),
        v);
    res.set(bhttp::field::allow, AllowedMethods(on_path));
    co_return res;
  }
  auto config = config_();
  auto who = Authorise(route ? route->access : Access::kRead, req, *config);
  if (auto* refused = std::get_if<Reply>(&who)) co_return ToResponse(std::move(*refused), v);
  if (!route) co_return ToResponse(Error(404, fmt::format("no such endpoint: {}", t.path)), v);
  Call call{req, t, std::move(args), config, clock_.Now(), std::get<std::string>(who)};
  Reply r = co_await route->handler(services_, call);
  co_return ToResponse(std::move(r), v);
}

}  // namespace liqwatch::api
