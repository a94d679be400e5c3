// sim/strategy_random.h: uniform choice among the runnable tasks at every
// point.
#ifndef DSIM_SIM_STRATEGY_RANDOM_H_
#define DSIM_SIM_STRATEGY_RANDOM_H_

#include "sim/strategy.h"

namespace sim {

class RandomStrategy : public Strategy {
 public:
  // A sleeping task's timer is fired early with this probability, when the
  // executor offers it.
  explicit RandomStrategy(Ratio early_timer = Ratio{1, 16})
      : early_timer_(early_timer) {}
  void BeginExecution(Prng& schedule) override { prng_ = &schedule; }
  size_t NextTask(const ScheduleContext& ctx) override;
  uint64_t NextChoice(uint64_t n, Prng& stream) override {
    return stream.Uniform(n);
  }
  std::string_view name() const override { return "random"; }

 private:
  Ratio early_timer_;
  Prng* prng_ = nullptr;
};

}  // namespace sim

#endif  // DSIM_SIM_STRATEGY_RANDOM_H_
