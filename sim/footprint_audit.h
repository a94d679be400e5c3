// sim/footprint_audit.h: checks that the footprints a program's steps record
// are honest, the premise of partial-order reduction (sleep sets, DPOR).
//
// Two adjacent steps of different tasks whose footprints do not conflict are
// independent: running them in the other order must lead to the same state.
// The audit runs the program once (the base run), then, for each such pair
// where both tasks could run before the first, re-runs it with the two steps
// swapped and every task taking the same steps (and data choices) as before,
// and compares what each task did afterwards (its trace records and step
// footprints, by object name) and how the run ended. A difference means a
// dependency the footprints miss: shared state read or written outside any
// sim::Tracked, lock, channel or Touch. Tasks are named by their spawn path
// (the parent's, then the spawn's ordinal), so swapping two spawns does not
// confuse them.
//
// Cost: one run per swappable pair (a few hundred on a built-in scenario).
#ifndef DSIM_SIM_FOOTPRINT_AUDIT_H_
#define DSIM_SIM_FOOTPRINT_AUDIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim/executor.h"
#include "sim/run.h"
#include "sim/strategy.h"

namespace sim {

struct AuditFinding {
  uint64_t step = 0;   // the first step of the swapped pair, 1-based
  std::string first;   // "'task' at <op>: {object:w, ...}"
  std::string second;  // the step that ran right after it
  std::string difference;
};

struct AuditReport {
  uint64_t steps = 0;     // in the base run
  uint64_t swapped = 0;   // independent co-enabled pairs re-run swapped
  uint64_t enabling = 0;  // independent pairs where the first step made the
                          // second runnable (not swapped)
  std::vector<std::string> enabling_kinds;  // their op kinds, once each
  std::vector<AuditFinding> findings;
  std::string base_error;  // the base run itself could not be audited
};

struct AuditOptions {
  uint64_t max_swaps = UINT64_MAX;
  // Swap only every this many-th eligible pair (a cheap sample).
  uint64_t stride = 1;
  size_t max_findings = 16;
};

// `base` picks the base run's schedule (random, pct...). `options.keep_trace`
// is forced on.
AuditReport AuditFootprints(const ExecutorOptions& options, const Setup& setup,
                            Strategy& base, const AuditOptions& audit = {});

}  // namespace sim

#endif  // DSIM_SIM_FOOTPRINT_AUDIT_H_
