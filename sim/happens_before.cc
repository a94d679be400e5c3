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
  JoinStep(last_all_, c);
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
    if (slot >= 0)
      JoinObject(static_cast<uint32_t>(slot), so_far.access(i), &c);
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
    JoinObject(touched[i], footprint.access(i), &c);
  }
  const uint32_t step = steps_used_++;
  if (step == steps_.size()) steps_.emplace_back();
  steps_[step].step = Epoch{task, c.Get(task)};
  steps_[step].clock = c;
  for (size_t i = 0; i < footprint.size(); ++i) {
    ObjectOrder& o = objects_[touched[i]];
    if (footprint.access(i) == Access::kWrite) {
      o.write = step;
      o.reads.clear();
      continue;
    }
    bool replaced = false;
    for (uint32_t& r : o.reads) {
      if (steps_[r].step.task == task) {
        r = step;
        replaced = true;
        break;
      }
    }
    if (!replaced) o.reads.push_back(step);
  }
  if (footprint.conflicts_with_all()) last_all_ = step;
  // A step sees of task t at most t's steps so far, so the join of every
  // step's clock is each task's own count: no join needed.
  all_.Raise(task, c.Get(task));
}

void HappensBefore::Clear() {
  for (VectorClock& c : task_) c.Clear();
  task_.clear();
  all_.Clear();
  last_all_ = kNoStep;
  steps_used_ = 0;
  for (size_t i = 0; i < used_; ++i) {
    objects_[i].write = kNoStep;
    objects_[i].reads.clear();
    if (const int64_t d = DenseIndex(ids_[i]); d >= 0) dense_[d] = 0;
  }
  sparse_.clear();
  used_ = 0;
}

}  // namespace sim
