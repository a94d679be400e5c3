// sim/happens_before.cc: see happens_before.h.
#include "sim/happens_before.h"

#include <array>

namespace sim {

bool StampPrecedes(const OrderStamp& a, const OrderStamp& b) {
  if (a.task == kNoTask) return true;
  return a.task < b.seen.size() && b.seen[a.task] >= a.step;
}

void HappensBefore::Base(TaskId task, const Footprint& footprint,
                         VectorClock* c) const {
  if (task < task_.size() && c != &task_[task]) *c = task_[task];
  c->Tick(task);
  last_all_.JoinInto(c);
  if (footprint.conflicts_with_all()) c->Join(all_);
}

int64_t HappensBefore::Find(ObjectId id) const {
  if (const int64_t i = DenseIndex(id); i >= 0) {
    return static_cast<size_t>(i) < dense_.size() ? int64_t{dense_[i]} - 1 : -1;
  }
  auto it = sparse_.find(id);
  return it == sparse_.end() ? -1 : int64_t{it->second};
}

uint32_t HappensBefore::Add(ObjectId id) {
  const uint32_t slot = static_cast<uint32_t>(used_++);
  if (slot == objects_.size()) {
    objects_.emplace_back();
    ids_.push_back(id);
  } else {
    ids_[slot] = id;
  }
  if (const int64_t i = DenseIndex(id); i >= 0) {
    if (static_cast<size_t>(i) >= dense_.size()) dense_.resize(i + 1, 0);
    dense_[i] = slot + 1;
  } else {
    sparse_.emplace(id, slot);
  }
  return slot;
}

OrderStamp HappensBefore::Stamp(TaskId task, const Footprint& so_far) const {
  OrderStamp s;
  if (task == kNoTask) return s;
  VectorClock c;
  Base(task, so_far, &c);
  for (size_t i = 0; i < so_far.size(); ++i) {
    const int64_t slot = Find(so_far.object(i));
    if (slot < 0) continue;
    const ObjectOrder& o = objects_[slot];
    o.write.JoinInto(&c);
    if (so_far.access(i) == Access::kWrite && o.reads.size() != 0)
      c.Join(o.reads);
  }
  s.task = task;
  s.step = c.Get(task);
  s.seen.assign(c.components(), c.components() + c.size());
  return s;
}

void HappensBefore::EndStep(TaskId task, const Footprint& footprint) {
  if (task >= task_.size()) task_.resize(task + 1);
  VectorClock& c = task_[task];
  Base(task, footprint, &c);
  std::array<uint32_t, Footprint::kCapacity> touched;
  for (size_t i = 0; i < footprint.size(); ++i) {
    const int64_t slot = Find(footprint.object(i));
    touched[i] =
        slot >= 0 ? static_cast<uint32_t>(slot) : Add(footprint.object(i));
  }
  for (size_t i = 0; i < footprint.size(); ++i) {
    const ObjectOrder& o = objects_[touched[i]];
    o.write.JoinInto(&c);
    if (footprint.access(i) == Access::kWrite && o.reads.size() != 0)
      c.Join(o.reads);
  }
  for (size_t i = 0; i < footprint.size(); ++i) {
    ObjectOrder& o = objects_[touched[i]];
    if (footprint.access(i) == Access::kWrite) {
      o.write.Set(task, c);
      o.reads.Clear();
    } else {
      o.reads.Join(c);
    }
  }
  if (footprint.conflicts_with_all()) last_all_.Set(task, c);
  // A step sees of task t at most t's steps so far, so the join of every
  // step's clock is each task's own count: no join needed.
  all_.Raise(task, c.Get(task));
}

void HappensBefore::Clear() {
  for (VectorClock& c : task_) c.Clear();
  task_.clear();
  all_.Clear();
  last_all_.Clear();
  for (size_t i = 0; i < used_; ++i) {
    objects_[i].write.Clear();
    objects_[i].reads.Clear();
    if (const int64_t d = DenseIndex(ids_[i]); d >= 0) dense_[d] = 0;
  }
  sparse_.clear();
  used_ = 0;
}

}  // namespace sim
