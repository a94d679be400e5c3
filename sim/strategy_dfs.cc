#include "sim/strategy_dfs.h"

#include <algorithm>
#include <optional>

#include "sim/strategy_tree.h"

namespace sim {

void DfsStrategy::BeginExecution(Prng& schedule) {
  (void)schedule;
  depth_ = 0;
  preemptions_ = 0;
  last_schedule_node_ = -1;
  abandoned_ = false;
  error_.clear();
}

void DfsStrategy::SetExecuted(const Footprint& step) {
  Node& n = nodes_[last_schedule_node_];
  n.executed = step;
  n.explored.Merge(step);
}

size_t DfsStrategy::Fail(std::string why) {
  error_ = "dfs: " + why + "; is the model deterministic?";
  abandoned_ = true;
  exhausted_ = true;
  return kAbandon;
}

// Firing a timer early is not a preemption: it stands for the timer having
// been due already (jitter), a data choice bounded by the early-timer window,
// not a context switch the scheduler forced. Counting it would leave bound 0
// without jitter wherever some task could go on.
bool DfsStrategy::IsPreempting(const Node& n, size_t i) const {
  if (n.previous == kNoTask || n.tasks[i] == n.previous || n.early[i])
    return false;
  for (size_t j = 0; j < n.tasks.size(); ++j) {
    if (n.tasks[j] == n.previous && !n.early[j]) return true;
  }
  return false;
}

bool DfsStrategy::Eligible(const Node& n, size_t i) const {
  const TaskId t = n.tasks[i];
  auto has = [t](const std::vector<Explored>& v) {
    return std::any_of(v.begin(), v.end(),
                       [t](const Explored& e) { return e.task == t; });
  };
  if (has(n.done) || has(n.sleep)) return false;
  if (options_.preemption_bound >= 0 &&
      n.preemptions + (IsPreempting(n, i) ? 1 : 0) >
          options_.preemption_bound) {
    return false;
  }
  return true;
}

size_t DfsStrategy::NextTask(const ScheduleContext& ctx) {
  if (!error_.empty()) return kAbandon;  // a data choice diverged
  if (last_schedule_node_ >= 0) SetExecuted(*ctx.previous_step);
  size_t index;
  if (depth_ < nodes_.size()) {
    const Node& n = nodes_[depth_];
    if (n.is_choice || n.tasks.size() != ctx.candidates.size()) {
      return Fail(
          "the runnable set differs from an earlier execution at depth " +
          std::to_string(depth_));
    }
    for (size_t i = 0; i < n.tasks.size(); ++i) {
      if (n.tasks[i] != ctx.candidates[i].task) {
        return Fail(
            "the runnable set differs from an earlier execution at depth " +
            std::to_string(depth_));
      }
    }
    index = n.chosen;
  } else {
    Node n;
    for (const Candidate& c : ctx.candidates) {
      n.tasks.push_back(c.task);
      n.early.push_back(c.early_timer);
    }
    n.previous = ctx.previous;
    n.preemptions = preemptions_;
    if (sleep_sets_active() && last_schedule_node_ >= 0) {
      const Node& parent = nodes_[last_schedule_node_];
      const TaskId ran = parent.tasks[parent.chosen];
      for (const auto* set : {&parent.sleep, &parent.done}) {
        for (const Explored& e : *set) {
          if (e.task != ran && !e.step.ConflictsWith(parent.executed))
            n.sleep.push_back(e);
        }
      }
    }
    // Try a timer that may fire early first (the jitter choice sits at the
    // first point it is offered, where depth-first backtracking would reach it
    // last), then the task that ran last: schedules with fewer preemptions
    // come first.
    index = n.tasks.size();
    for (size_t i = 0; i < n.tasks.size() && options_.early_timers_first &&
                       index == n.tasks.size();
         ++i) {
      if (n.early[i] && Eligible(n, i)) index = i;
    }
    for (size_t i = 0; i < n.tasks.size() && index == n.tasks.size(); ++i) {
      if (n.tasks[i] == n.previous && Eligible(n, i)) index = i;
    }
    for (size_t k = 0; k < n.tasks.size() && index == n.tasks.size(); ++k) {
      const size_t i = options_.newest_first ? n.tasks.size() - 1 - k : k;
      if (Eligible(n, i)) index = i;
    }
    if (index == n.tasks.size()) {
      abandoned_ =
          true;  // every runnable task is asleep: an explored schedule's twin
      return kAbandon;
    }
    n.chosen = index;
    nodes_.push_back(std::move(n));
  }
  if (IsPreempting(nodes_[depth_], index)) ++preemptions_;
  last_schedule_node_ = static_cast<long>(depth_);
  ++depth_;
  return index;
}

uint64_t DfsStrategy::NextChoice(uint64_t n, Prng& stream) {
  (void)stream;
  const std::optional<uint64_t> v = internal::TakeChoice(nodes_, depth_, n);
  if (!v) Fail(internal::ChoiceMismatch(depth_));
  return v.value_or(0);
}

void DfsStrategy::EndExecution(const Footprint& last_step) {
  if (exhausted_) return;
  if (last_schedule_node_ >= 0) SetExecuted(last_step);
  if (abandoned_) {
    ++pruned_;
  } else {
    ++complete_;
    if (preemptions_ == options_.preemption_bound) ++at_bound_;
  }
  // Nodes past the depth reached belong to an older execution's suffix.
  nodes_.resize(std::min(nodes_.size(), depth_));
  Backtrack();
}

void DfsStrategy::Backtrack() {
  while (!nodes_.empty()) {
    Node& n = nodes_.back();
    if (n.is_choice) {
      if (internal::NextChoiceValue(n)) return;
      nodes_.pop_back();
      continue;
    }
    n.done.push_back(Explored{n.tasks[n.chosen], n.explored});
    for (size_t i = 0; i < n.tasks.size(); ++i) {
      if (Eligible(n, i)) {
        n.chosen = i;
        n.executed.Clear();
        n.explored.Clear();
        return;
      }
    }
    nodes_.pop_back();
  }
  exhausted_ = true;
}

}  // namespace sim
