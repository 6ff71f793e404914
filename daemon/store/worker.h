// StoreWorker: runs every Store call on one dedicated thread, so SQLite writes (fsync included)
// never block the event loop.
//
// Contract: Run(fn) is awaited from a coroutine on the event loop; fn(Store&) runs on the
// worker thread, in submission order, and its result is returned to the awaiting coroutine on
// the coroutine's own executor. fn must not capture references that die before it runs.
// The destructor finishes the queued calls, then joins the thread.
#pragma once

#include <memory>
#include <optional>
#include <thread>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "store/store.h"

namespace liqwatch::store {

class StoreWorker {
 public:
  explicit StoreWorker(std::unique_ptr<Store> store)
      : store_(std::move(store)), guard_(ctx_.get_executor()), thread_([this] { ctx_.run(); }) {}
  ~StoreWorker() {
    guard_.reset();
    thread_.join();
  }

  template <typename Fn, typename R = std::invoke_result_t<Fn, Store&>>
  boost::asio::awaitable<R> Run(Fn fn) {
    // co_spawn needs a default-constructible result; Result<T> is not, so carry it in optional.
    auto out = co_await boost::asio::co_spawn(
        ctx_,
        [this, fn = std::move(fn)]() -> boost::asio::awaitable<std::optional<R>> {
          co_return std::optional<R>(fn(*store_));
        },
        boost::asio::use_awaitable);
    co_return std::move(*out);
  }

 private:
  std::unique_ptr<Store> store_;
  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace liqwatch::store
