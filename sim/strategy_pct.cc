#include "sim/strategy_pct.h"

#include <algorithm>

namespace sim {

void PctStrategy::BeginExecution(Prng& schedule) {
  prng_ = &schedule;
  priorities_.clear();
  change_points_.clear();
  decision_ = 0;
  next_change_ = 0;
  const uint64_t k = steps_estimate();
  for (int i = 1; i < options_.depth; ++i)
    change_points_.push_back(1 + prng_->Uniform(k));
  std::sort(change_points_.begin(), change_points_.end());
}

uint64_t PctStrategy::steps_estimate() const {
  if (options_.estimate_steps && longest_ > 0) return longest_;
  return std::max<uint64_t>(options_.steps_hint, 1);
}

void PctStrategy::EndExecution(const Footprint& last_step) {
  (void)last_step;
  longest_ = std::max(longest_, decision_);
}

uint64_t PctStrategy::DrawPriority(TaskId t) {
  if (t >= priorities_.size()) priorities_.resize(t + 1, 0);
  priorities_[t] =
      static_cast<uint64_t>(options_.depth) + 1 + (prng_->NextU64() >> 16);
  return priorities_[t];
}

size_t PctStrategy::NextTask(const ScheduleContext& ctx) {
  const size_t n = ctx.candidates.size();
  // Every candidate has its priority (below) before this reads them.
  auto highest = [&] {
    size_t best = 0;
    uint64_t best_priority = priorities_[ctx.candidates[0].task];
    for (size_t i = 1; i < n; ++i) {
      // Ties (vanishingly rare) go to the lower task id: candidates are in id
      // order.
      const uint64_t p = priorities_[ctx.candidates[i].task];
      if (p > best_priority) {
        best = i;
        best_priority = p;
      }
    }
    return best;
  };
  for (const Candidate& c : ctx.candidates) PriorityOf(c.task);
  if (n == 1) return 0;
  ++decision_;
  size_t chosen = highest();
  while (next_change_ < change_points_.size() &&
         change_points_[next_change_] == decision_) {
    // Change point i demotes the task about to run to priority i.
    priorities_[ctx.candidates[chosen].task] = ++next_change_;
    chosen = highest();
  }
  return chosen;
}

}  // namespace sim
