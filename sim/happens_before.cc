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

OrderStamp HappensBefore::Stamp(TaskId task, const Footprint& so_far) const {
  OrderStamp s;
  if (task == kNoTask) return s;
  VectorClock c;
  Base(task, so_far, &c);
  for (size_t i = 0; i < so_far.size(); ++i) {
    auto it = index_.find(so_far.object(i));
    if (it == index_.end()) continue;
    const ObjectOrder& o = objects_[it->second];
    o.write.JoinInto(&c);
    if (so_far.access(i) == Access::kWrite) c.Join(o.reads);
  }
  s.task = task;
  s.step = c.Get(task);
  s.seen.resize(c.size());
  for (size_t t = 0; t < c.size(); ++t)
    s.seen[t] = c.Get(static_cast<TaskId>(t));
  return s;
}

void HappensBefore::EndStep(TaskId task, const Footprint& footprint) {
  if (task >= task_.size()) task_.resize(task + 1);
  VectorClock& c = task_[task];
  Base(task, footprint, &c);
  std::array<uint32_t, Footprint::kCapacity> touched;
  for (size_t i = 0; i < footprint.size(); ++i) {
    auto [it, added] =
        index_.try_emplace(footprint.object(i), static_cast<uint32_t>(used_));
    if (added) {
      if (used_ == objects_.size()) objects_.emplace_back();
      ++used_;
    }
    touched[i] = it->second;
  }
  for (size_t i = 0; i < footprint.size(); ++i) {
    const ObjectOrder& o = objects_[touched[i]];
    o.write.JoinInto(&c);
    if (footprint.access(i) == Access::kWrite) c.Join(o.reads);
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
  index_.clear();
  for (size_t i = 0; i < used_; ++i) {
    objects_[i].write.Clear();
    objects_[i].reads.Clear();
  }
  used_ = 0;
}

}  // namespace sim
