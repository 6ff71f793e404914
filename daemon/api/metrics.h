// The daemon's own in-memory metrics that /metrics adds to what the store holds: fetch
// durations per source and answered requests per status code.
//
// Contract: updated and read on the event loop only; never fails.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace liqwatch::api {

// Upper bounds (seconds) of the fetch duration histogram's buckets.
inline constexpr double kFetchBounds[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

struct Histogram {
  std::vector<uint64_t> buckets;  // cumulative counts per bound of kFetchBounds
  double sum = 0;
  uint64_t count = 0;
};

struct LoopMetrics {
  std::string version;
  std::map<std::string, Histogram> fetch;  // by source
  std::map<unsigned, uint64_t> requests;   // by status code

  void ObserveFetch(const std::string& source, double seconds);
};

}  // namespace liqwatch::api
