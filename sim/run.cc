#include "sim/run.h"

#include <memory>
#include <utility>

#include "sim/pool.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_random.h"
#include "sim/strategy_replay.h"

namespace sim {

int64_t WallDeadlineNs(int64_t start_ns, double seconds) {
  constexpr double kYear = 365.0 * 24 * 3600;
  if (!(seconds > 0 && seconds <= kYear)) return 0;  // NaN fails both
  return start_ns + static_cast<int64_t>(seconds * 1e9);
}

RunRecord RunOnce(const ExecutorOptions& options, Strategy& strategy,
                  const Setup& setup) {
  RunRecord rec;
  RunOnce(options, strategy, setup, rec);
  return rec;
}

namespace {

void RunOn(Executor& ex, const ExecutorOptions& options, const Setup& setup,
           RunRecord& rec) {
  // Explore alternates programs run by run: each keeps its own names.
  ex.trace().UseNamesOf(&setup);
  std::shared_ptr<void> state = setup(ex);
  rec.result = ex.Run();
  rec.decisions.assign(ex.decisions().begin(), ex.decisions().end());
  rec.fingerprints.assign(ex.fingerprints().begin(), ex.fingerprints().end());
  rec.trace_text.clear();
  rec.chrome_json.clear();
  if (options.keep_trace) {
    rec.trace_text = ex.trace().RenderText(0, ex.trace().records().size());
    rec.chrome_json = ex.trace().RenderChromeJson();
  }
  ex.DestroyAllTasks();
  state.reset();  // after the frames: they may point into it
}

#ifndef DSIM_POOL_OFF
// The thread's executor between runs (never freed, as the pools are not);
// empty while a run is on it, so a RunOnce inside a run makes its own.
Executor*& IdleExecutor() {
  static thread_local constinit Executor* idle = nullptr;
  return idle;
}
#endif

}  // namespace

void RunOnce(const ExecutorOptions& options, Strategy& strategy,
             const Setup& setup, RunRecord& rec) {
#ifdef DSIM_POOL_OFF
  // Under AddressSanitizer every run gets a new executor, whose memory is
  // freed after it (sim/pool.h says why).
  Executor ex(options, strategy);
  RunOn(ex, options, setup, rec);
#else
  // One executor per thread, reset between runs: its buffers are not handed
  // to a new one for every run.
  std::unique_ptr<Executor> ex(std::exchange(IdleExecutor(), nullptr));
  if (ex == nullptr) {
    ex = std::make_unique<Executor>(options, strategy);
  } else {
    ex->Reset(options, strategy);
  }
  RunOn(*ex, options, setup, rec);
  if (IdleExecutor() == nullptr) IdleExecutor() = ex.release();
#endif
}

std::vector<Decision> FillFingerprints(const ExecutorOptions& options,
                                       const Setup& setup,
                                       const std::vector<Decision>& decisions) {
  if (options.fingerprint_decisions) return decisions;
  ExecutorOptions o = options;
  o.fingerprint_decisions = true;
  o.keep_trace = false;
  o.keep_fingerprints = false;
  o.hash_trace = false;
  // The failing run may have ended at its wall deadline; the recorded
  // decisions bound the run again.
  o.wall_deadline_ns = 0;
  ReplayStrategy replay(decisions, /*fingerprint_mask=*/0);
  const RunRecord again = RunOnce(o, replay, setup);
  std::vector<Decision> filled = decisions;
  for (size_t i = 0; i < filled.size() && i < again.decisions.size(); ++i) {
    const Decision& d = again.decisions[i];
    if (d.kind != filled[i].kind || d.value != filled[i].value) break;
    filled[i].fingerprint = d.fingerprint;
  }
  return filled;
}

std::optional<std::string> CheckDeterminism(const ExecutorOptions& options,
                                            const Setup& setup) {
  ExecutorOptions o = options;
  o.keep_fingerprints = true;
  RandomStrategy first_strategy, second_strategy;
  const RunRecord a = RunOnce(o, first_strategy, setup);
  const RunRecord b = RunOnce(o, second_strategy, setup);
  const size_t n = std::min(a.fingerprints.size(), b.fingerprints.size());
  for (size_t i = 0; i < n; ++i) {
    if (a.fingerprints[i] != b.fingerprints[i]) {
      return "runs differ first at step " + std::to_string(i + 1) +
             "; is the model deterministic?";
    }
  }
  if (a.fingerprints.size() != b.fingerprints.size()) {
    return "runs differ in length (" + std::to_string(a.fingerprints.size()) +
           " vs " + std::to_string(b.fingerprints.size()) +
           " steps); is the model deterministic?";
  }
  if (a.result.trace_hash != b.result.trace_hash) {
    return "runs end with different trace hashes; is the model deterministic?";
  }
  return std::nullopt;
}

DfsReport ExploreDfs(const ExecutorOptions& options, ExhaustiveStrategy& dfs,
                     const Setup& setup, uint64_t max_executions) {
  DfsReport report;
  for (uint64_t i = 0; i < max_executions && dfs.HasMore(); ++i) {
    RunRecord rec = RunOnce(options, dfs, setup);
    const RunOutcome o = rec.result.outcome;
    if (o != RunOutcome::kCompleted && o != RunOutcome::kPruned) {
      report.failure = std::move(rec);
      break;
    }
  }
  report.complete = dfs.complete_executions();
  report.pruned = dfs.pruned_executions();
  report.exhausted = !dfs.HasMore();
  return report;
}

}  // namespace sim
