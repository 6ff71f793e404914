// The source drivers (one per file in this folder) and the small readers they share.
//
// Contract: each accessor returns the one instance of its driver (immutable, thread-safe);
// registry.cpp lists them in a table. To add a source type: write drivers/<type>.cpp
// implementing SourceDriver (sources/driver.h), declare its accessor here and add it to the
// table in registry.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sources/driver.h"

namespace liqwatch::sources::drivers {

const SourceDriver& Fred();
const SourceDriver& NyFed();
const SourceDriver& TreasuryDts();
const SourceDriver& FearGreed();
const SourceDriver& HtmlTable();
const SourceDriver& Csv();
const SourceDriver& Json();

// For a driver with one feed (treasury_dts, fear_greed): the shared check, then remote_id must
// be `remote_id` ("remote_id 'x' is not a <feed> feed, expected <remote_id>").
std::optional<std::string> CheckOnlyRemoteId(const SourceDriver& driver, const SourceConfig& source,
                                             const SeriesConfig& s, std::string_view remote_id,
                                             std::string_view feed);
// `path:` (html_table, csv, json): must start with '/'; sets s.path.
void ReadPath(OptionReader& r, SourceConfig& s);
// A column or line index (header_row, skip_lines): an integer from 0 to 9999, checked before
// any cast (casting 1e300 or NaN to int is undefined behaviour).
std::optional<int> ReadIndex(OptionReader& r, const char* key);

}  // namespace liqwatch::sources::drivers
