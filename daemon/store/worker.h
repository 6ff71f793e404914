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
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
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

  //
  // Callers inside coroutines pass a *named* job (`auto job = [..](Store& s) {..};
  // co_await worker.Run(job);`), never a lambda temporary: GCC 12 destroys non-trivial
  // temporaries of a co_await full-expression twice.
  template <typename Fn, typename R = std::invoke_result_t<Fn&, Store&>>
  boost::asio::awaitable<R> Run(const Fn& fn) {
    // The job hops to the worker thread with asio::post; the result is posted back to the
    // caller's executor.
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(R)>(
        [this](auto handler, Fn job) {
          auto caller = boost::asio::get_associated_executor(handler);
          auto work = boost::asio::make_work_guard(caller);
          boost::asio::post(ctx_, [this, job = std::move(job), handler = std::move(handler),
                                   work = std::move(work)]() mutable {
            R result = job(*store_);
            auto ex = work.get_executor();
            boost::asio::post(
                ex, [handler = std::move(handler), result = std::move(result),
                     work = std::move(work)]() mutable { std::move(handler)(std::move(result)); });
          });
        },
        boost::asio::use_awaitable, fn);
  }

 private:
  std::unique_ptr<Store> store_;
  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace liqwatch::store
