// sim/vector_clock.h: vector clocks over task ids, for the happens-before race
// detector.
#ifndef DSIM_SIM_VECTOR_CLOCK_H_
#define DSIM_SIM_VECTOR_CLOCK_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace sim {

using TaskId = uint32_t;
inline constexpr TaskId kNoTask = UINT32_MAX;

// One task's logical time: (task, that task's own clock component).
struct Epoch {
  TaskId task = kNoTask;
  uint32_t clock = 0;
};

class VectorClock {
 public:
  uint32_t Get(TaskId t) const { return t < c_.size() ? c_[t] : 0; }
  void Tick(TaskId t) {
    Grow(t);
    ++c_[t];
  }
  void Join(const VectorClock& other) {
    if (other.c_.size() > c_.size()) c_.resize(other.c_.size(), 0);
    for (size_t i = 0; i < other.c_.size(); ++i)
      c_[i] = std::max(c_[i], other.c_[i]);
  }
  // True when the access at `e` happens before everything this clock has seen.
  bool Covers(Epoch e) const {
    return e.task != kNoTask && e.clock <= Get(e.task);
  }
  void Clear() { c_.clear(); }

 private:
  void Grow(TaskId t) {
    if (t >= c_.size()) c_.resize(t + 1, 0);
  }
  std::vector<uint32_t> c_;
};

}  // namespace sim

#endif  // DSIM_SIM_VECTOR_CLOCK_H_
