#include "config/secrets.h"

#include <cstdlib>

#include "core/defaults.h"
#include "core/file.h"
#include "core/log.h"

namespace liqwatch::config {

Result<std::string> ResolveSecret(const std::string& text) {
  if (text.find("${") == std::string::npos) {
    // A literal in a secret field is the secret itself (a Slack or webhook URL carries its
    // token in the path): scrubbed from logs and errors like a resolved reference.
    RegisterSecret(text);
    return text;
  }
  if (text.size() < 4 || text.rfind("${", 0) != 0 || text.back() != '}') {
    return Status::InvalidArgument(
        "a secret reference must be the whole value: ${env:NAME}, ${file:PATH} or ${cred:NAME}");
  }
  std::string inner = text.substr(2, text.size() - 3);
  auto colon = inner.find(':');
  std::string kind = inner.substr(0, colon);
  std::string arg = colon == std::string::npos ? "" : inner.substr(colon + 1);
  if (colon == std::string::npos || arg.empty()) {
    return Status::InvalidArgument(
        "malformed secret reference, expected ${env:NAME}, "
        "${file:PATH} or ${cred:NAME}");
  }
  std::string value;
  if (kind == "env") {
    const char* v = std::getenv(arg.c_str());
    if (v == nullptr || *v == '\0') {
      return Status::NotFound("environment variable " + arg + " is not set");
    }
    value = v;
  } else if (kind == "file" || kind == "cred") {
    std::string path = arg;
    if (kind == "cred") {
      const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
      if (dir == nullptr || *dir == '\0') {
        return Status::NotFound("credential " + arg +
                                " requested but CREDENTIALS_DIRECTORY is not set (use "
                                "LoadCredential= in the unit)");
      }
      path = std::string(dir) + "/" + arg;
    }
    auto content = ReadSmallFile(path, defaults::kMaxSecretBytes);
    if (!content.ok()) {
      std::string why = "secret file " + path + " " + content.status().message();
      return content.status().code() == Status::Code::kNotFound ? Status::NotFound(why)
                                                                : Status::InvalidArgument(why);
    }
    value = std::move(*content);
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    if (value.empty()) return Status::NotFound("secret file " + path + " is empty");
  } else {
    return Status::InvalidArgument("unknown secret reference kind '" + kind +
                                   "', expected env, file or cred");
  }
  RegisterSecret(value);
  return value;
}

}  // namespace liqwatch::config
