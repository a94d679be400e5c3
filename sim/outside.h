// sim/outside.h: the world outside a run, for the two modes that meet real
// peers (`dsim serve`, `dsim live`): a wall clock and a source of completions
// (gRPC replies, requests). Deterministic runs have none; with one, virtual
// time follows the wall clock and a run only deadlocks when nothing outside is
// pending either.
#ifndef DSIM_SIM_OUTSIDE_H_
#define DSIM_SIM_OUTSIDE_H_

#include <string>

#include "sim/executor.h"

namespace sim {

class Outside {
 public:
  virtual ~Outside() = default;
  // The wall clock as virtual time (never decreasing).
  virtual Nanos Now() = 0;
  // Blocks until a completion arrived (its handler ran, on this thread, and
  // may have set a Completion) or the wall clock reached `until` (kNever:
  // no timer). False when the run must stop (a signal, a shutdown).
  virtual bool Wait(Nanos until) = 0;
  // Calls in flight, or a server listening: blocked tasks may yet be woken.
  virtual bool Busy() const = 0;
};

// A one-shot flag set from outside the run (by a completion handler) that a
// task awaits. Not a synchronisation between tasks: no clock is exchanged.
class Completion {
 public:
  // No trace object per completion: a long `dsim serve` makes millions.
  Completion(Executor& ex, std::string name)
      : ex_(ex), name_(std::move(name)) {}
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;

  void Set() { done_ = true; }
  bool done() const { return done_; }

  class WaitOp : public internal::Op {
   public:
    explicit WaitOp(Completion& c)
        : Op(c.ex_, OpKind::kWait, kNoObject, Access::kRead), c_(c) {}
    bool Ready() const override { return c_.done_; }
    std::string Describe() const override { return "for " + c_.name_; }
    void await_resume() const noexcept {}

   private:
    Completion& c_;
  };
  WaitOp Wait() { return WaitOp(*this); }

 private:
  Executor& ex_;
  std::string name_;
  bool done_ = false;
};

}  // namespace sim

#endif  // DSIM_SIM_OUTSIDE_H_
