// sim/notify.h: sim::Notify, a one-shot broadcast (Go's close(done)), and
// sim::Cond, a condition variable over a sim::Mutex (Go's sync.Cond). Notify is
// what moby's `Started` channels and waiter lists become; waits may carry a
// deadline in virtual time.
#ifndef DSIM_SIM_NOTIFY_H_
#define DSIM_SIM_NOTIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim/executor.h"
#include "sim/mutex.h"

namespace sim {

class Notify {
 public:
  Notify(Executor& ex, std::string name)
      : ex_(ex), id_(ex.NewObject(std::move(name))) {}
  Notify(const Notify&) = delete;
  Notify& operator=(const Notify&) = delete;

  // Wakes every waiter, now and later. Idempotent.
  void Fire();
  bool fired() const { return fired_; }

  class WaitOp : public internal::Op {
   public:
    WaitOp(Notify& n, Nanos deadline)
        : Op(n.ex_, OpKind::kWait, n.id_, Access::kRead), n_(n) {
      deadline_ = deadline;
    }
    bool Ready() const override { return n_.fired_; }
    void Fire() override { ex_.AcquireClock(n_.clock_); }
    std::string Describe() const override;
    // True when notified, false when the deadline passed first.
    bool await_resume() const noexcept { return !timed_out_; }

   private:
    Notify& n_;
  };
  WaitOp Wait() { return WaitOp(*this, kNever); }
  WaitOp WaitFor(Nanos d) {
    return WaitOp(*this, d >= kNever - ex_.now() ? kNever : ex_.now() + d);
  }
  ObjectId id() const { return id_; }

 private:
  Executor& ex_;
  ObjectId id_;
  bool fired_ = false;
  VectorClock clock_;
};

class Cond {
 public:
  Cond(Executor& ex, std::string name)
      : ex_(ex), id_(ex.NewObject(std::move(name))) {}
  Cond(const Cond&) = delete;
  Cond& operator=(const Cond&) = delete;

  // REQUIRES: mu is held by the caller. Releases it, waits for a
  // Signal/Broadcast, relocks.
  Task<void> Wait(Mutex& mu);
  void Signal();
  void Broadcast();
  size_t waiters() const { return waiting_.size(); }
  ObjectId id() const { return id_; }

 private:
  class TicketOp;
  void Wake(uint64_t ticket);
  Executor& ex_;
  ObjectId id_;
  uint64_t next_ticket_ = 0;
  std::vector<uint64_t> waiting_;  // in arrival order
  std::vector<uint64_t> signaled_;
  VectorClock clock_;
};

}  // namespace sim

#endif  // DSIM_SIM_NOTIFY_H_
