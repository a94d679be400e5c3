#include "sim/strategy.h"

namespace sim {

bool IsPreemption(const ScheduleContext& ctx, size_t chosen) {
  if (ctx.previous == kNoTask || ctx.candidates[chosen].task == ctx.previous)
    return false;
  for (const Candidate& c : ctx.candidates) {
    if (c.task == ctx.previous && !c.early_timer) return true;
  }
  return false;
}

size_t SteadyChoice(const ScheduleContext& ctx) {
  for (size_t i = 0; i < ctx.candidates.size(); ++i) {
    if (ctx.candidates[i].task == ctx.previous &&
        !ctx.candidates[i].early_timer) {
      return i;
    }
  }
  return 0;
}

}  // namespace sim
