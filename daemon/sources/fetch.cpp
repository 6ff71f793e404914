#include "sources/fetch.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/defaults.h"
#include "core/log.h"
#include "core/units.h"
#include "sources/driver.h"
#include "sources/formats/date_format.h"
#include "sources/formats/html_table.h"

namespace liqwatch::sources {

namespace {

// The error for a non-2xx answer: the status, the feed's own reason (FRED's JSON API) or the
// URL that answered, and what a bot wall means.
Status HttpStatusError(const SourceConfig& source, const SeriesConfig& series,
                       const http::HttpResponse& response) {
  const auto reason = source.driver->ErrorReason(source, series, response);
  std::string msg = fmt::format("HTTP {}{}", response.status, reason.value_or(""));
  // A bot wall is not a broken feed: say so, so nobody goes looking for a layout change.
  const bool challenge = response.Header("cf-mitigated") == "challenge" ||
                         (response.status == 403 && LooksLikeBotChallenge(response.body));
  if (challenge)
    msg = fmt::format("blocked by the site: HTTP {} bot challenge (Cloudflare)", response.status);
  else if (response.status == 403)
    msg += " (forbidden: the site refuses this client)";
  // Which URL answered, so the operator can tell a moved page from a typo'd path (a reason
  // of the feed's own already says what was wrong; FRED's URL carries the api_key).
  if (!reason && !response.url.empty()) msg += " from " + RedactUrl(ScrubSecrets(response.url));
  if (challenge)
    msg +=
        "; not a layout change: the site refuses this client (set the source's headers, "
        "e.g. User-Agent and Accept, or use a mirror)";
  if (response.status == 429 || response.status >= 500) return Status::Unavailable(msg);
  return Status::HttpError(msg);
}

}  // namespace

http::HttpRequest BuildRequest(const SourceConfig& source, const SeriesConfig& series,
                               std::optional<Date> since, Date today, int page) {
  http::HttpRequest req;
  req.timeout = source.timeout;
  req.max_body_bytes = source.max_body_bytes;
  req.redirect_hosts = source.redirect_hosts;
  req.headers = source.headers;
  RequestRange range;
  if (since) range.start = *since - std::chrono::days(config::defaults::kIncrementalOverlapDays);
  range.from =
      range.start.value_or(today - std::chrono::days(config::defaults::kInitialLookbackDays));
  range.today = today;
  range.page = page;
  req.url = source.driver->BuildUrl(source, series, range);
  return req;
}

Result<ParsedPage> ParsePage(const SourceConfig& source, const SeriesConfig& series,
                             const http::HttpResponse& response, Date today) {
  ParsedPage page;
  if (response.status == 304) {
    page.not_modified = true;
    return page;
  }
  if (response.status < 200 || response.status >= 300)
    return HttpStatusError(source, series, response);
  auto parsed = source.driver->Parse(source, series, response, today);
  if (!parsed.ok()) return parsed.status();
  page.next_page = parsed->next_page;
  page.observations.reserve(parsed->points.size());
  const std::string what = fmt::format("{} {}", source.name, series.remote_id);
  for (const auto& p : parsed->points) {
    std::optional<double> v;
    if (p.value) {
      if (!std::isfinite(*p.value))
        return Status::InvalidArgument(fmt::format("{}: value {} on {} is not a finite number",
                                                   what, *p.value, FormatDate(p.date)));
      v = ToCanonical(*p.value, series.unit);
      if (!std::isfinite(*v))
        return Status::InvalidArgument(
            fmt::format("{}: value {} on {} overflows when converted to {}", what, *p.value,
                        FormatDate(p.date), UnitName(CanonicalUnit(DimensionOf(series.unit)))));
    }
    page.observations.push_back({source.driver->SeriesIdFor(series, p), p.date, v, p.provisional});
  }
  if (Status st = CheckObservations(page.observations, what); !st.ok()) return st;
  return page;
}

Status CheckObservations(const std::vector<Observation>& observations, std::string_view what) {
  std::map<std::pair<std::string_view, Date>, const Observation*> seen;
  for (const auto& o : observations) {
    if (Status st = CheckObservationDate(o.date, what); !st.ok()) return st;
    if (o.value && !std::isfinite(*o.value))
      return Status::InvalidArgument(fmt::format("{}: value {} on {} is not a finite number", what,
                                                 *o.value, FormatDate(o.date)));
    auto [it, fresh] = seen.emplace(std::pair<std::string_view, Date>(o.series, o.date), &o);
    if (fresh) continue;
    auto text = [](const std::optional<double>& v) {
      return v ? fmt::format("{}", *v) : std::string("missing");
    };
    return Status::InvalidArgument(fmt::format(
        "{}: the response has two observations of {} for {} ({} and {}); a repeated date is "
        "ambiguous, nothing from this response is stored",
        what, o.series, FormatDate(o.date), text(it->second->value), text(o.value)));
  }
  return Status::Ok();
}

void AddConditionalHeaders(http::HttpRequest& request, const HttpValidators& known) {
  if (!known.etag.empty()) request.headers.emplace_back("If-None-Match", known.etag);
  if (!known.last_modified.empty())
    request.headers.emplace_back("If-Modified-Since", known.last_modified);
}

std::optional<HttpValidators> ValidatorsAfter(const http::HttpResponse& response,
                                              const std::optional<HttpValidators>& known) {
  HttpValidators v{response.Header("ETag"), response.Header("Last-Modified")};
  if (response.status == 200) return v;
  if (response.status != 304) return std::nullopt;
  if (known) {
    if (v.etag.empty()) v.etag = known->etag;
    if (v.last_modified.empty()) v.last_modified = known->last_modified;
  }
  return v;
}

std::string HostOf(const std::string& url) {
  auto p = url.find("://");
  auto start = p == std::string::npos ? 0 : p + 3;
  auto end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  // Userinfo (user:password@) is a credential, not part of the host.
  if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  return authority;
}

}  // namespace liqwatch::sources
