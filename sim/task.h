// sim/task.h: sim::Task<T>, the lazily started C++20 coroutine every simulated
// activity is.
//
// A Task starts when awaited (or when the executor first runs it, for a spawned
// task), and hands control back to its awaiter by symmetric transfer, so deep
// await chains use no stack. Destroying a Task destroys its frame and, through
// the frame's locals, every frame below it.
#ifndef DSIM_SIM_TASK_H_
#define DSIM_SIM_TASK_H_

#include <coroutine>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "sim/pool.h"

namespace sim {

namespace internal {

struct FinalAwaiter {
  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  std::coroutine_handle<> await_suspend(
      std::coroutine_handle<Promise> h) noexcept {
    std::coroutine_handle<> next = h.promise().continuation;
    return next ? next : std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

struct PromiseBase {
  // Frames come from the per-thread pool (sim/pool.h): a run spawns and ends
  // many short coroutines.
  static void* operator new(std::size_t n) { return PoolAllocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept {
    PoolFree(p, n);
  }
  std::coroutine_handle<> continuation;
  std::suspend_always initial_suspend() noexcept { return {}; }
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept {
    // Simulated code must not throw: an exception escaping a task is a bug in
    // the model.
    std::fputs("dsim internal bug: exception escaped a sim::Task\n", stderr);
    std::abort();
  }
};

}  // namespace internal

template <typename T>
class Task;

namespace internal {

// The two promises differ only in how the coroutine returns.
template <typename T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object();
  template <typename U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object();
  void return_void() {}
};

}  // namespace internal

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = internal::Promise<T>;

  Task(Task&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      Reset();
      h_ = std::exchange(other.h_, nullptr);
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(
      std::coroutine_handle<> awaiter) noexcept {
    h_.promise().continuation = awaiter;
    return h_;
  }
  T await_resume() {
    if constexpr (!std::is_void_v<T>) return std::move(*h_.promise().value);
  }

  std::coroutine_handle<promise_type> handle() const { return h_; }

 private:
  friend struct internal::Promise<T>;
  explicit Task(std::coroutine_handle<promise_type> h) : h_(h) {}
  void Reset() {
    if (h_) h_.destroy();
    h_ = nullptr;
  }
  std::coroutine_handle<promise_type> h_;
};

namespace internal {

template <typename T>
Task<T> Promise<T>::get_return_object() {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}

inline Task<void> Promise<void>::get_return_object() {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

}  // namespace internal

}  // namespace sim

#endif  // DSIM_SIM_TASK_H_
