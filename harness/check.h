// harness/check.h: the model-checking loop behind `dsim check`: every schedule
// of one scenario within a preemption bound, by iterative deepening (bound 0,
// then 1, ... up to the bound asked for), with sim's depth-first search
// (sim/strategy_dfs.h) and DPOR in turn (sim/strategy_dpor.h), until every
// bound is exhausted, the budget is spent or
// a run violates a property (made replayable as explore's first violation is:
// harness/summary.h). Tests call it as the CLI does.
//
// Example:
//   CheckOptions o{.preemption_bound = 1, .max_runs = 100000};
//   CheckResult c = Check(scenario, run_selection, o);
//   if (c.summary.first) ... c.summary.first->token ...
//   for (const BoundResult& b : c.bounds) ... b.schedules, b.exhausted ...
#ifndef DSIM_HARNESS_CHECK_H_
#define DSIM_HARNESS_CHECK_H_

#include <cstdint>
#include <vector>

#include "harness/explore.h"
#include "harness/run_config.h"
#include "harness/summary.h"

namespace harness {

// harness::CheckOptions
struct CheckOptions {
  // Deepen the bound from 0 up to this; -1: one search without a bound, with
  // sleep sets.
  int preemption_bound = 2;
  // Executions over all bounds (pruned ones included), and wall seconds.
  // Each bound gets an equal share of what is left of both.
  uint64_t max_runs = 100000;
  double max_seconds = 30;
  uint64_t seed = 1;   // every execution's seed: they differ by choices alone
  bool jitter = true;  // a timer may end early (a branch of the search)
  // DPOR takes every other execution, over every bound at once; its
  // exhausting ends the check (check.cc).
  bool dpor = true;
};

// harness::BoundResult
//
// One preemption bound of the iterative deepening.
struct BoundResult {
  int bound = 0;  // -1: unbounded
  // Complete schedules the search order that finished (or got further)
  // explored, and how many of them have exactly `bound` preemptions.
  uint64_t schedules = 0, new_schedules = 0;
  uint64_t pruned = 0;      // over both search orders
  uint64_t executions = 0;  // both orders, pruned ones included
  bool exhausted = false;   // every schedule within the bound explored
  bool violated = false;    // this bound's run violated (CheckResult's first)
  // DPOR, not dfs, finished this bound: every class of schedules that only
  // reorder independent steps was explored, which covers every bound
  // (`schedules` is then DPOR's count, over the whole check).
  bool by_dpor = false;
  double seconds = 0;
};

// harness::CheckResult
struct CheckResult {
  std::vector<BoundResult> bounds;  // in the order tried
  // Runs, steps, summary hash, and the first violation with its token.
  Summary summary;
  // kExhausted: every bound was; kViolation; kRuns or kTime: the budget.
  Stop stop = Stop::kExhausted;
  double seconds = 0;
  bool exhaustive() const { return stop == Stop::kExhausted; }
};

// Checks `sc` under `r` (its strategy label is set to "dfs" in the token).
CheckResult Check(const SelectedScenario& sc, const RunSelection& r,
                  const CheckOptions& o);

}  // namespace harness

#endif  // DSIM_HARNESS_CHECK_H_
