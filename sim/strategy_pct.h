// sim/strategy_pct.h: probabilistic concurrency testing (Burckhardt, Kothari,
// Musuvathi, Nagarakatte, ASPLOS 2010). Each task gets a random priority when
// first seen; the highest priority runnable task always runs; at d-1 random
// change points (out of about `steps_hint` decisions) the running task drops
// below every initial priority. A bug of depth d is then found with probability
// at least 1/(n k^(d-1)) per run. With `estimate_steps`, k is the longest run
// seen so far (in decisions), as Coyote's PCT takes it, and `steps_hint` only
// serves the first run: change points then fall where runs really have
// decisions, instead of past the end of a short run.
#ifndef DSIM_SIM_STRATEGY_PCT_H_
#define DSIM_SIM_STRATEGY_PCT_H_

#include <cstdint>
#include <vector>

#include "sim/strategy.h"

namespace sim {

struct PctOptions {
  int depth = 3;  // d: the bug depth targeted; d-1 change points
  uint64_t steps_hint =
      100;  // k: decisions (points with a choice) expected per run
  bool estimate_steps = false;  // k = the longest run so far (Coyote)
};

class PctStrategy : public Strategy {
 public:
  explicit PctStrategy(PctOptions options = {}) : options_(options) {}
  void BeginExecution(Prng& schedule) override;
  size_t NextTask(const ScheduleContext& ctx) override;
  uint64_t NextChoice(uint64_t n, Prng& stream) override {
    return stream.Uniform(n);
  }
  void EndExecution(const Footprint& last_step) override;
  std::string_view name() const override { return "pct"; }
  // The k the next run will draw its change points from.
  uint64_t steps_estimate() const;

 private:
  // A task's priority, drawn when first asked for.
  uint64_t PriorityOf(TaskId t) {
    if (t < priorities_.size() && priorities_[t] != 0) [[likely]]
      return priorities_[t];
    return DrawPriority(t);
  }
  [[gnu::noinline]] uint64_t DrawPriority(TaskId t);
  PctOptions options_;
  Prng* prng_ = nullptr;
  // invariant: priorities_[t] == 0 means "not seen yet"; change-point
  // priorities are 1..depth-1 and initial ones are above depth, so a demoted
  // task runs only when alone.
  std::vector<uint64_t> priorities_;
  std::vector<uint64_t> change_points_;  // sorted decision numbers
  uint64_t decision_ = 0;
  uint64_t longest_ = 0;  // most decisions in one run so far
  size_t next_change_ = 0;
};

}  // namespace sim

#endif  // DSIM_SIM_STRATEGY_PCT_H_
