// harness/summary.h: what a search (explore, check) tallies over its runs:
// runs, steps, the order-independent summary hash, per-scenario figures, and
// the first violation made replayable (its schedule shrunk, its token built,
// its trace kept): shrinking and the token happen here, in the library, for
// every caller (the CLI and tests alike).
#ifndef DSIM_HARNESS_SUMMARY_H_
#define DSIM_HARNESS_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/run_config.h"
#include "sim/run.h"

namespace harness {

// The first violating run of a search, shrunk, with its token.
struct FirstViolation {
  std::string invariant, message, scenario, token, trace_text, chrome_json;
  std::string scenario_path;  // the scenario's file (empty for a built-in)
  size_t scenario_index = 0;  // in the search's selection
  uint64_t run = 0, seed = 0, trace_hash = 0;
  double seconds = 0;
  bool shrunk = false;
  int preemptions = -1, original_preemptions = -1;
};

// What one scenario's runs took.
struct ScenarioStats {
  uint64_t runs = 0, steps = 0;
  double seconds = 0;
};

// explore's summary hash is the wrapping sum of RunHashTerm over the runs it
// made: independent of the order the runs were made in and of how they were
// split into shards (the shards' sums add up to one machine's).
inline constexpr uint64_t kEmptyRunsHash = 0;
uint64_t RunHashTerm(uint64_t run_index, uint64_t trace_hash);

struct Summary {
  uint64_t runs = 0, steps = 0, violations = 0;
  // Executions a reducing strategy (DPOR's sleep sets) ended before they
  // completed: counted by the run budget, not in `runs`.
  uint64_t pruned = 0;
  uint64_t hash = kEmptyRunsHash;  // the sum of RunHashTerm over the runs
  std::optional<FirstViolation> first;
  std::vector<ScenarioStats> per_scenario;
};

// Counts run `run` (its index among every shard's runs) of scenario `k`.
void Record(Summary& s, const sim::RunRecord& rec, uint64_t run, size_t k,
            double seconds);

// Did the run fail (a violated property, a deadlock, a budget...)?
bool Violated(const sim::RunRecord& rec);

// The run `decisions` describe, again, with its trace kept.
sim::RunRecord Rerun(const sim::Setup& program, sim::ExecutorOptions o,
                     const std::vector<sim::Decision>& decisions);

// The violating run `rec` (run `run` of scenario `k` of the selection, made
// with `options`) made replayable: its schedule shrunk, its token, its trace.
// `seconds` is how long the search took to find it.
FirstViolation MakeFirstViolation(const SelectedScenario& sc, size_t k,
                                  const RunSelection& r,
                                  const sim::Setup& program,
                                  const sim::RunRecord& rec, uint64_t run,
                                  const sim::ExecutorOptions& options,
                                  double seconds);

// Counts a violation in `s` and keeps it as the first (MakeFirstViolation).
void NoteViolation(Summary& s, const SelectedScenario& sc, size_t k,
                   const RunSelection& r, const sim::Setup& program,
                   const sim::RunRecord& rec, uint64_t run,
                   const sim::ExecutorOptions& options, double seconds);

}  // namespace harness

#endif  // DSIM_HARNESS_SUMMARY_H_
