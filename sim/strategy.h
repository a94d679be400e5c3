// sim/strategy.h: the one small interface every scheduling strategy implements.
//
// At each scheduling point the executor hands the strategy the runnable
// candidates (in task-id order) and asks which runs next; at each data choice
// it asks for a value. Adding a strategy touches one file: strategy_random,
// strategy_pct, strategy_replay, strategy_dfs.
#ifndef DSIM_SIM_STRATEGY_H_
#define DSIM_SIM_STRATEGY_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/footprint.h"
#include "sim/op.h"
#include "sim/prng.h"
#include "sim/vector_clock.h"

namespace sim {

struct Candidate {
  TaskId task;
  OpKind kind;
  ObjectId object;  // what the point the task is parked at touches (kNoObject:
                    // nothing)
  Access access;
  bool early_timer;    // runnable only because the strategy may fire its timer
                       // early
  bool ready = false;  // its op is ready (else its timer is due or early)
};

struct ScheduleContext {
  std::span<const Candidate> candidates;  // never empty
  TaskId previous;  // the task that ran the previous step, or kNoTask
  const Footprint* previous_step;  // everything the previous step touched
  uint64_t fingerprint;  // hash of the candidate set, for replay checks;
                         // 0 when there is one candidate
  Nanos now = 0;         // the virtual clock in this state
};

// A step that might never be taken: the point a task parked at that could
// not run at once, or was parked at when it was cancelled or when the
// execution ended, and how many steps the execution had taken by then (the
// step is pending after those).
struct PendingStep {
  TaskId task;
  Footprint step;
  uint64_t after;
};

// Returned by NextTask to abandon this execution (dfs: every candidate is
// asleep).
inline constexpr size_t kAbandon = SIZE_MAX;

class Strategy {
 public:
  virtual ~Strategy() = default;
  // A new execution starts; `schedule` is its scheduling stream.
  virtual void BeginExecution(Prng& schedule) = 0;
  // Index into ctx.candidates, or kAbandon.
  virtual size_t NextTask(const ScheduleContext& ctx) = 0;
  // A value in [0, n) for a data choice drawn from `stream` (faults, workload).
  virtual uint64_t NextChoice(uint64_t n, Prng& stream) = 0;
  // The execution ended; `last_step` is what its final step touched.
  virtual void EndExecution(const Footprint& last_step) { (void)last_step; }
  // Called just before EndExecution when wants_pending(): the pending steps
  // of the execution (PendingStep). A step that disabled one (took the lock
  // or the value it waited for, cancelled its task) conflicts with a step
  // that may never have run, which a partial-order reduction must still see
  // to reverse.
  virtual bool wants_pending() const { return false; }
  virtual void Pending(std::span<const PendingStep> pending) { (void)pending; }
  virtual std::string_view name() const = 0;
  // Why the last kAbandon happened, if it was an error (replay divergence);
  // empty otherwise.
  virtual std::string TakeError() { return {}; }
  // True for a strategy that enumerates executions until none is left: its
  // runs all use one seed (their differences are its choices), and it can
  // run out (HasMore). False for a sampling one (random, pct).
  virtual bool exhaustive() const { return false; }
  // False once every execution it means to explore has been explored (never
  // for a sampling strategy).
  virtual bool HasMore() const { return true; }
};

// A strategy that enumerates executions until none is left (dfs, dpor).
class ExhaustiveStrategy : public Strategy {
 public:
  bool exhaustive() const final { return true; }
  bool HasMore() const override = 0;
  virtual uint64_t complete_executions() const = 0;
  // Executions abandoned as redundant (every runnable task asleep).
  virtual uint64_t pruned_executions() const = 0;
};

// True when picking `chosen` preempts the previous task, which could have
// continued.
bool IsPreemption(const ScheduleContext& ctx, size_t chosen);
// The non-preemptive choice: the task that ran last if it can go on, else the
// first candidate.
size_t SteadyChoice(const ScheduleContext& ctx);

}  // namespace sim

#endif  // DSIM_SIM_STRATEGY_H_
