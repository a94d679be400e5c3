// sim/wait_group.h: sim::WaitGroup, Go's sync.WaitGroup under the simulated
// scheduler.
#ifndef DSIM_SIM_WAIT_GROUP_H_
#define DSIM_SIM_WAIT_GROUP_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/executor.h"

namespace sim {

class WaitGroup {
 public:
  WaitGroup(Executor& ex, std::string name)
      : ex_(ex), id_(ex.NewObject(std::move(name))) {}
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  void Add(int n) {
    ex_.Touch(id_, Access::kWrite);
    count_ += n;
    if (count_ < 0) {
      std::fputs("dsim: misuse of a sim::WaitGroup: negative counter\n",
                 stderr);
      std::abort();
    }
  }
  void Done() {
    ex_.ReleaseClock(clock_);
    ex_.Record(EventKind::kSend, id_, 0);
    Add(-1);
  }
  int count() const { return count_; }

  class WaitOp : public internal::Op {
   public:
    explicit WaitOp(WaitGroup& wg)
        : Op(wg.ex_, OpKind::kWait, wg.id_, Access::kRead), wg_(wg) {}
    bool Ready() const override { return wg_.count_ == 0; }
    void Fire() override { ex_.AcquireClock(wg_.clock_); }
    std::string Describe() const override {
      return "on wait group '" + ex_.trace().object_name(wg_.id_) + "' (" +
             std::to_string(wg_.count_) + " outstanding)";
    }
    void await_resume() const noexcept {}

   private:
    WaitGroup& wg_;
  };
  WaitOp Wait() { return WaitOp(*this); }

 private:
  Executor& ex_;
  ObjectId id_;
  int count_ = 0;
  VectorClock clock_;
};

}  // namespace sim

#endif  // DSIM_SIM_WAIT_GROUP_H_
