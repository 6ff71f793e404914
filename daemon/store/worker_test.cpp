// StoreWorker with the event loop, as the daemon runs them: coroutines on one io_context
// submit writes to a read-write worker and reads to a read-only worker on the same file. Also
// the test the TSan pass (scripts/sanitize.sh) relies on for the store thread + loop hand-off.
#include "store/worker.h"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace liqwatch::store {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

TEST(StoreWorker, WritesInSubmissionOrderAndResultsComeBackOnTheLoop) {
  const fs::path dir =
      fs::temp_directory_path() / ("liqwatch-worker-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "test.db").string();
  {
    auto rw = Store::Open(path, Store::Mode::kReadWrite);
    ASSERT_TRUE(rw.ok()) << rw.status().message();
    auto ro = Store::Open(path, Store::Mode::kReadOnly);
    ASSERT_TRUE(ro.ok()) << ro.status().message();
    // The loop outlives the workers: a worker thread may still be signalling the loop after
    // posting its last result, so it is joined (the workers destroyed) before the loop is.
    asio::io_context io;
    StoreWorker writer(std::move(*rw)), reader(std::move(*ro));
    const auto loop_thread = std::this_thread::get_id();
    const Date first = *ParseDate("2026-01-01");
    constexpr int kWrites = 60;
    int writes_done = 0, reads_done = 0, off_loop = 0;
    std::vector<size_t> seen;  // history sizes the reader saw, in completion order

    // Each write coroutine stores one day; the writer runs them in submission order.
    for (int k = 0; k < kWrites; ++k) {
      asio::co_spawn(
          io,
          [&, k]() -> asio::awaitable<void> {
            std::vector<Observation> obs{{.series = "s",
                                          .date = first + std::chrono::days(k),
                                          .value = double(k),
                                          .provisional = false}};
            auto job = [obs](Store& s) {
              return s.IngestObservations("s", Unit::kIndex, obs, TimePoint{}).ok();
            };
            bool ok = co_await writer.Run(job);
            EXPECT_TRUE(ok);
            if (std::this_thread::get_id() != loop_thread) ++off_loop;
            ++writes_done;
          },
          asio::detached);
    }
    // Readers run concurrently on their own connection and see whole commits only.
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          for (int i = 0; i < 20; ++i) {
            auto job = [](Store& s) {
              auto h = s.History("s", std::nullopt);
              return h.ok() ? h->size() : size_t(0);
            };
            size_t n = co_await reader.Run(job);
            if (std::this_thread::get_id() != loop_thread) ++off_loop;
            seen.push_back(n);
            ++reads_done;
          }
        },
        asio::detached);
    io.run();

    EXPECT_EQ(writes_done, kWrites);
    EXPECT_EQ(reads_done, 20);
    EXPECT_EQ(off_loop, 0);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    auto job = [](Store& s) { return s.History("s", std::nullopt); };
    auto history = [&] {
      std::optional<Result<std::vector<Observation>>> out;
      asio::co_spawn(
          io, [&]() -> asio::awaitable<void> { out = co_await reader.Run(job); }, asio::detached);
      io.restart();
      io.run();
      return std::move(*out);
    }();
    ASSERT_TRUE(history.ok()) << history.status().message();
    ASSERT_EQ(history->size(), size_t(kWrites));
    for (int k = 0; k < kWrites; ++k) {
      EXPECT_EQ((*history)[size_t(k)].date, first + std::chrono::days(k));
      EXPECT_EQ((*history)[size_t(k)].value, double(k));
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace liqwatch::store
