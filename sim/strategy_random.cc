#include "sim/strategy_random.h"

namespace sim {

size_t RandomStrategy::NextTask(const ScheduleContext& ctx) {
  const size_t n = ctx.candidates.size();
  if (n == 1) return 0;
  size_t normal = 0;
  for (const Candidate& c : ctx.candidates) normal += !c.early_timer;
  // No early timer (the common case): the draw is the index, with no second
  // loop whose exit no branch predictor can guess.
  if (normal == n) return prng_->Uniform(n);
  // Pick from one class (normal or early timers), then uniformly within it.
  const bool early = normal == 0 || (normal < n && prng_->Chance(early_timer_));
  const size_t pool = early ? n - normal : normal;
  uint64_t k = prng_->Uniform(pool);
  for (size_t i = 0; i < n; ++i) {
    if (ctx.candidates[i].early_timer != early) continue;
    if (k-- == 0) return i;
  }
  return 0;
}

}  // namespace sim
