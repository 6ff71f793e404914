// `liqwatch fetch --config FILE [--series ID]`: polls each series once (from scratch, as on a
// first start, following Treasury pages), prints what it got, stores nothing. Exit 0 when
// every series was fetched and parsed, 1 when any failed (each failure printed), 2 for a bad
// config.
#include <cstdio>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>

#include "cli/command.h"
#include "config/config.h"
#include "core/log.h"
#include "core/units.h"
#include "http/client.h"
#include "sources/poller.h"

namespace liqwatch::cli {

namespace {

struct FetchArgs {
  std::optional<std::string> series;
  int last = 5;
};

// Fetches one series synchronously (runs the io_context until done).
Result<std::vector<Observation>> FetchOne(boost::asio::io_context& io, http::HttpClient& http,
                                          const config::SourceConfig& source,
                                          const config::SeriesConfig& series) {
  const Date today = std::chrono::floor<std::chrono::days>(Clock::now());
  std::vector<Observation> all;
  for (int page = 1; page <= 20; ++page) {
    auto request = sources::BuildRequest(source, series, std::nullopt, today, page);
    std::optional<Result<http::HttpResponse>> got;
    http.AsyncFetch(request, [&](Result<http::HttpResponse> r) { got.emplace(std::move(r)); });
    io.restart();
    while (!got && io.run_one() > 0) {
    }
    if (!got) return Status::Internal("fetch did not complete");
    if (!got->ok()) return got->status();
    auto parsed = sources::ParsePage(source, series, **got, today);
    if (!parsed.ok()) return parsed.status();
    for (auto& o : parsed->observations) all.push_back(std::move(o));
    if (!parsed->next_page) break;
  }
  return all;
}

int RunFetch(Command& cmd, const FetchArgs& args) {
  auto loaded = cmd.LoadConfig();
  if (!loaded) return kExitUsage;
  const config::Config& c = *loaded;
  if (args.series && !c.FindSeries(*args.series))
    return cmd.Usage(fmt::format("no series '{}' in {}", *args.series, cmd.config_path()));
  boost::asio::io_context io;
  http::HttpClient http(io, c.user_agent);
  int failures = 0;
  for (const auto& s : c.series) {
    if (args.series && s.id != *args.series) continue;
    const auto* source = c.FindSource(s.source);
    auto result = FetchOne(io, http, *source, s);
    const auto canonical = CanonicalUnit(DimensionOf(s.unit));
    if (!result.ok()) {
      ++failures;
      std::printf("%s (%s): ERROR %s\n", s.id.c_str(), source->name.c_str(),
                  ScrubSecrets(result.status().message()).c_str());
      continue;
    }
    std::vector<const Observation*> main;
    int extra = 0;
    for (const auto& o : *result) {
      if (o.series == s.id)
        main.push_back(&o);
      else
        ++extra;
    }
    std::printf("%s (%s): %zu observations in %s", s.id.c_str(), source->name.c_str(), main.size(),
                std::string(UnitName(canonical)).c_str());
    if (extra > 0) std::printf(" (+%d per-operation values)", extra);
    std::printf("\n");
    size_t from = main.size() > static_cast<size_t>(args.last) ? main.size() - args.last : 0;
    for (size_t i = from; i < main.size(); ++i) {
      const auto* o = main[i];
      std::printf("  %s  %s%s\n", FormatDate(o->date).c_str(),
                  o->value ? fmt::format("{:g}", *o->value).c_str() : "(missing)",
                  o->provisional ? "  provisional" : "");
    }
  }
  return failures > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterFetch(CLI::App& app, CommandFn& run) {
  auto args = std::make_shared<FetchArgs>();
  auto cmd = Command::Add(
      app, "fetch",
      "Poll each series once and print what it got (nothing is stored): try a config.");
  cmd->WithConfig(Command::ConfigFile::kDefaultPath);
  cmd->app().add_option("--series", args->series, "Only this series");
  cmd->app()
      .add_option("--last", args->last, "Print this many newest observations per series")
      ->capture_default_str();
  cmd->Run(run, [args](Command& c) { return RunFetch(c, *args); });
}

}  // namespace liqwatch::cli
