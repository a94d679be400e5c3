// sim/mutex.h: sim::Mutex and sim::RWMutex, Go's sync.Mutex and sync.RWMutex
// under the simulated scheduler. Acquiring is a scheduling point; releasing is
// not (it creates the release->acquire happens-before edge of race detection).
//
// Footprints: an acquire writes the lock; a release touches nothing. While a
// task's acquire is enabled no other task holds the lock, so a step that
// releases it must have acquired it too (its footprint has the write): the
// release never changes what commutes. Leaving it out makes two tasks'
// acquires, not a release and the next acquire, the race DPOR reverses (the
// reverse of release->acquire cannot run: the acquirer was blocked).
//
// Like Go's, a Mutex turns fair once a waiter has waited kStarvation of
// virtual time (sync.Mutex's starvation mode): the longest waiter takes it
// next, so no schedule starves a waiter for ever by barging in. Waiters that
// parked at the same virtual instant are equally long waiters, whichever
// parked first: any of them may take it. Parking touches no object, so the
// order of two parks must not matter (with a strict queue it decided who
// could lock 100 ms later, a dependency no footprint named, and DPOR
// explored only one of the two winners).
//
// A lock can be declared "not to be held across an RPC": the executor then
// reports a violation when a task holding it awaits an RPC point (moby's
// ExecStore rule, b7524620).
#ifndef DSIM_SIM_MUTEX_H_
#define DSIM_SIM_MUTEX_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/executor.h"

namespace sim {

class Mutex {
 public:
  static constexpr Nanos kStarvation =
      kMillisecond;  // Go's starvationThresholdNs

  Mutex(Executor& ex, std::string_view name);
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  class LockOp;
  class [[nodiscard]] Guard;
  // co_await mu.Lock();  ...  mu.Unlock();
  LockOp Lock();
  // auto g = co_await mu.Scoped();  (unlocks when g is destroyed, also when a
  // frame dies)
  class ScopedOp;
  ScopedOp Scoped();
  // REQUIRES: locked. Like Go, any task may unlock.
  void Unlock();
  bool TryLock();

  void DeclareNoRpcWhileHeld() { no_rpc_ = true; }
  bool locked() const { return owner_ != kNoTask; }
  TaskId owner() const { return owner_; }
  ObjectId id() const { return id_; }
  Executor& executor() const { return ex_; }

 private:
  void Acquire();
  // Whether the longest waiter has waited kStarvation: only the longest
  // waiters may lock.
  bool Starving() const;
  Executor& ex_;
  ObjectId id_;
  TaskId owner_ = kNoTask;
  bool no_rpc_ = false;
  VectorClock clock_;
  // Parked, in arrival order: a list through the ops (each lives in its
  // parked task's frame), so parking and leaving neither search nor copy.
  LockOp* first_waiter_ = nullptr;
  LockOp* last_waiter_ = nullptr;
};

class Mutex::LockOp : public internal::Op {
 public:
  explicit LockOp(Mutex& mu)
      : Op(mu.ex_, OpKind::kLock, mu.id_, Access::kWrite), mu_(mu) {}
  ~LockOp() override { Leave(); }
  bool Ready() const override {
    // Waiters park in time order: the front has waited longest.
    return !mu_.locked() &&
           (!mu_.Starving() || since_ == mu_.first_waiter_->since_);
  }
  void Fire() override {
    Leave();
    mu_.Acquire();
  }
  std::string Describe() const override;
  void await_suspend(std::coroutine_handle<> h);
  void await_resume() const noexcept {}

 protected:
  friend class Mutex;
  void Leave();
  Mutex& mu_;
  Nanos since_ = 0;
  bool waiting_ = false;
  LockOp* prev_waiter_ = nullptr;
  LockOp* next_waiter_ = nullptr;
};

class [[nodiscard]] Mutex::Guard {
 public:
  explicit Guard(Mutex* mu) : mu_(mu) {}
  Guard(Guard&& o) noexcept : mu_(std::exchange(o.mu_, nullptr)) {}
  Guard& operator=(Guard&&) = delete;
  ~Guard() { Unlock(); }
  void Unlock() {
    // While the executor tears down, the mutex may already be gone: touch
    // nothing.
    if (mu_ != nullptr && !mu_->ex_.tearing_down()) mu_->Unlock();
    mu_ = nullptr;
  }

 private:
  Mutex* mu_;
};

class Mutex::ScopedOp : public LockOp {
 public:
  using LockOp::LockOp;
  Guard await_resume() const noexcept { return Guard(&mu_); }
};

inline bool Mutex::Starving() const {
  return first_waiter_ != nullptr &&
         ex_.now() - first_waiter_->since_ >= kStarvation;
}

inline Mutex::LockOp Mutex::Lock() { return LockOp(*this); }
inline Mutex::ScopedOp Mutex::Scoped() { return ScopedOp(*this); }

// Go semantics: a waiting writer blocks new readers; readers share.
class RWMutex {
 public:
  RWMutex(Executor& ex, std::string_view name);
  RWMutex(const RWMutex&) = delete;
  RWMutex& operator=(const RWMutex&) = delete;

  class WriteOp;
  class ReadOp;
  WriteOp Lock();
  void Unlock();
  ReadOp RLock();
  void RUnlock();

  void DeclareNoRpcWhileHeld() { no_rpc_ = true; }
  ObjectId id() const { return id_; }
  int readers() const { return readers_; }
  bool write_locked() const { return writer_ != kNoTask; }

 private:
  friend class WriteOp;
  friend class ReadOp;
  Executor& ex_;
  ObjectId id_;
  TaskId writer_ = kNoTask;
  int readers_ = 0;
  int writers_waiting_ = 0;
  bool no_rpc_ = false;
  VectorClock write_clock_;  // released by Unlock, acquired by everyone
  VectorClock read_clock_;   // released by RUnlock, acquired by the next writer
  std::vector<TaskId> reader_tasks_;
};

class RWMutex::WriteOp : public internal::Op {
 public:
  explicit WriteOp(RWMutex& mu)
      : Op(mu.ex_, OpKind::kLock, mu.id_, Access::kWrite), mu_(mu) {}
  ~WriteOp() override;
  bool Ready() const override {
    return mu_.writer_ == kNoTask && mu_.readers_ == 0;
  }
  void Fire() override;
  std::string Describe() const override;
  void await_suspend(std::coroutine_handle<> h);
  void await_resume() const noexcept {}

 private:
  RWMutex& mu_;
  bool waiting_ = false;
};

class RWMutex::ReadOp : public internal::Op {
 public:
  explicit ReadOp(RWMutex& mu)
      : Op(mu.ex_, OpKind::kRLock, mu.id_, Access::kRead), mu_(mu) {}
  bool Ready() const override {
    return mu_.writer_ == kNoTask && mu_.writers_waiting_ == 0;
  }
  void Fire() override;
  std::string Describe() const override;
  void await_resume() const noexcept {}

 private:
  RWMutex& mu_;
};

inline RWMutex::WriteOp RWMutex::Lock() { return WriteOp(*this); }
inline RWMutex::ReadOp RWMutex::RLock() { return ReadOp(*this); }

}  // namespace sim

#endif  // DSIM_SIM_MUTEX_H_
