// harness/explore.h: the exploration loop behind `dsim explore`: many runs of
// the selected scenarios in turn under one strategy each, until the run
// budget, the time budget, the first violation (made replayable:
// harness/summary.h) or, for an exhaustive strategy, the end of every
// scenario's executions. Tests call it as the CLI does.
#ifndef DSIM_HARNESS_EXPLORE_H_
#define DSIM_HARNESS_EXPLORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/run_config.h"
#include "harness/summary.h"
#include "sim/strategy.h"

namespace harness {

// How far ahead a jittered delay may end early in explore's runs.
inline constexpr sim::Nanos kEarlyTimerWindow = 100 * sim::kMillisecond;

// pct_steps: estimate pct's k per scenario (see CalibratePctSteps).
inline constexpr uint64_t kPctStepsEstimate = 0;

// What a named strategy is made with.
struct StrategyOptions {
  int pct_depth = 3;
  // pct's k: the decisions (scheduling points with a choice) expected per
  // run, over which its d-1 priority change points are drawn. Explore turns
  // kPctStepsEstimate into each scenario's CalibratePctSteps; MakeStrategy
  // alone turns it into sim's estimate from the runs so far (which depends
  // on the order runs are made in).
  uint64_t pct_steps = kPctStepsEstimate;
  int preemption_bound = 2;  // dfs; -1: none (sleep sets)
};

// pct | random | dfs | dpor, or nullptr for another name.
std::unique_ptr<sim::Strategy> MakeStrategy(const std::string& name,
                                            const StrategyOptions& options);

// How many calibration runs CalibratePctSteps makes.
inline constexpr int kPctCalibrationRuns = 8;

// pct's k for `program` as Coyote takes it, the longest run seen (in
// decisions), but seen in kPctCalibrationRuns runs of its own before the
// exploration, under pct (k = 200 for the first, then the longest so far)
// with seeds drawn from `seed` alone: so k depends only on the scenario,
// configuration, seed and jitter, never on which runs a shard makes
// (explore's runs and summary hash stay those of one machine). The calibration
// runs are not the exploration's runs: not counted, not hashed, and a violation
// in one is not reported. Tokens replay recorded decisions, so they need no k.
uint64_t CalibratePctSteps(const sim::Setup& program, uint64_t seed,
                           bool jitter, int pct_depth);

// Why an exploration ended.
enum class Stop { kRuns, kTime, kViolation, kExhausted };

struct ExploreOptions {
  std::string strategy = "pct";  // a MakeStrategy name
  StrategyOptions strategy_options;
  uint64_t max_runs = 100000;
  double max_seconds = 30;
  uint64_t seed = 1;  // run i of a sampling strategy: Mix64(seed ^ Mix64(i))
  bool jitter = false;
  // Make only the runs i with i % shard_count == shard_index.
  uint64_t shard_index = 0, shard_count = 1;
  // Called before every run: seconds so far, the summary, the run index.
  std::function<void(double, const Summary&, uint64_t)> progress;
};

struct ExploreResult {
  Summary summary;
  Stop stop = Stop::kRuns;
  double seconds = 0;
  // pct's k per scenario (calibrated at its first run, or as given; 0 for a
  // scenario the exploration stopped before); empty for other strategies.
  std::vector<uint64_t> pct_steps;
};

// Explores `scenarios` (run i is of scenarios[i % size]) under `r`.
// REQUIRES: scenarios non-empty, MakeStrategy(o.strategy) non-null.
ExploreResult Explore(const std::vector<const SelectedScenario*>& scenarios,
                      const RunSelection& r, const ExploreOptions& o);

}  // namespace harness

#endif  // DSIM_HARNESS_EXPLORE_H_
