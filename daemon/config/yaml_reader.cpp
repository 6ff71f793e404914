#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <boost/asio/ip/address.hpp>

#include <fmt/format.h>

#include "config/secrets.h"

namespace liqwatch::config {

namespace {
std::string Join(std::span<const std::string_view> items) {
  std::string out;
  for (auto it : items) {
    if (!out.empty()) out += ", ";
    out += it;
  }
  return out;
}
std::string Sub(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}
}  // namespace

Position YamlReader::PositionOf(const YAML::Node& node) {
  auto m = node.Mark();
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

void YamlReader::Error(const YAML::Node& at, const std::string& message) {
  ErrorAt(PositionOf(at), message);
}

void YamlReader::ErrorAt(Position pos, const std::string& message) {
  errors_->push_back({file_, pos, message});
}

bool YamlReader::CheckMap(const YAML::Node& node, const std::string& path,
                          std::initializer_list<std::string_view> allowed) {
  return CheckMap(node, path, std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

bool YamlReader::CheckMap(const YAML::Node& node, const std::string& path,
                          std::span<const std::string_view> allowed) {
  if (!node.IsMap()) {
    Error(node, fmt::format("{}: expected a mapping with keys {}", path, Join(allowed)));
    return false;
  }
  bool ok = true;
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>("");
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      Error(kv.first,
            fmt::format("{}: unknown key '{}', expected one of {}", path, key, Join(allowed)));
      ok = false;
    }
  }
  return ok;
}

bool YamlReader::Has(const YAML::Node& map, const char* key, const std::string& path,
                     bool required) {
  auto n = map[key];
  if (n && !n.IsNull()) return true;
  if (required) Error(map, fmt::format("{}: missing required key '{}'", path, key));
  return false;
}

std::optional<std::string> YamlReader::Scalar(const YAML::Node& map, const char* key,
                                              const std::string& path, bool required,
                                              std::string_view expected) {
  if (!Has(map, key, path, required)) return std::nullopt;
  auto n = map[key];
  if (!n.IsScalar()) {
    Error(n, fmt::format("{}: expected {}", Sub(path, key), expected));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::string> YamlReader::String(const YAML::Node& map, const char* key,
                                              const std::string& path, bool required) {
  auto s = Scalar(map, key, path, required, "a string");
  if (s && s->find("${") != std::string::npos) {
    Error(map[key], fmt::format("{}: secret references are not allowed here", Sub(path, key)));
    return std::nullopt;
  }
  return s;
}

bool YamlReader::Unresolved(const std::string& text) const {
  return !resolve_secrets_ && text.find("${") != std::string::npos;
}

std::optional<std::string> YamlReader::Secret(const YAML::Node& map, const char* key,
                                              const std::string& path, bool required) {
  auto s = Scalar(map, key, path, required, "a string or a ${env:NAME} / ${file:PATH} reference");
  if (!s) return std::nullopt;
  if (Unresolved(*s)) return s;
  auto resolved = ResolveSecret(*s);
  if (!resolved.ok()) {
    Error(map[key], fmt::format("{}: {}", Sub(path, key), resolved.status().message()));
    return std::nullopt;
  }
  return std::move(resolved).value();
}

std::optional<double> YamlReader::Number(const YAML::Node& map, const char* key,
                                         const std::string& path, bool required) {
  auto s = Scalar(map, key, path, required, "a number");
  if (!s) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size() || !std::isfinite(v)) {  // nan, inf
    Error(map[key], fmt::format("{}: expected a number, found '{}'", Sub(path, key), *s));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::Bool(const YAML::Node& map, const char* key,
                                     const std::string& path, bool required) {
  auto v = Scalar(map, key, path, required, "true or false");
  if (!v) return std::nullopt;
  if (*v == "true" || *v == "yes" || *v == "on") return true;
  if (*v == "false" || *v == "no" || *v == "off") return false;
  Error(map[key], fmt::format("{}: expected true or false, found '{}'", Sub(path, key), *v));
  return std::nullopt;
}

std::optional<Duration> YamlReader::DurationValue(const YAML::Node& map, const char* key,
                                                  const std::string& path, bool required) {
  auto s = Scalar(map, key, path, required, "a duration such as 30s, 5m, 1h or 2d");
  if (!s) return std::nullopt;
  auto d = ParseDuration(*s);
  if (!d.ok() && d.status().code() == Status::Code::kTooLarge) {
    Error(map[key], fmt::format("{}: {}", Sub(path, key), d.status().message()));
    return std::nullopt;
  }
  if (!d.ok() || d->count() <= 0) {
    Error(map[key], fmt::format("{}: invalid duration '{}', expected a positive number and a "
                                "unit (ms, s, m, h, d, w)",
                                Sub(path, key), *s));
    return std::nullopt;
  }
  return *d;
}

std::optional<std::size_t> YamlReader::ByteSize(const YAML::Node& map, const char* key,
                                                const std::string& path, bool required) {
  auto s = Scalar(map, key, path, required, "a size such as 8MiB");
  if (!s) return std::nullopt;
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
  std::string_view unit(p, s->data() + s->size() - p);
  std::size_t mult = 0;
  if (unit.empty() || unit == "B")
    mult = 1;
  else if (unit == "KiB")
    mult = 1024;
  else if (unit == "MiB")
    mult = 1024 * 1024;
  else if (unit == "GiB")
    mult = 1024ull * 1024 * 1024;
  if (ec != std::errc() || mult == 0 || n == 0 || n > SIZE_MAX / mult) {
    Error(map[key], fmt::format("{}: invalid size '{}', expected a number with B, KiB, MiB or GiB",
                                Sub(path, key), *s));
    return std::nullopt;
  }
  return n * mult;
}

namespace {

// Tracks, per open mapping, the keys seen so far; sequences count their items for the path.
class DuplicateKeyFinder final : public YAML::EventHandler {
 public:
  explicit DuplicateKeyFinder(YamlReader& r) : r_(r) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Completed(nullptr, mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Completed(nullptr, mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    Completed(&value, mark);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    stack_.push_back(Frame{false});
  }
  void OnSequenceEnd() override { End(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    stack_.push_back(Frame{true});
  }
  void OnMapEnd() override { End(); }

 private:
  struct Frame {
    bool is_map;
    bool expect_key = true;
    int items = 0;    // sequence: items completed (the index of the one being read)
    std::string key;  // mapping: the key whose value is being read
    std::map<std::string, YAML::Mark> keys;
  };

  void End() {
    stack_.pop_back();
    Completed(nullptr, YAML::Mark::null_mark());
  }

  // A whole node ended: a key or a value of the enclosing mapping, or an item of a sequence.
  void Completed(const std::string* scalar, const YAML::Mark& mark) {
    if (stack_.empty()) return;
    Frame& f = stack_.back();
    if (!f.is_map) {
      ++f.items;
      return;
    }
    if (!f.expect_key) {
      f.expect_key = true;
      return;
    }
    f.expect_key = false;
    f.key = scalar != nullptr ? *scalar : std::string("?");
    if (scalar == nullptr) return;  // a complex or alias key: not compared
    auto [first, inserted] = f.keys.emplace(*scalar, mark);
    if (inserted) return;
    r_.ErrorAt({mark.line + 1, mark.column + 1},
               fmt::format("{}: duplicate key '{}', first at line {}, column {}", Path(), *scalar,
                           first->second.line + 1, first->second.column + 1));
  }

  // "rules[2].for_each[0]" for the mapping on top of the stack; "top level" for the root.
  std::string Path() const {
    std::string path;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.is_map)
        path += (path.empty() ? "" : ".") + f.key;
      else
        path += fmt::format("[{}]", f.items);
    }
    return path.empty() ? "top level" : path;
  }

  YamlReader& r_;
  std::vector<Frame> stack_;
};

}  // namespace

void YamlReader::CheckDuplicateKeys(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DuplicateKeyFinder finder(*this);
  try {
    parser.HandleNextDocument(finder);
  } catch (const YAML::Exception&) {
    // The caller loaded the same text successfully; a parse error is reported there.
  }
}

std::optional<std::string> ListenAddressProblem(std::string_view listen) {
  if (listen == "off") return std::nullopt;
  const std::string example = "expected HOST:PORT such as 127.0.0.1:9464, or off";
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return example;
  std::string host(listen.substr(0, colon));
  const std::string_view port_text = listen.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string::npos)
    return "an IPv6 address needs brackets, e.g. [::1]:9464";
  unsigned long port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() ||
      port < 1 || port > 65535) {
    return fmt::format("port '{}' is not a number from 1 to 65535", port_text);
  }
  if (host == "localhost") return std::nullopt;
  boost::system::error_code bad;
  boost::asio::ip::make_address(host, bad);
  if (bad) return fmt::format("host '{}' is not an IP address or localhost", host);
  return std::nullopt;
}

bool IsHttpUrl(std::string_view url) {
  std::string_view rest;
  if (url.rfind("http://", 0) == 0)
    rest = url.substr(7);
  else if (url.rfind("https://", 0) == 0)
    rest = url.substr(8);
  else
    return false;
  auto host_end = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, host_end);
  if (auto at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  if (host.empty() || host.front() == ':') return false;
  return std::none_of(host.begin(), host.end(), [](char c) { return c == ' ' || c == '\t'; });
}

std::optional<std::string> YamlReader::Url(const YAML::Node& map, const char* key,
                                           const std::string& path, bool required, bool secret) {
  auto s = secret ? Secret(map, key, path, required) : String(map, key, path, required);
  if (!s) return std::nullopt;
  if (secret && Unresolved(*s)) return s;  // its value is not known here
  if (!IsHttpUrl(*s)) {
    // Never echo a secret URL back: it is the secret.
    Error(map[key], secret ? fmt::format("{}: malformed URL, expected http://host/... or "
                                         "https://host/...",
                                         Sub(path, key))
                           : fmt::format("{}: malformed URL '{}', expected http://host/... or "
                                         "https://host/...",
                                         Sub(path, key), *s));
    return std::nullopt;
  }
  while (!secret && s->size() > 1 && s->back() == '/') s->pop_back();
  return s;
}

std::optional<std::vector<std::string>> YamlReader::StringList(const YAML::Node& map,
                                                               const char* key,
                                                               const std::string& path,
                                                               bool required) {
  if (!Has(map, key, path, required)) return std::nullopt;
  auto n = map[key];
  if (!n.IsSequence()) {
    Error(n, fmt::format("{}: expected a list of strings", Sub(path, key)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      Error(item, fmt::format("{}: expected a list of strings", Sub(path, key)));
      return std::nullopt;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

}  // namespace liqwatch::config
