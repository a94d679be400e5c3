// sim/happens_before.cc: see happens_before.h.
#include "sim/happens_before.h"

namespace sim {

bool StampPrecedes(const OrderStamp& a, const OrderStamp& b) {
  if (a.task == kNoTask) return true;
  return a.task < b.seen.size() && b.seen[a.task] >= a.step;
}

void HappensBefore::ClockOf(TaskId task, const Footprint& footprint,
                            VectorClock* c) const {
  if (task < task_.size()) *c = task_[task];
  c->Tick(task);
  c->Join(last_all_);
  if (footprint.conflicts_with_all()) c->Join(all_);
  for (size_t i = 0; i < footprint.size(); ++i) {
    auto it = objects_.find(footprint.object(i));
    if (it == objects_.end()) continue;
    c->Join(it->second.write);
    if (footprint.access(i) == Access::kWrite) c->Join(it->second.reads);
  }
}

OrderStamp HappensBefore::Stamp(TaskId task, const Footprint& so_far) const {
  OrderStamp s;
  if (task == kNoTask) return s;
  VectorClock c;
  ClockOf(task, so_far, &c);
  s.task = task;
  s.step = c.Get(task);
  s.seen.resize(c.size());
  for (size_t t = 0; t < c.size(); ++t)
    s.seen[t] = c.Get(static_cast<TaskId>(t));
  return s;
}

void HappensBefore::EndStep(TaskId task, const Footprint& footprint) {
  VectorClock c;
  ClockOf(task, footprint, &c);
  for (size_t i = 0; i < footprint.size(); ++i) {
    ObjectOrder& o = objects_[footprint.object(i)];
    if (footprint.access(i) == Access::kWrite) {
      o.write = c;
      o.reads.Clear();
    } else {
      o.reads.Join(c);
    }
  }
  if (footprint.conflicts_with_all()) last_all_ = c;
  all_.Join(c);
  if (task >= task_.size()) task_.resize(task + 1);
  task_[task] = std::move(c);
}

}  // namespace sim
