// sim/strategy_dpor.h: source-set dynamic partial-order reduction with sleep
// sets (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial order
// reduction", POPL 2014, Algorithm 1), over the footprints the executor
// records for every step. Exhaustive and unbounded: it explores at least one
// execution of every Mazurkiewicz trace (equivalence class of executions that
// only reorder independent steps), usually far fewer executions than dfs.
//
// Like dfs it re-runs the program from the start for each execution and
// follows the recorded prefix. After each execution it finds the races (two
// steps of different tasks whose footprints conflict, with no step ordered
// between them) and, for each, adds to the backtrack set of the state before
// the first step a task that starts a schedule reversing the race, unless one
// is already there. Data choices (fault draws) are explored value by value, as
// dfs does. A step that fires a timer conflicts with every step (its footprint
// overflows): when it is enabled depends on every other task being blocked.
//
// Races with steps that never ran count too (Flanagan and Godefroid's rule
// for disabled transitions): the executor reports each step a task parked at
// that could not run at once, was cancelled, or was still parked at the end
// (Strategy::Pending), and each conflicting step of another task before it
// that does not happen before the task's own last step is reversed. Without
// them a lock taken first, a value taken from a channel first or a cancel
// that came first was never reversed when the loser's step ran only after a
// timer step (which conflicts with all) or never ran at all
// (sim/dpor_random_test.cc found each).
#ifndef DSIM_SIM_STRATEGY_DPOR_H_
#define DSIM_SIM_STRATEGY_DPOR_H_

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/strategy.h"

namespace sim {

class DporStrategy : public ExhaustiveStrategy {
 public:
  void BeginExecution(Prng& schedule) override;
  size_t NextTask(const ScheduleContext& ctx) override;
  uint64_t NextChoice(uint64_t n, Prng& stream) override;
  void EndExecution(const Footprint& last_step) override;
  bool wants_pending() const override { return true; }
  void Pending(std::span<const PendingStep> pending) override;
  std::string_view name() const override { return "dpor"; }
  std::string TakeError() override { return std::exchange(error_, {}); }

  bool HasMore() const override { return !exhausted_; }
  uint64_t complete_executions() const override { return complete_; }
  uint64_t pruned_executions() const override { return pruned_; }

 private:
  struct Explored {
    TaskId task;
    Footprint step;  // what the task's step from this state touched
  };
  struct Node {
    bool is_choice = false;
    uint64_t choice_n = 0;      // choice nodes: the range
    uint64_t chosen = 0;        // index into tasks, or the chosen value
    std::vector<TaskId> tasks;  // schedule nodes: the candidates, in order
    TaskId previous = kNoTask;
    Nanos now = 0;                  // schedule nodes: the clock in this state
    std::vector<TaskId> backtrack;  // to explore from here; includes done
    // For a task a race added to backtrack: the tasks of the rest of the
    // schedule that reverses the race, to follow after it (see guide_).
    std::vector<std::pair<TaskId, std::vector<TaskId>>> wakeup;
    std::vector<Explored> sleep;  // asleep on entry
    std::vector<Explored> done;   // explored from here
    Footprint executed;           // what the chosen step touched
    // ...and its union over the data choices made in it since it was
    // chosen: what a sleep set must compare against.
    Footprint explored;
  };
  size_t Fail(std::string why);
  // What the step chosen at the last schedule node touched.
  void SetExecuted(const Footprint& step);
  bool Explorable(const Node& n, TaskId t) const;
  void AddBacktrackPoints();
  void AnalyzeStep(size_t k, size_t limit, bool taken);
  void ReverseRace(size_t j, size_t k, size_t limit);
  void Backtrack();

  std::vector<Node> nodes_;
  size_t depth_ = 0;
  long last_schedule_node_ = -1;
  bool abandoned_ = false;
  bool exhausted_ = false;
  uint64_t complete_ = 0;
  uint64_t pruned_ = 0;
  std::string error_;
  // Scratch for the race analysis of one execution, kept to reuse memory.
  // invariant: clock_[k * tasks_ + t] is 1 + the index of the last step of
  // task t that happens before (or is) step k; 0 when none.
  std::vector<size_t> events_;  // schedule nodes, in order
  // Per event: its task and footprint; one more at the end while a pending
  // step is analysed.
  std::vector<TaskId> event_task_;
  std::vector<const Footprint*> event_step_;
  std::vector<long> last_of_;  // per task: its last event so far, or -1
  std::vector<size_t> preds_;
  std::vector<char>
      pred_races_;  // preds_[i]'s step races with the step (RacesWith)
  std::vector<PendingStep> pending_;  // of the execution just ended
  // Tasks to run next at new nodes, in order, while each can: the schedule
  // that reverses the race the current execution was started for. Any order
  // at a new node is sound; following the reversal (as optimal DPOR's wakeup
  // trees do) avoids most executions that end sleep-set blocked.
  std::vector<TaskId> guide_;
  size_t guide_next_ = 0;
  std::vector<uint32_t> clock_;
  size_t tasks_ = 0;
};

}  // namespace sim

#endif  // DSIM_SIM_STRATEGY_DPOR_H_
