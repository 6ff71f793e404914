// A source driver: everything liqwatch knows about one source type, in one place.
//
// Contract:
// - One driver per `type:` (fred, nyfed, treasury_dts, fear_greed, html_table, csv, json), each
//   in sources/drivers/<type>.cpp and listed once in the table of sources/drivers/registry.cpp.
//   Adding a source type touches that folder only: its keys and their checks, what remote_id
//   and field may be, its URLs, its parser, its politeness and polling defaults, and the
//   release calendars of its feeds (release_calendar, sources/drivers/calendar.h).
// - The config loader reads the keys every source shares (type, base_url, timeout, max_body,
//   requests_per_second, redirect_hosts, headers) and hands the rest to ReadOptions through an
//   OptionReader, so errors keep FILE:LINE:COL. A key no driver declares is unknown; a key
//   another driver declares is "not a key of type X (only for Y)".
// - BuildUrl and Parse are pure (no clock, no I/O: `today` is passed in), thread-safe and never
//   throw. Parse returns the feed's points in the feed's unit; the shared steps around it (HTTP
//   status, unit conversion, the future-date and repeated-date checks) are sources/fetch.h's.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/release.h"
#include "core/status.h"
#include "core/time.h"
#include "http/client.h"
#include "sources/source_config.h"

namespace liqwatch::sources {

// The source's own keys, as the config loader exposes them to its driver. Each accessor returns
// the value or records an error at the key and returns nullopt; an absent key is nullopt.
class OptionReader {
 public:
  virtual ~OptionReader() = default;
  virtual bool Has(const char* key) const = 0;
  virtual std::optional<std::string> String(const char* key) = 0;
  virtual std::optional<double> Number(const char* key) = 0;
  virtual std::optional<bool> Bool(const char* key) = 0;
  virtual std::optional<std::string> Url(const char* key) = 0;     // http(s)://host[:port]...
  virtual std::optional<std::string> Secret(const char* key) = 0;  // resolved, scrubbed
  // Records "FILE:LINE:COL: <message>" at `key` (the source itself when key is nullptr).
  virtual void Error(const char* key, const std::string& message) = 0;
  virtual const std::string& path() const = 0;  // "sources.<name>", for messages
};

// What one poll asks for. `start` is the first date wanted (the newest stored date minus the
// revision overlap; nullopt on the first poll); `from` is `start` or, with none, today minus
// defaults::kInitialLookbackDays, for feeds that need a start date.
struct RequestRange {
  std::optional<Date> start;
  Date from{};
  Date today{};
  int page = 1;  // 1-based; drivers that page (treasury_dts) say so in ParsedPoints
};

struct ParsedPoints {
  std::vector<RawPoint> points;  // in the series' published unit
  std::optional<int> next_page;  // another page to fetch
};

class SourceDriver {
 public:
  virtual ~SourceDriver() = default;
  virtual std::string_view type() const = 0;
  // Used when the source sets no base_url; empty: base_url is required (unless ReadOptions
  // supplies one, e.g. an html_table preset).
  virtual std::string_view default_base_url() const { return ""; }
  virtual double default_requests_per_second() const = 0;
  // Release-driven polling: how often to ask from a print's due time until it lands.
  virtual Duration fast_poll_interval() const { return std::chrono::minutes(1); }
  // The driver's own keys (accepted under sources.<name> for this type only); none by default.
  virtual std::span<const std::string_view> keys() const { return {}; }
  // Reads the keys into the driver's options; may set s.base_url (a default) and s.path. By
  // default: plain DriverOptions (a driver without keys).
  virtual std::shared_ptr<const DriverOptions> ReadOptions(OptionReader& r, SourceConfig& s) const;
  // What is wrong with `series` (remote_id, field) for this source, or nullopt if nothing.
  virtual std::optional<std::string> CheckSeries(const SourceConfig& source,
                                                 const SeriesConfig& series) const;
  // The built-in release calendar of the feed `remote_id` (used when a series sets no
  // `release:`), or nullopt: none by default.
  virtual std::optional<ReleaseSchedule> release_calendar(std::string_view remote_id) const;
  // The request URL. By default base_url + path (`path:`, "/" when none), whatever the range.
  virtual std::string BuildUrl(const SourceConfig& source, const SeriesConfig& series,
                               const RequestRange& range) const;
  // Parses a 2xx body.
  virtual Result<ParsedPoints> Parse(const SourceConfig& source, const SeriesConfig& series,
                                     const http::HttpResponse& response, Date today) const = 0;
  // For an error status: the reason the body gives, if this feed's error bodies say why (FRED's
  // JSON API). A value (even empty) means the reason stands alone: the URL is not appended
  // (it may carry an api_key). nullopt: the body is not worth reading.
  virtual std::optional<std::string> ErrorReason(const SourceConfig& source,
                                                 const SeriesConfig& series,
                                                 const http::HttpResponse& response) const;
  // The stored series a point belongs to: the series itself, or a per-operation series
  // "<id>:op:<operationId>" of NY Fed operations.
  virtual std::string SeriesIdFor(const SeriesConfig& series, const RawPoint& point) const;
};

// The driver of `type`, or nullptr.
const SourceDriver* FindDriver(std::string_view type);
// Every registered driver, in the registry's order.
std::span<const SourceDriver* const> AllDrivers();
// "fred, nyfed, treasury_dts, ..." for messages.
std::string KnownSourceTypes();

}  // namespace liqwatch::sources
