#include "cli/command.h"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/load_config.h"
#include "core/defaults.h"
#include "core/log.h"

namespace liqwatch::cli {

namespace {

constexpr const char* kDefaultConfigPath = "/etc/liqwatch/liqwatch.yaml";

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kTable:
      return "table";
    case Format::kJson:
      return "json";
    case Format::kCsv:
      return "csv";
  }
  return "table";
}

// "table or json", "table, json or csv".
std::string FormatList(const std::vector<Format>& formats) {
  std::string out;
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (i > 0) out += i + 1 == formats.size() ? " or " : ", ";
    out += FormatName(formats[i]);
  }
  return out;
}

}  // namespace

const std::vector<Format> Command::kAllFormats = {Format::kTable, Format::kJson, Format::kCsv};
const std::vector<Format> Command::kTableOrJson = {Format::kTable, Format::kJson};

std::shared_ptr<Command> Command::Add(CLI::App& parent, const std::string& name,
                                      const std::string& help) {
  // Errors name the whole command ("alerts show"); the app itself has no parent.
  std::string full = parent.get_parent() ? parent.get_name() + " " + name : name;
  return std::shared_ptr<Command>(new Command(parent.add_subcommand(name, help), full));
}

Command& Command::WithDb() {
  db_ = std::string(config::defaults::kStoragePath);
  app_->add_option("--db", *db_, "SQLite database path")->capture_default_str();
  return *this;
}

Command& Command::WithDbOverride(const std::string& help) {
  app_->add_option("--db", db_, help);
  return *this;
}

Command& Command::WithConfig(ConfigFile kind, const std::string& help) {
  auto* opt = app_->add_option("--config,-c", config_path_, help);
  if (kind == ConfigFile::kRequired) {
    opt->required();
  } else {
    config_path_ = kDefaultConfigPath;
    opt->capture_default_str();
  }
  return *this;
}

Command& Command::WithFormat(const std::vector<Format>& accepted) {
  formats_ = accepted;
  app_->add_option("--format", format_text_, FormatList(accepted))->capture_default_str();
  return *this;
}

void Command::Run(CommandFn& run, Body body) {
  body_ = std::move(body);
  app_->callback([&run, self = shared_from_this()] {
    if (!self->app_->get_subcommands().empty()) return;  // a subcommand of this one runs
    run = [self] { return self->Execute(); };
  });
}

int Command::Execute() {
  if (formats_) {
    bool known = ParseFormat(format_text_, format_);
    bool accepted = false;
    for (Format f : *formats_) accepted = accepted || (known && f == format_);
    if (!accepted)
      return Usage(
          fmt::format("unknown --format '{}', expected {}", format_text_, FormatList(*formats_)));
  }
  return body_(*this);
}

std::optional<config::Config> Command::LoadConfig(config::SecretRefs secrets) const {
  return LoadConfigOrReport(config_path_, secrets);
}

bool Command::LoadDeskUnits(config::DeskUnits& out) const {
  std::error_code ec;
  if (config_path_.empty() || !std::filesystem::exists(config_path_, ec)) return true;
  auto c = LoadConfig(config::SecretRefs::kSkip);
  if (!c) return false;
  out = config::DeskUnits::Build(*c);
  return true;
}

Result<std::unique_ptr<store::Store>> Command::OpenStore(store::Store::Mode mode,
                                                         const config::Config* config) const {
  std::string path = db_.value_or(config ? config->storage_path : std::string());
  return store::Store::Open(path, mode);
}

int Command::Fail(std::string_view message, int code) const {
  std::fprintf(stderr, "liqwatch %s: %s\n", name_.c_str(),
               ScrubSecrets(std::string(message)).c_str());
  return code;
}

}  // namespace liqwatch::cli
