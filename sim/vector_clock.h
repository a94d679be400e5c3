// sim/vector_clock.h: vector clocks over task ids, for the happens-before race
// detector.
//
// The components live inline up to kInlineTasks tasks (every toy fits, and
// most of explore's runs: they have 6 to 31 tasks, 18 % more than 16), so
// creating, copying and joining a clock allocates nothing in the common case;
// a run with more tasks spills to the heap. Copies and clears touch the first
// half or all of the inline components, joins the first 4, 8 or 16, whichever
// covers the clocks' sizes. 32 inline components made the toy (two to four
// tasks) 10 % slower for no gain in explore (docs/BENCHMARKS.md, session 25).
#ifndef DSIM_SIM_VECTOR_CLOCK_H_
#define DSIM_SIM_VECTOR_CLOCK_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
  static constexpr size_t kInlineTasks = 16;

  VectorClock() = default;
  // Copies only the components in use. No move: a copy is as cheap, and a
  // moved-from clock would have to be reset by hand.
  // Inline clocks copy the first half or all of their components (zeros past
  // size_ included): a fixed-length copy, no loop on the size.
  VectorClock(const VectorClock& o) : size_(o.size_), heap_(o.heap_) {
    if (heap_.empty()) CopyInline(o.inline_, size_);
  }
  VectorClock& operator=(const VectorClock& o) {
    if (this == &o) return *this;
    if (heap_.empty() && o.heap_.empty()) {
      CopyInline(o.inline_, std::max(size_, o.size_));
      size_ = o.size_;
      return *this;
    }
    Clear();
    size_ = o.size_;
    heap_ = o.heap_;
    if (heap_.empty()) std::copy_n(o.inline_, size_, inline_);
    return *this;
  }

  uint32_t Get(TaskId t) const { return t < size_ ? data()[t] : 0; }
  void Tick(TaskId t) {
    Grow(t);
    ++data()[t];
  }
  // Component t becomes at least v.
  void Raise(TaskId t, uint32_t v) {
    Grow(t);
    uint32_t& c = data()[t];
    c = std::max(c, v);
  }
  void Join(const VectorClock& other) {
    if (!heap_.empty() || !other.heap_.empty()) return JoinSpilled(other);
    // Both inline: a fixed number of components, zeros past the sizes
    // included, in loops the compiler turns into a few vector instructions.
    // Most runs have a handful of tasks: the first few components alone.
    const uint32_t n = std::max(size_, other.size_);
    if (n <= kFewTasks) {
      JoinFirst<kFewTasks>(other);
    } else {
      JoinMoreInline(other, n);
    }
    size_ = n;
  }
  // True when the access at `e` happens before everything this clock has seen.
  bool Covers(Epoch e) const {
    return e.task != kNoTask && e.clock <= Get(e.task);
  }
  void Clear() {
    if (heap_.empty()) {
      // Fixed sizes: inlined.
      if (size_ <= kHalfTasks) {
        std::memset(inline_, 0, kHalfTasks * sizeof(uint32_t));
      } else {
        std::memset(inline_, 0, sizeof inline_);
      }
    } else {
      heap_.clear();
    }
    size_ = 0;
  }
  size_t size() const { return size_; }
  // Components 0 .. size() - 1.
  const uint32_t* components() const { return data(); }

 private:
  // Inline while size_ <= kInlineTasks (heap_ empty), else in heap_.
  uint32_t* data() { return heap_.empty() ? inline_ : heap_.data(); }
  const uint32_t* data() const {
    return heap_.empty() ? inline_ : heap_.data();
  }
  void Grow(TaskId t) {
    if (t < size_) return;
    if (t < kInlineTasks && heap_.empty()) {
      size_ = t + 1;  // the inline components past size_ are zero
      return;
    }
    Spill(t);
  }
  static constexpr size_t kFewTasks = 4;
  static constexpr size_t kHalfTasks = kInlineTasks / 2;
  // The inline components of `from` up to at least `n` (zeros past n).
  void CopyInline(const uint32_t* from, size_t n) {
    if (n <= kHalfTasks) {
      std::memcpy(inline_, from, kHalfTasks * sizeof(uint32_t));
    } else {
      std::memcpy(inline_, from, sizeof inline_);
    }
  }
  // Four components at a time as one vector: the compiler does not
  // vectorize a max for the baseline x86-64 (no pmaxud or pmaxsd before
  // SSE4.1) and the scalar loop was most of a join. Compared as signed
  // (one pcmpgtd; unsigned needs two more): a component counts one task's
  // steps in one run, far below 2^31.
  using Lanes = int32_t __attribute__((vector_size(16)));
  static constexpr size_t kLanes = 4;
  static void MaxLanes(uint32_t* mine, const uint32_t* theirs) {
    Lanes a, b;
    std::memcpy(&a, mine, sizeof a);
    std::memcpy(&b, theirs, sizeof b);
    a = a > b ? a : b;
    std::memcpy(mine, &a, sizeof a);
  }
  template <size_t kCount>
  void JoinFirst(const VectorClock& other) {
    static_assert(kCount % kLanes == 0);
    for (size_t i = 0; i < kCount; i += kLanes)
      MaxLanes(inline_ + i, other.inline_ + i);
  }
  // Out of line: Join is inlined in many places, and only its short path
  // need be.
  [[gnu::noinline]] void JoinMoreInline(const VectorClock& other, uint32_t n) {
    if (n <= kHalfTasks) {
      JoinFirst<kHalfTasks>(other);
    } else {
      JoinFirst<kInlineTasks>(other);
    }
  }
  [[gnu::noinline]] void JoinSpilled(const VectorClock& other) {
    const uint32_t n = other.size_;
    if (n == 0) return;
    Grow(n - 1);
    uint32_t* mine = data();
    const uint32_t* theirs = other.data();
    for (uint32_t i = 0; i < n; ++i) mine[i] = std::max(mine[i], theirs[i]);
  }
  void Spill(TaskId t) {
    if (heap_.empty()) {
      heap_.assign(inline_, inline_ + size_);
      std::fill_n(inline_, size_, 0);
    }
    heap_.resize(size_t{t} + 1, 0);
    size_ = t + 1;
  }
  uint32_t size_ = 0;
  uint32_t inline_[kInlineTasks] = {};  // zero past size_
  std::vector<uint32_t> heap_;
};

}  // namespace sim

#endif  // DSIM_SIM_VECTOR_CLOCK_H_
