#include "sources/formats/url.h"

#include <curl/curl.h>

namespace liqwatch::sources {

std::string PercentEncode(std::string_view text) {
  // libcurl escapes all but RFC 3986's unreserved characters; a null handle is allowed
  // (curl >= 7.82). It returns null only when out of memory.
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  if (escaped == nullptr) return {};
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

std::string JoinUrl(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  out.append(path);
  return out;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    out.push_back(out.empty() ? '?' : '&');
    out += k;
    out.push_back('=');
    out += PercentEncode(v);
  }
  return out;
}

}  // namespace liqwatch::sources
