#include "cli/load_config.h"

#include <cstdio>

#include "core/log.h"

namespace liqwatch::cli {

std::optional<config::Config> LoadConfigOrReport(const std::string& path,
                                                 config::SecretRefs secrets) {
  auto loaded = config::LoadConfig(path, secrets);
  for (const auto& e : loaded.errors)
    std::fprintf(stderr, "%s\n", ScrubSecrets(e.ToString()).c_str());
  return std::move(loaded.config);
}

}  // namespace liqwatch::cli
