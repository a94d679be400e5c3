// sim/vector_clock.h: vector clocks over task ids, for the happens-before race
// detector.
//
// The components live inline up to kInlineTasks tasks (every toy and built-in
// scenario so far fits), so creating, copying and joining a clock allocates
// nothing in the common case; a run with more tasks spills to the heap.
#ifndef DSIM_SIM_VECTOR_CLOCK_H_
#define DSIM_SIM_VECTOR_CLOCK_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "absl/container/inlined_vector.h"

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
  static constexpr size_t kInlineTasks = 16;

  uint32_t Get(TaskId t) const { return t < c_.size() ? c_[t] : 0; }
  void Tick(TaskId t) {
    Grow(t);
    ++c_[t];
  }
  // Component t becomes at least v.
  void Raise(TaskId t, uint32_t v) {
    Grow(t);
    c_[t] = std::max(c_[t], v);
  }
  void Join(const VectorClock& other) {
    const size_t n = other.c_.size();
    if (n > c_.size()) c_.resize(n, 0);
    uint32_t* mine = c_.data();
    const uint32_t* theirs = other.c_.data();
    for (size_t i = 0; i < n; ++i) mine[i] = std::max(mine[i], theirs[i]);
  }
  // True when the access at `e` happens before everything this clock has seen.
  bool Covers(Epoch e) const {
    return e.task != kNoTask && e.clock <= Get(e.task);
  }
  void Clear() { c_.clear(); }
  size_t size() const { return c_.size(); }

 private:
  void Grow(TaskId t) {
    if (t >= c_.size()) c_.resize(t + 1, 0);
  }
  absl::InlinedVector<uint32_t, kInlineTasks> c_;
};

}  // namespace sim

#endif  // DSIM_SIM_VECTOR_CLOCK_H_
