// Strict, typed reading of YAML nodes with FILE:LINE:COL errors.
//
// Contract: every accessor either returns a value or records a ConfigError at the node's
// position and returns nullopt; nothing throws. `path` arguments name the item for messages
// ("sources.fred", "rules[2]"). Maps are checked for unknown keys against an allow-list so a
// typo is an error, not a silently ignored setting. Not thread-safe (one reader per load).
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.h"

namespace liqwatch::config {

class YamlReader {
 public:
  // resolve_secrets: false leaves ${...} references unread (config.h SecretRefs::kSkip).
  YamlReader(std::string file, std::vector<ConfigError>* errors, bool resolve_secrets = true)
      : file_(std::move(file)), errors_(errors), resolve_secrets_(resolve_secrets) {}

  static Position PositionOf(const YAML::Node& node);
  void Error(const YAML::Node& at, const std::string& message);
  void ErrorAt(Position pos, const std::string& message);

  // True when `node` is a map whose keys are all in `allowed`; reports each unknown key.
  bool CheckMap(const YAML::Node& node, const std::string& path,
                std::initializer_list<std::string_view> allowed);
  bool CheckMap(const YAML::Node& node, const std::string& path,
                std::span<const std::string_view> allowed);
  // True when `map[key]` is present and not null; if `required`, absence is an error.
  bool Has(const YAML::Node& map, const char* key, const std::string& path, bool required);

  std::optional<std::string> String(const YAML::Node& map, const char* key, const std::string& path,
                                    bool required);
  // A string that may be a ${env:}/${file:}/${cred:} reference; errors name the key only.
  std::optional<std::string> Secret(const YAML::Node& map, const char* key, const std::string& path,
                                    bool required);
  std::optional<double> Number(const YAML::Node& map, const char* key, const std::string& path,
                               bool required);
  // true/yes/on or false/no/off.
  std::optional<bool> Bool(const YAML::Node& map, const char* key, const std::string& path,
                           bool required);
  std::optional<Duration> DurationValue(const YAML::Node& map, const char* key,
                                        const std::string& path, bool required);
  std::optional<std::size_t> ByteSize(const YAML::Node& map, const char* key,
                                      const std::string& path, bool required);  // 8MiB, 512KiB
  // http(s)://host[:port][/path]; a secret reference is resolved before the check.
  std::optional<std::string> Url(const YAML::Node& map, const char* key, const std::string& path,
                                 bool required, bool secret);
  std::optional<std::vector<std::string>> StringList(const YAML::Node& map, const char* key,
                                                     const std::string& path, bool required);

  const std::string& file() const { return file_; }

  // Reports every key that appears twice in one mapping of the first document of `text`
  // ("rules[0]: duplicate key 'expr', first at line 4, column 5", at the second one). yaml-cpp
  // keeps both pairs and `map[key]` reads one of them, so a repeated key would silently lose a
  // setting. Reads the YAML as events: aliases are not expanded, the cost is linear in the
  // text. Call it after YAML::Load succeeded on the same text.
  void CheckDuplicateKeys(const std::string& text);

 private:
  std::optional<std::string> Scalar(const YAML::Node& map, const char* key, const std::string& path,
                                    bool required, std::string_view expected);
  // A ${...} reference left unread (resolve_secrets_ false).
  bool Unresolved(const std::string& text) const;
  std::string file_;
  std::vector<ConfigError>* errors_;
  bool resolve_secrets_ = true;
};

// A problem with an HTTP listen address, or nullopt when it is usable: "off", or HOST:PORT with
// HOST an IPv4 address, a bracketed IPv6 address or localhost, and PORT 1 to 65535.
std::optional<std::string> ListenAddressProblem(std::string_view listen);

// True for "http://host..." / "https://host..." with a non-empty host.
bool IsHttpUrl(std::string_view url);

}  // namespace liqwatch::config
