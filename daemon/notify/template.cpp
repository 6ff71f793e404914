#include "notify/template.h"

#include <algorithm>

namespace liqwatch::notify {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Calls on_text(text) and on_name(name) in order; returns false on an unterminated "{{".
template <typename Text, typename Name>
bool Scan(std::string_view t, Text on_text, Name on_name) {
  std::size_t pos = 0;
  while (pos < t.size()) {
    auto open = t.find("{{", pos);
    if (open == std::string_view::npos) {
      on_text(t.substr(pos));
      return true;
    }
    on_text(t.substr(pos, open - pos));
    auto close = t.find("}}", open + 2);
    if (close == std::string_view::npos) {
      on_text(t.substr(open));
      return false;
    }
    on_name(Trim(t.substr(open + 2, close - open - 2)));
    pos = close + 2;
  }
  return true;
}

}  // namespace

std::string RenderTemplate(std::string_view text, const std::map<std::string, std::string>& vars) {
  std::string out;
  Scan(
      text, [&](std::string_view s) { out.append(s); },
      [&](std::string_view name) {
        auto it = vars.find(std::string(name));
        if (it != vars.end()) out += it->second;
      });
  return out;
}

std::vector<std::string> CheckTemplate(std::string_view text,
                                       const std::vector<std::string>& known) {
  std::vector<std::string> bad;
  bool ok = Scan(
      text, [](std::string_view) {},
      [&](std::string_view name) {
        if (std::find(known.begin(), known.end(), name) == known.end()) bad.emplace_back(name);
      });
  if (!ok) bad.emplace_back("unterminated {{");
  return bad;
}

}  // namespace liqwatch::notify
