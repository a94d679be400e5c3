// sim/happens_before.h: the happens-before order of one run's steps, by their
// footprints, kept as the run goes, so that a harness can stamp what it
// records (an API call's invocation, its reply) with where it sits in that
// order.
//
// Step b happens after step a when a chain of conflicting steps (or the same
// task's steps) leads from a to b; that is partial-order reduction's order
// (DPOR explores one execution per class of executions that agree on it), so
// a verdict that reads only this order, not the execution's interleaving,
// is the same for every execution of a class. The race detector's clocks
// (sim/vector_clock.h) are another order: synchronisation only.
#ifndef DSIM_SIM_HAPPENS_BEFORE_H_
#define DSIM_SIM_HAPPENS_BEFORE_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/footprint.h"
#include "sim/vector_clock.h"

namespace sim {

// A position in a run: recorded by `task` during its `step`-th step (counting
// from 1); `seen[t]` of task t's steps happen before it (`seen[task]` is
// `step`).
struct OrderStamp {
  TaskId task = kNoTask;
  uint32_t step = 0;
  std::vector<uint32_t> seen;
};

// Whether a happens before b; a stamp outside any step (task kNoTask)
// happens before everything stamped after it.
bool StampPrecedes(const OrderStamp& a, const OrderStamp& b);

class HappensBefore {
 public:
  // A position in the step `task` is taking, with what it touched so far
  // (`so_far`): what it touches later in the step is ordered after the
  // position anyway (a step is atomic).
  OrderStamp Stamp(TaskId task, const Footprint& so_far) const;
  // The step `task` took, with everything it touched.
  void EndStep(TaskId task, const Footprint& footprint);
  // Back to no step taken, keeping the storage (for the next run).
  void Clear();

 private:
  static constexpr uint32_t kNoStep = UINT32_MAX;
  // What a step touched is ordered by step indices into steps_ (each step's
  // clock, stored once), not by copies of clocks per object: a write stores
  // an index, a read adds one, and a later step joins the clocks they name
  // unless it has seen that step already (FastTrack's epochs).
  struct StepOrder {
    Epoch step;  // (task, that task's count of steps with this one)
    VectorClock clock;
  };
  struct ObjectOrder {
    uint32_t write = kNoStep;  // the last step that wrote the object
    // The steps that read it since, the latest of each task only (a task's
    // later read has seen its earlier one).
    std::vector<uint32_t> reads;
  };
  // Joins step `s`'s clock into c, unless c has seen the step.
  void JoinStep(uint32_t s, VectorClock* c) const {
    if (s == kNoStep) return;
    const StepOrder& o = steps_[s];
    if (!c->Covers(o.step)) c->Join(o.clock);
  }
  // Joins into c what a step touching object `slot` with `access` is ordered
  // after: the last write, and for a write the reads since.
  void JoinObject(uint32_t slot, Access access, VectorClock* c) const {
    const ObjectOrder& o = objects_[slot];
    JoinStep(o.write, c);
    if (access == Access::kWrite) {
      for (uint32_t r : o.reads) JoinStep(r, c);
    }
  }
  // The clock of a step `task` takes next: its previous step's, and the last
  // step that conflicts with all.
  void Base(TaskId task, const Footprint& footprint, VectorClock* c) const;

  std::vector<VectorClock> task_;  // each task's last step
  VectorClock all_;                // every step so far
  uint32_t last_all_ = kNoStep;  // the last step that conflicts with every step
  std::vector<StepOrder> steps_;  // [0, steps_used_) are this run's
  uint32_t steps_used_ = 0;
  // The slot of `id` in objects_, or -1.
  int64_t Find(ObjectId id) const;
  // A new slot for `id` (not found).
  uint32_t Add(ObjectId id);
  // Ids below kDenseIds are indexed by a vector, and so are the first
  // kDenseParts parts of each of their channels (its sides, its first slots,
  // a task's start and end), past them; the others by a map. Plain ids are
  // small and dense (Trace::NewObject), parts are not.
  static constexpr ObjectId kDenseIds = 1u << 16;
  static constexpr uint32_t kDenseParts = 16;
  // The index of id in dense_, or -1 for one in sparse_.
  static int64_t DenseIndex(ObjectId id) {
    if (id < kDenseIds) return id;
    if (!IsChannelPart(id)) return -1;
    const ObjectId channel = ChannelOfPart(id);
    const uint32_t part = id & 0xfffu;
    if (channel >= kDenseIds || part >= kDenseParts) return -1;
    return int64_t{kDenseIds} + int64_t{channel} * kDenseParts + part;
  }
  // dense_[DenseIndex(id)] is 1 + the slot of id, 0 for none; sparse_ is
  // never iterated.
  std::vector<uint32_t> dense_;
  absl::flat_hash_map<ObjectId, uint32_t> sparse_;
  std::vector<ObjectOrder> objects_;
  std::vector<ObjectId> ids_;  // ids_[slot], to clear dense_
  size_t used_ = 0;            // objects_[0, used_) are this run's
};

}  // namespace sim

#endif  // DSIM_SIM_HAPPENS_BEFORE_H_
