#include "api/request.h"

#include <fmt/format.h>

#include "core/json.h"
#include "core/utf8.h"

namespace liqwatch::api {

namespace bhttp = boost::beast::http;

Reply Error(unsigned status, const std::string& message) {
  boost::json::object err{{"status", status}, {"message", ValidUtf8(message)}};
  return {status, WriteJson(boost::json::object{{"error", std::move(err)}}) + "\n"};
}

Reply Json(const boost::json::value& v, unsigned status) { return {status, WriteJson(v) + "\n"}; }

Reply FromStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return Error(404, s.message());
    case Status::Code::kInvalidArgument:
      return Error(400, s.message());
    case Status::Code::kFailedPrecondition:
      return Error(409, s.message());
    default:
      return Error(500, s.message());
  }
}

http::Response ToResponse(Reply r, unsigned version) {
  http::Response res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::content_type, r.content_type);
  res.set(bhttp::field::cache_control, "no-store");
  res.set(bhttp::field::server, "liqwatch");
  for (const auto& [name, value] : r.headers) res.set(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(true);
  res.prepare_payload();
  return res;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding ('+' is a space in query strings). Kept rather than curl_easy_unescape:
// that one passes a broken %XX through and decodes %00 into the string, where the API must
// answer 400 for both.
std::optional<std::string> Decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::string List(const std::vector<std::string_view>& names) {
  std::string list;
  for (auto a : names) list += (list.empty() ? "" : ", ") + std::string(a);
  return list.empty() ? std::string("none") : list;
}

bool Allowed(const std::vector<std::string_view>& allowed, std::string_view key) {
  for (auto a : allowed)
    if (key == a) return true;
  return false;
}

}  // namespace

std::variant<Target, std::string> ParseTarget(std::string_view target) {
  Target t;
  auto q = target.find('?');
  auto path = Decode(target.substr(0, q), false);
  if (!path || path->empty() || (*path)[0] != '/') return std::string("malformed request target");
  t.path = *path;
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = Decode(pair.substr(0, eq), true);
    auto value =
        Decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value) return std::string("malformed query string");
    if (!t.query.emplace(*key, *value).second)
      return fmt::format("query parameter '{}' given more than once", *key);
  }
  return t;
}

std::optional<std::string> CheckParams(const Target& t,
                                       const std::vector<std::string_view>& allowed) {
  for (const auto& [k, v] : t.query)
    if (!Allowed(allowed, k))
      return fmt::format("unknown query parameter '{}'; expected {}", k, List(allowed));
  return std::nullopt;
}

std::optional<int64_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::variant<boost::json::object, std::string> JsonBody(
    const http::Request& req, const std::vector<std::string_view>& allowed) {
  if (req.body().empty()) return boost::json::object{};
  boost::system::error_code ec;
  auto v = boost::json::parse(req.body(), ec);
  if (ec) return fmt::format("request body is not JSON: {}", ec.message());
  if (!v.is_object()) return std::string("request body must be a JSON object");
  for (const auto& kv : v.as_object())
    if (!Allowed(allowed, kv.key()))
      return fmt::format("unknown field '{}' in request body; expected {}", std::string(kv.key()),
                         List(allowed));
  return std::move(v.as_object());
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace liqwatch::api
