// sim/run.h: running a program under the executor, once or many times.
//
// A program is a Setup: it creates its objects (locks, channels, state) and
// spawns its tasks on the executor it is given, and returns them as a
// keep-alive that is destroyed only after every task frame is, so frames never
// outlive what they reference.
#ifndef DSIM_SIM_RUN_H_
#define DSIM_SIM_RUN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/executor.h"
#include "sim/strategy.h"

namespace sim {

using Setup = std::function<std::shared_ptr<void>(Executor&)>;

struct RunRecord {
  RunResult result;
  std::vector<Decision> decisions;
  std::vector<uint64_t> fingerprints;  // when options.keep_fingerprints
  std::string trace_text;              // when options.keep_trace
  std::string chrome_json;             // when options.keep_trace
};

// For ExecutorOptions::wall_deadline_ns: `seconds` after `start_ns` (both on
// std::chrono::steady_clock), or 0 (no deadline) when `seconds` is not a
// finite number in (0, one year].
int64_t WallDeadlineNs(int64_t start_ns, double seconds);

// Runs `setup` once with `strategy`.
RunRecord RunOnce(const ExecutorOptions& options, Strategy& strategy,
                  const Setup& setup);
// The same into `rec`, whose vectors keep their capacity: a loop of runs that
// passes the same record allocates nothing for it.
void RunOnce(const ExecutorOptions& options, Strategy& strategy,
             const Setup& setup, RunRecord& rec);

// `decisions` of a run made with `options`, with their fingerprints when the
// options had ExecutorOptions::fingerprint_decisions off: the run again,
// following them (a run is deterministic), with fingerprints on. Decisions
// past the first that the run again does not take keep fingerprint 0.
std::vector<Decision> FillFingerprints(const ExecutorOptions& options,
                                       const Setup& setup,
                                       const std::vector<Decision>& decisions);

// Runs one configuration twice (random strategy, the given seed) and compares
// the per-step fingerprints. Empty when both runs agree; otherwise names the
// first step that differs.
std::optional<std::string> CheckDeterminism(const ExecutorOptions& options,
                                            const Setup& setup);

// Runs executions under `dfs` (or dpor) until it is exhausted or one fails; at
// most `max_executions`.
struct DfsReport {
  uint64_t complete = 0;
  uint64_t pruned = 0;
  bool exhausted = false;
  std::optional<RunRecord> failure;  // the first run that did not complete
};
DfsReport ExploreDfs(const ExecutorOptions& options, ExhaustiveStrategy& dfs,
                     const Setup& setup, uint64_t max_executions = UINT64_MAX);

}  // namespace sim

#endif  // DSIM_SIM_RUN_H_
