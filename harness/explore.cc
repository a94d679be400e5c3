// harness/explore.cc: the exploration loop.
#include "harness/explore.h"

#include "harness/wall_clock.h"
#include "sim/prng.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_dpor.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"

namespace harness {

namespace {

// pct's k before any run was seen: about this many decisions per scenario run.
constexpr uint64_t kPctStepsGuess = 200;

// Calibration run c's seed: not any exploration run's (those are
// Mix64(seed ^ Mix64(i))).
uint64_t CalibrationSeed(uint64_t seed, int c) {
  return sim::Mix64(sim::Mix64(seed ^ 0x70637463616c6962ull) +
                    static_cast<uint64_t>(c));
}

}  // namespace

uint64_t CalibratePctSteps(const sim::Setup& program, uint64_t seed,
                           bool jitter, int pct_depth) {
  sim::PctStrategy pct(sim::PctOptions{.depth = pct_depth,
                                       .steps_hint = kPctStepsGuess,
                                       .estimate_steps = true});
  sim::ExecutorOptions o;
  o.jitter = jitter;
  o.early_timer_window = kEarlyTimerWindow;
  o.hash_trace = false;
  for (int c = 0; c < kPctCalibrationRuns; ++c) {
    o.seed = CalibrationSeed(seed, c);
    sim::RunOnce(o, pct, program);
  }
  return pct.steps_estimate();
}

std::unique_ptr<sim::Strategy> MakeStrategy(const std::string& name,
                                            const StrategyOptions& options) {
  if (name == "random") return std::make_unique<sim::RandomStrategy>();
  if (name == "pct") {
    const bool estimate = options.pct_steps == kPctStepsEstimate;
    return std::make_unique<sim::PctStrategy>(sim::PctOptions{
        .depth = options.pct_depth,
        .steps_hint = estimate ? kPctStepsGuess : options.pct_steps,
        .estimate_steps = estimate});
  }
  if (name == "dpor") return std::make_unique<sim::DporStrategy>();
  if (name == "dfs") {
    return std::make_unique<sim::DfsStrategy>(
        sim::DfsOptions{.preemption_bound = options.preemption_bound});
  }
  return nullptr;
}

ExploreResult Explore(const std::vector<const SelectedScenario*>& scenarios,
                      const RunSelection& r, const ExploreOptions& opt) {
  std::vector<sim::Setup> programs;
  // Made at a scenario's first run, with pct's calibration: the time limit
  // and the progress line then see the calibration too (seconds under ASan).
  std::vector<std::unique_ptr<sim::Strategy>> strategies(scenarios.size());
  const int64_t start = NowNs();
  ExploreResult result;
  const bool calibrate = opt.strategy == "pct" &&
                         opt.strategy_options.pct_steps == kPctStepsEstimate;
  for (const SelectedScenario* sc : scenarios) {
    programs.push_back(properties::ScenarioProgram(sc->scenario, r.config));
  }
  if (opt.strategy == "pct") result.pct_steps.assign(scenarios.size(), 0);
  auto strategy_of = [&](size_t k) -> sim::Strategy& {
    if (strategies[k] == nullptr) {
      StrategyOptions so = opt.strategy_options;
      if (calibrate) {
        so.pct_steps =
            CalibratePctSteps(programs[k], opt.seed, opt.jitter, so.pct_depth);
      }
      if (opt.strategy == "pct") result.pct_steps[k] = so.pct_steps;
      strategies[k] = MakeStrategy(opt.strategy, so);
    }
    return *strategies[k];
  };
  Summary& s = result.summary;
  Stop& stop = result.stop;
  for (uint64_t i = 0; i < opt.max_runs; ++i) {
    // Every run: a clock read is nothing next to a run, and a progress line
    // due every few seconds must not wait for a batch of slow runs (ASan).
    const double t = SecondsSince(start);
    if (t > opt.max_seconds) {
      stop = Stop::kTime;
      break;
    }
    if (opt.progress) opt.progress(t, s, i);
    const size_t k = i % programs.size();
    sim::Strategy& strategy = strategy_of(k);
    if (!strategy.HasMore()) {
      bool any = false;
      for (const auto& st : strategies) any |= st == nullptr || st->HasMore();
      if (!any) {
        stop = Stop::kExhausted;
        break;
      }
      continue;
    }
    if (i % opt.shard_count != opt.shard_index) continue;
    sim::ExecutorOptions o;
    // An exhaustive strategy's runs differ by its choices alone.
    o.seed =
        strategy.exhaustive() ? opt.seed : sim::Mix64(opt.seed ^ sim::Mix64(i));
    o.jitter = opt.jitter;
    o.early_timer_window = kEarlyTimerWindow;
    o.fingerprint_decisions = false;  // filled in for a failing run's token
    // max_seconds also ends a run in progress (a "budget" violation): one
    // still going a second after it ran out, when normal runs take
    // milliseconds.
    o.wall_deadline_ns = sim::WallDeadlineNs(start, opt.max_seconds + 1);
    const int64_t run_start = NowNs();
    sim::RunRecord rec = sim::RunOnce(o, strategy, programs[k]);
    if (rec.result.outcome == sim::RunOutcome::kPruned) {
      ++s.pruned;
      continue;
    }
    Record(s, rec, i, k, SecondsSince(run_start));
    if (Violated(rec)) {
      NoteViolation(s, *scenarios[k], k, r, programs[k], rec, i, o,
                    SecondsSince(start));
      stop = Stop::kViolation;
      break;
    }
  }
  result.seconds = SecondsSince(start);
  return result;
}

}  // namespace harness
