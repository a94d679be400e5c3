// sim/strategy_scripted.h: a strategy driven by a script of choices, for
// property-based testing: the script is data a generator can shrink. Each
// scheduling decision with a choice takes the next script entry: 0 keeps the
// task that ran last (no preemption) when it can go on, else takes the first
// candidate; k > 0 takes candidate (k - 1) mod n. Past the end of the script
// every decision is 0, so a shorter script, or smaller entries, means fewer
// preemptions: shrinking the script shrinks the schedule.
#ifndef DSIM_SIM_STRATEGY_SCRIPTED_H_
#define DSIM_SIM_STRATEGY_SCRIPTED_H_

#include <cstdint>
#include <vector>

#include "sim/strategy.h"

namespace sim {

class ScriptedStrategy : public Strategy {
 public:
  explicit ScriptedStrategy(std::vector<uint32_t> script)
      : script_(std::move(script)) {}

  void BeginExecution(Prng&) override {
    next_ = 0;
    preemptions_ = 0;
  }
  size_t NextTask(const ScheduleContext& ctx) override {
    if (ctx.candidates.size() == 1) return 0;
    const uint32_t k = next_ < script_.size() ? script_[next_] : 0;
    ++next_;
    const size_t chosen =
        k == 0 ? SteadyChoice(ctx) : (k - 1) % ctx.candidates.size();
    if (IsPreemption(ctx, chosen)) ++preemptions_;
    return chosen;
  }
  // Data choices (faults) come from their stream, as with random.
  uint64_t NextChoice(uint64_t n, Prng& stream) override {
    return stream.Uniform(n);
  }
  std::string_view name() const override { return "scripted"; }

  // Preemptions in the last execution.
  int preemptions() const { return preemptions_; }

 private:
  std::vector<uint32_t> script_;
  size_t next_ = 0;
  int preemptions_ = 0;
};

}  // namespace sim

#endif  // DSIM_SIM_STRATEGY_SCRIPTED_H_
