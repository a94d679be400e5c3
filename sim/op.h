// sim/op.h: the scheduling point. Every co_await on a sim primitive is one
// `Op`: the task parks with it, the executor polls Ready() to build the
// runnable set, and the chosen task's op Fire()s (takes the lock, the
// message...) just before the task resumes.
#ifndef DSIM_SIM_OP_H_
#define DSIM_SIM_OP_H_

#include <coroutine>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/footprint.h"

namespace sim {

class Executor;

enum class OpKind : uint8_t {
  kStart,     // a spawned task's first step
  kYield,     // sim::Yield: a bare scheduling point
  kLock,      // Mutex / RWMutex exclusive acquire
  kRLock,     // RWMutex shared acquire
  kWait,      // Notify / Cond / WaitGroup wait
  kSend,      // channel send
  kRecv,      // channel receive
  kSleep,     // a timer
  kJoin,      // waiting for a task to finish
  kRpcSend,   // an RPC request leaves the caller (the RPC category)
  kRpcReply,  // an RPC reply reaches the caller (the RPC category)
  kPoint,     // a generic point with a footprint
};

std::string_view OpKindName(OpKind k);
inline bool IsRpc(OpKind k) {
  return k == OpKind::kRpcSend || k == OpKind::kRpcReply;
}

// Virtual time in nanoseconds.
using Nanos = uint64_t;
inline constexpr Nanos kNever = UINT64_MAX;
inline constexpr Nanos kMicrosecond = 1000;
inline constexpr Nanos kMillisecond = 1000 * kMicrosecond;
inline constexpr Nanos kSecond = 1000 * kMillisecond;
// Virtual time 0 as a wall-clock instant (2023-01-01T00:00:00Z), for the
// timestamps that cross the containerd API: both sides of the boundary convert
// with it.
inline constexpr int64_t kVirtualEpochUnixSeconds = 1'672'531'200;

namespace internal {

class Op {
 public:
  Op(Executor& ex, OpKind kind, ObjectId object, Access access)
      : ex_(ex),
        kind_(kind),
        object_(object),
        footprint_object_(object),
        access_(access) {}
  Op(const Op&) = delete;
  Op& operator=(const Op&) = delete;
  virtual ~Op() = default;

  // Enabled now? Polled by the executor at every step; must not change state.
  virtual bool Ready() const { return true; }
  // Performs the operation. Runs with the parked task as current, right before
  // it resumes.
  virtual void Fire() {}
  // The deadline passed before the op could fire (only ops with a deadline).
  virtual void TimedOut() {}
  // For deadlock reports: "to lock 'container c1 lock' (held by 'client-2')".
  virtual std::string Describe() const;

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h);

  OpKind kind() const { return kind_; }
  ObjectId object() const { return object_; }
  Access access() const { return access_; }
  // What the step that fires it touches for partial-order reduction: the
  // object, unless the op names a finer part of it (sim/chan.h).
  ObjectId footprint_object() const { return footprint_object_; }
  Nanos deadline() const { return deadline_; }
  // A timer the strategy may fire early under ExecutorOptions::jitter.
  bool jitter() const { return jitter_; }
  bool timed_out() const { return timed_out_; }

 protected:
  friend class ::sim::Executor;
  Executor& ex_;
  OpKind kind_;
  ObjectId object_;
  ObjectId footprint_object_;
  Access access_;
  Nanos deadline_ = kNever;
  bool timed_out_ = false;
  bool jitter_ = false;
};

}  // namespace internal
}  // namespace sim

#endif  // DSIM_SIM_OP_H_
