// Google Benchmark for the exec-race toy (sim/exec_race_toy.h), the grid of
// issue #13: FIXED throughput with random scheduling and race detection on;
// the executions dfs needs to exhaust FIXED; the executions random and pct
// (d=2) need to first hit the bug, median of 20 seeds. Counts are reported as
// counters (they do not depend on the machine); only the throughput does.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/alloc_count.h"
#include "sim/exec_race_toy.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_dpor.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"

namespace sim {
namespace {

toy::ExecRaceOptions ToyArgs(const benchmark::State& state, bool fixed) {
  return toy::ExecRaceOptions{.noise = static_cast<int>(state.range(0)),
                              .extra = static_cast<int>(state.range(1)),
                              .fixed = fixed};
}

// range 2: whether the run keeps its trace hash (explore reads it for the
// summary hash; a search for a failure need not). Decision fingerprints are
// off, as in explore's and check's loops (a failing run's token gets them
// from FillFingerprints).
void BM_ToyFixedThroughput(benchmark::State& state) {
  const Setup program = toy::ExecRace(ToyArgs(state, /*fixed=*/true));
  RandomStrategy random;
  ExecutorOptions o;
  o.detect_races = true;
  o.hash_trace = state.range(2) == 1;
  o.fingerprint_decisions = false;
  uint64_t i = 0;
  RunRecord rec;
  RunOnce(o, random, program, rec);  // warm the per-thread pools
  const uint64_t allocations_before = HeapAllocations();
  for (auto _ : state) {
    o.seed = Mix64(++i);
    RunOnce(o, random, program, rec);
    if (rec.result.outcome != RunOutcome::kCompleted)
      state.SkipWithError("FIXED toy violated");
  }
  state.counters["iterations/s"] =
      benchmark::Counter(static_cast<double>(i), benchmark::Counter::kIsRate);
  // Every heap allocation in the loop, RunRecord included, per execution.
  state.counters["allocs/run"] =
      static_cast<double>(HeapAllocations() - allocations_before) /
      static_cast<double>(i == 0 ? 1 : i);
}
BENCHMARK(BM_ToyFixedThroughput)
    ->ArgsProduct({{0, 5, 20}, {0, 2}, {1, 0}})
    ->ArgNames({"noise", "extra", "hash"});

// Executions until dfs exhausts FIXED (range 2: the preemption bound, -1
// unbounded with sleep sets), stopping at kDfsExecutionsMax.
constexpr uint64_t kDfsExecutionsMax = 300'000;

void BM_ToyDfsExhaust(benchmark::State& state) {
  const Setup program = toy::ExecRace(ToyArgs(state, /*fixed=*/true));
  const int bound = static_cast<int>(state.range(2));
  DfsReport report;
  for (auto _ : state) {
    DfsStrategy dfs(DfsOptions{.preemption_bound = bound});
    report = ExploreDfs(ExecutorOptions{}, dfs, program, kDfsExecutionsMax);
  }
  state.counters["executions"] = static_cast<double>(report.complete);
  state.counters["pruned"] = static_cast<double>(report.pruned);
  state.counters["exhausted"] = report.exhausted ? 1 : 0;
}
BENCHMARK(BM_ToyDfsExhaust)
    ->ArgsProduct({{0, 5, 20}, {0, 2}, {2, -1}})
    ->ArgNames({"noise", "extra", "bound"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Executions until DPOR exhausts FIXED, and until it first fails on the buggy
// toy (range 2: 1 FIXED, 0 buggy); no seed: DPOR is deterministic.
void BM_ToyDpor(benchmark::State& state) {
  const bool fixed = state.range(2) == 1;
  const Setup program = toy::ExecRace(ToyArgs(state, fixed));
  DfsReport report;
  for (auto _ : state) {
    DporStrategy dpor;
    report = ExploreDfs(ExecutorOptions{}, dpor, program, kDfsExecutionsMax);
  }
  if (fixed == report.failure.has_value())
    state.SkipWithError(fixed ? "FIXED toy violated" : "bug not found");
  state.counters["executions"] = static_cast<double>(report.complete);
  state.counters["pruned"] = static_cast<double>(report.pruned);
  state.counters["exhausted"] = report.exhausted ? 1 : 0;
}
BENCHMARK(BM_ToyDpor)
    ->ArgsProduct({{0, 5, 20}, {0, 2}, {1, 0}})
    ->ArgNames({"noise", "extra", "fixed"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Executions until the first violation of the buggy toy, for one seed;
// UINT64_MAX when none within kFirstFailureMax.
constexpr uint64_t kFirstFailureMax = 1'000'000;

uint64_t ExecutionsToFailure(Strategy& strategy, const Setup& program,
                             uint64_t seed) {
  ExecutorOptions o;
  for (uint64_t i = 0; i < kFirstFailureMax; ++i) {
    o.seed = Mix64(seed ^ Mix64(i));
    if (RunOnce(o, strategy, program).result.outcome != RunOutcome::kCompleted)
      return i + 1;
  }
  return UINT64_MAX;
}

// range 2: 0 random; 1 pct d=2 with k fixed at 100; 2 pct d=2 with k the
// longest run so far (Coyote).
void BM_ToyFirstFailure(benchmark::State& state) {
  const Setup program = toy::ExecRace(ToyArgs(state, /*fixed=*/false));
  std::vector<uint64_t> found;
  for (auto _ : state) {
    found.clear();
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      std::unique_ptr<Strategy> s;
      if (state.range(2) == 0) {
        s = std::make_unique<RandomStrategy>();
      } else {
        s = std::make_unique<PctStrategy>(
            PctOptions{.depth = 2, .estimate_steps = state.range(2) == 2});
      }
      found.push_back(ExecutionsToFailure(*s, program, seed));
    }
  }
  std::sort(found.begin(), found.end());
  const auto misses = std::count(found.begin(), found.end(), UINT64_MAX);
  const uint64_t median = found[found.size() / 2];
  state.counters["median_executions"] =
      median == UINT64_MAX ? -1.0 : static_cast<double>(median);
  state.counters["seeds_missed"] = static_cast<double>(misses);
}
BENCHMARK(BM_ToyFirstFailure)
    ->ArgsProduct({{0, 5, 20}, {0, 2}, {0, 1, 2}})
    ->ArgNames({"noise", "extra", "strategy"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sim
