// sim/shrink.h: shrinking a failing schedule. Given a run that violated an
// invariant, find a schedule with fewer preemptions that still violates it:
// keep the shortest prefix of the recorded task choices that still fails
// (after it, every task runs until it blocks), then drop the preemptions in
// that prefix one at a time while the failure stays. The result is a real run
// (its decisions replay as recorded) and says how many preemptions it needs.
#ifndef DSIM_SIM_SHRINK_H_
#define DSIM_SIM_SHRINK_H_

#include <string>
#include <vector>

#include "sim/run.h"

namespace sim {

struct ShrunkSchedule {
  // False when following the recorded choices did not fail again (the run
  // depends on more than its task choices): keep the original run then.
  bool shrunk = false;
  RunRecord record;     // the shrunk run; violates `invariant`
  int preemptions = 0;  // in the shrunk run
  int original_preemptions = 0;
  int trials = 0;  // runs spent shrinking
};

// `decisions` are the failing run's (options.seed and `setup` as it ran).
// At most `max_trials` runs.
ShrunkSchedule ShrinkSchedule(const Setup& setup,
                              const ExecutorOptions& options,
                              const std::vector<Decision>& decisions,
                              const std::string& invariant,
                              int max_trials = 2000);

}  // namespace sim

#endif  // DSIM_SIM_SHRINK_H_
