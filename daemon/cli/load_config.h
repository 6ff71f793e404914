// Loading the config a CLI command was given.
//
// Contract: LoadConfigOrReport returns the validated config, or nullopt after printing every
// problem to stderr as "FILE:LINE:COL: message" (secrets scrubbed); the command then exits 2.
// Commands that send nothing pass SecretRefs::kSkip (config.h).
// Not thread-safe (writes stderr); call from the command's thread only.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"

namespace liqwatch::cli {

std::optional<config::Config> LoadConfigOrReport(
    const std::string& path, config::SecretRefs secrets = config::SecretRefs::kResolve);

}  // namespace liqwatch::cli
