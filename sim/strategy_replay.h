// sim/strategy_replay.h: follows a recorded decision list. At every decision it
// checks that the runnable set still has the recorded fingerprint; on drift it
// stops the run and names the first divergent decision, instead of silently
// exploring another schedule.
#ifndef DSIM_SIM_STRATEGY_REPLAY_H_
#define DSIM_SIM_STRATEGY_REPLAY_H_

#include <string>
#include <utility>
#include <vector>

#include "sim/executor.h"
#include "sim/strategy.h"

namespace sim {

class ReplayStrategy : public Strategy {
 public:
  // Only the fingerprint bits in `fingerprint_mask` are compared (a token keeps
  // 16 of them).
  explicit ReplayStrategy(std::vector<Decision> decisions,
                          uint64_t fingerprint_mask = ~0ULL)
      : decisions_(std::move(decisions)), fingerprint_mask_(fingerprint_mask) {}
  void BeginExecution(Prng& schedule) override;
  size_t NextTask(const ScheduleContext& ctx) override;
  uint64_t NextChoice(uint64_t n, Prng& stream) override;
  std::string_view name() const override { return "replay"; }
  std::string TakeError() override { return std::exchange(error_, {}); }
  // After the run: every recorded decision was used.
  bool consumed_all() const { return next_ == decisions_.size(); }
  // After the run: the recorded decisions it never reached.
  size_t unused() const { return decisions_.size() - next_; }

 private:
  size_t Diverge(std::string why);
  std::vector<Decision> decisions_;
  uint64_t fingerprint_mask_;
  size_t next_ = 0;
  // A data choice diverged: the run stops at its next scheduling point, and
  // the choice's error is the one reported.
  bool diverged_ = false;
  std::string error_;
};

}  // namespace sim

#endif  // DSIM_SIM_STRATEGY_REPLAY_H_
