#include "core/log.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <set>
#include <vector>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace liqwatch {
namespace {

std::mutex g_secrets_mu;
std::vector<std::string> g_secrets;  // longest first, so overlapping secrets redact fully

// Formats a record, scrubs secrets, writes to stderr. Holding the formatter here (not in the
// logger) lets every module logger share one sink and one scrubbing point.
class ScrubbingSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::string line = ScrubSecrets(std::string(buf.data(), buf.size()));
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

// "<3>" prefix for journald (sd-daemon(3) priority levels).
class SyslogPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    int prio = 6;
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        prio = 7;
        break;
      case spdlog::level::info:
        prio = 6;
        break;
      case spdlog::level::warn:
        prio = 4;
        break;
      case spdlog::level::err:
        prio = 3;
        break;
      case spdlog::level::critical:
        prio = 2;
        break;
      default:
        break;
    }
    const char text[] = {'<', static_cast<char>('0' + prio), '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }
};

std::mutex g_init_mu;
std::shared_ptr<ScrubbingSink> g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;

std::shared_ptr<ScrubbingSink> Sink() {
  std::lock_guard lock(g_init_mu);
  if (!g_sink) g_sink = std::make_shared<ScrubbingSink>();
  return g_sink;
}

}  // namespace

Status SetLogLevel(std::string_view level) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") {
    return Status::InvalidArgument("unknown log level '" + std::string(level) +
                                   "', expected trace, debug, info, warn, error, critical or off");
  }
  g_level = lvl;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) { l->set_level(lvl); });
  return Status::Ok();
}

Status InitLogging(const LogOptions& options) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (options.journald) {
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*%n: %v");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %n: %v");
  }
  Sink()->set_formatter(std::move(formatter));
  return SetLogLevel(options.level);
}

std::shared_ptr<spdlog::logger> Logger(const std::string& module) {
  auto sink = Sink();
  std::lock_guard lock(g_init_mu);
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = std::make_shared<spdlog::logger>(module, sink);
  logger->set_level(g_level);
  spdlog::register_logger(logger);
  return logger;
}

void RegisterSecret(const std::string& value) {
  if (value.size() < 4) return;
  std::lock_guard lock(g_secrets_mu);
  if (std::find(g_secrets.begin(), g_secrets.end(), value) != g_secrets.end()) return;
  g_secrets.push_back(value);
  std::sort(g_secrets.begin(), g_secrets.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string ScrubSecrets(std::string text) {
  std::lock_guard lock(g_secrets_mu);
  for (const auto& s : g_secrets) {
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos)) {
      text.replace(pos, s.size(), "[redacted]");
      pos += 10;
    }
  }
  return text;
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  // userinfo: scheme://user:pass@host
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    size_t host_start = scheme + 3;
    size_t path_start = out.find_first_of("/?#", host_start);
    size_t at = out.rfind('@', path_start == std::string::npos ? out.size() : path_start);
    if (at != std::string::npos && at > host_start) out.erase(host_start, at - host_start + 1);
  }
  // query parameters that carry credentials
  static const char* kSecretParams[] = {"api_key",  "apikey", "key", "token",    "access_token",
                                        "password", "secret", "sig", "signature"};
  size_t q = out.find('?');
  if (q == std::string::npos) return out;
  std::string result = out.substr(0, q + 1);
  std::string_view query(out);
  query.remove_prefix(q + 1);
  bool first = true;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    if (!first) result += '&';
    first = false;
    bool secret = std::any_of(std::begin(kSecretParams), std::end(kSecretParams),
                              [&](const char* p) { return name == p; });
    if (secret && eq != std::string_view::npos) {
      result += std::string(name) + "=[redacted]";
    } else {
      result += std::string(pair);
    }
  }
  return result;
}

}  // namespace liqwatch
