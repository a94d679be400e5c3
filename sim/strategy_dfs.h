// sim/strategy_dfs.h: exhaustive depth-first enumeration of schedules (and of
// data choices), one execution per schedule, re-running the program from the
// start each time.
//
// Two reductions, each sound on its own:
// - a preemption bound K: only schedules with at most K preemptions are
// explored, and every
//   one of them is (complete for its bound);
// - sleep sets: a schedule that only reorders independent steps (footprints
// that do not
//   conflict) of one already explored is skipped.
// Firing a timer early (ExecutorOptions::jitter) and data choices (fault
// draws, Strategy::NextChoice) are branches of the tree like task choices; an
// early firing is not a preemption (strategy_dfs.cc says why).
//
// Combined naively the two are unsound: the bound makes independent steps
// dependent (Coons, Musuvathi, McKinley, "Bounded partial-order reduction",
// OOPSLA 2013). So sleep sets are used only when the search is unbounded, and a
// bounded search stays complete for its bound.
#ifndef DSIM_SIM_STRATEGY_DFS_H_
#define DSIM_SIM_STRATEGY_DFS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/strategy.h"

namespace sim {

struct DfsOptions {
  int preemption_bound = -1;  // < 0: unbounded
  bool sleep_sets = true;     // applied only when unbounded (see above)
  // A new node tries a timer that may fire early (ExecutorOptions::jitter)
  // before the task that ran last; see strategy_dfs.cc.
  bool early_timers_first = true;
  // Where the task that ran last cannot go on (or is asleep), try the newest
  // runnable task (highest id) first instead of the oldest. Either order
  // explores the same schedules; it changes which come first.
  bool newest_first = false;
};

class DfsStrategy : public ExhaustiveStrategy {
 public:
  explicit DfsStrategy(DfsOptions options = {}) : options_(options) {}
  void BeginExecution(Prng& schedule) override;
  size_t NextTask(const ScheduleContext& ctx) override;
  uint64_t NextChoice(uint64_t n, Prng& stream) override;
  void EndExecution(const Footprint& last_step) override;
  std::string_view name() const override { return "dfs"; }
  std::string TakeError() override { return std::exchange(error_, {}); }

  // False once every schedule within the bound has been explored.
  bool HasMore() const override { return !exhausted_; }
  uint64_t complete_executions() const override { return complete_; }
  uint64_t pruned_executions() const override { return pruned_; }
  // Complete executions with exactly preemption_bound preemptions: what a
  // bound adds over the one below it (iterative deepening re-runs the rest).
  uint64_t executions_at_bound() const { return at_bound_; }
  bool sleep_sets_active() const {
    return options_.sleep_sets && options_.preemption_bound < 0;
  }

 private:
  struct Explored {
    TaskId task;
    Footprint step;  // what the step touched when it ran from this node
  };
  struct Node {
    bool is_choice = false;
    uint64_t choice_n = 0;      // choice nodes: the range
    uint64_t chosen = 0;        // index into tasks, or the chosen value
    std::vector<TaskId> tasks;  // schedule nodes: the candidates, in order
    std::vector<bool> early;    // candidate i runnable only as an early timer
    TaskId previous = kNoTask;
    int preemptions = 0;          // before this node's step
    std::vector<Explored> sleep;  // asleep on entry
    std::vector<Explored> done;   // explored siblings
    Footprint executed;           // what the chosen step touched
    // ...and its union over the data choices made in it since it was
    // chosen: what a sleep set must compare against.
    Footprint explored;
  };
  bool Eligible(const Node& n, size_t i) const;
  bool IsPreempting(const Node& n, size_t i) const;
  size_t Fail(std::string why);
  // What the step chosen at the last schedule node touched.
  void SetExecuted(const Footprint& step);
  void Backtrack();

  DfsOptions options_;
  std::vector<Node> nodes_;
  size_t depth_ = 0;
  int preemptions_ = 0;
  long last_schedule_node_ = -1;
  bool abandoned_ = false;
  bool exhausted_ = false;
  uint64_t complete_ = 0;
  uint64_t pruned_ = 0;
  uint64_t at_bound_ = 0;
  std::string error_;
};

}  // namespace sim

#endif  // DSIM_SIM_STRATEGY_DFS_H_
