// model/history.cc: see history.h.
#include "model/history.h"

namespace model {

bool History::Precedes(uint64_t a, uint64_t b) const {
  if (a == kNever) return false;
  if (b == kNever) return true;
  if (a >= b) return false;
  if (a == 0) return true;
  if (b > order.size()) return true;
  const PositionOrder& x = order[a - 1];
  const PositionOrder& y = order[b - 1];
  if (x.task == PositionOrder::kOutsideSteps) return true;
  return x.task < y.seen.size() && y.seen[x.task] >= x.step;
}

}  // namespace model
