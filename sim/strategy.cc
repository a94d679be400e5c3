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

}  // namespace sim
