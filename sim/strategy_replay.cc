#include "sim/strategy_replay.h"

namespace sim {

void ReplayStrategy::BeginExecution(Prng& schedule) {
  (void)schedule;
  next_ = 0;
  diverged_ = false;
  error_.clear();
}

size_t ReplayStrategy::Diverge(std::string why) {
  diverged_ = true;
  error_ = "replay diverged at decision " + std::to_string(next_) + ": " + why +
           "; is the model deterministic?";
  return kAbandon;
}

size_t ReplayStrategy::NextTask(const ScheduleContext& ctx) {
  if (diverged_) return kAbandon;
  if (ctx.candidates.size() == 1) return 0;
  if (next_ >= decisions_.size())
    return Diverge("the recording has no more decisions");
  const Decision& d = decisions_[next_];
  if (d.kind != Decision::Kind::kTask)
    return Diverge("recorded a data choice, run schedules");
  if (((d.fingerprint ^ ctx.fingerprint) & fingerprint_mask_) != 0)
    return Diverge("the runnable set differs");
  for (size_t i = 0; i < ctx.candidates.size(); ++i) {
    if (ctx.candidates[i].task == d.value) {
      ++next_;
      return i;
    }
  }
  return Diverge("recorded task " + std::to_string(d.value) +
                 " is not runnable");
}

uint64_t ReplayStrategy::NextChoice(uint64_t n, Prng& stream) {
  (void)stream;
  if (diverged_) return 0;
  if (next_ >= decisions_.size()) {
    Diverge("the recording has no more decisions");
    return 0;
  }
  const Decision& d = decisions_[next_];
  if (d.kind != Decision::Kind::kChoice || d.fingerprint != n || d.value >= n) {
    Diverge("recorded a different decision, run draws a choice among " +
            std::to_string(n));
    return 0;
  }
  ++next_;
  return d.value;
}

}  // namespace sim
