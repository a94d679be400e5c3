// harness/check.cc: iterative deepening of the preemption bound over sim's
// depth-first search.
#include "harness/check.h"

#include <algorithm>
#include <memory>

#include "harness/wall_clock.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_dpor.h"

namespace harness {

namespace {

// What one bound may spend.
struct Budget {
  uint64_t runs = 0;
  double seconds = 0;
};

// What every bound of one check shares: the scenario, the budgets (max_runs
// counts executions over all bounds), the run counter and the summary.
struct CheckRun {
  const SelectedScenario& sc;
  const RunSelection& r;
  const sim::Setup& program;
  const CheckOptions& o;
  int64_t start = 0;
  uint64_t next_run = 0;  // index of the next execution, over all bounds
  Summary s;
};

// Runs dfs within `bound` until it is exhausted, a run violates, or its share
// of the budget (`share`: runs and seconds) or the whole budget is spent; says
// which.
//
// The bound is walked in two orders at once, one execution each in turn:
// where the task that ran last blocks, one tries the oldest runnable task
// first, the other the newest (Go's runnext: a task just spawned or woken runs
// next). Depth-first search reaches a choice near the root only after the
// whole subtree below it, so which order finds a bug first differs by bug
// (docs/BENCHMARKS.md); each order alone is complete for the bound, so the
// first to finish ends it. The price: up to twice the executions to exhaust.
// Without a bound the first order is DPOR (sim/strategy_dpor.h), which
// exhausts far sooner, and the second sleep-set dfs newest first, which finds
// a planted bug in its first schedule that DPOR had not found in 20 s
// (wait-reads-exit-code-after-wakeup, docs/BENCHMARKS.md).
Stop CheckBound(CheckRun& c, int bound, const Budget& share, BoundResult& b) {
  std::unique_ptr<sim::ExhaustiveStrategy> first;
  sim::DfsStrategy* oldest = nullptr;  // the first order when bounded
  if (bound < 0) {
    first = std::make_unique<sim::DporStrategy>();
  } else {
    auto dfs = std::make_unique<sim::DfsStrategy>(
        sim::DfsOptions{.preemption_bound = bound, .newest_first = false});
    oldest = dfs.get();
    first = std::move(dfs);
  }
  sim::DfsStrategy newest(
      sim::DfsOptions{.preemption_bound = bound, .newest_first = true});
  sim::ExhaustiveStrategy* orders[2] = {first.get(), &newest};
  RunSelection dpor_selection = c.r;
  dpor_selection.strategy = "dpor";
  const int64_t bound_start = NowNs();
  const uint64_t first_run = c.next_run;
  Stop stop = Stop::kExhausted;
  for (; first->HasMore() && newest.HasMore(); ++c.next_run) {
    const uint64_t i = c.next_run;
    if (i == c.o.max_runs || i - first_run == share.runs) {
      stop = Stop::kRuns;
      break;
    }
    if ((i & 63) == 0 && (SecondsSince(c.start) > c.o.max_seconds ||
                          SecondsSince(bound_start) > share.seconds)) {
      stop = Stop::kTime;
      break;
    }
    sim::ExhaustiveStrategy& order = *orders[(i - first_run) & 1];
    sim::ExecutorOptions o;
    o.seed = c.o.seed;
    o.jitter = c.o.jitter;
    o.early_timer_window = kEarlyTimerWindow;
    o.wall_deadline_ns = sim::WallDeadlineNs(c.start, c.o.max_seconds + 1);
    const int64_t run_start = NowNs();
    sim::RunRecord rec = sim::RunOnce(o, order, c.program);
    if (rec.result.outcome == sim::RunOutcome::kPruned) continue;
    Record(c.s, rec, i, 0, SecondsSince(run_start));
    if (Violated(rec)) {
      NoteViolation(c.s, c.sc, 0, order.name() == "dpor" ? dpor_selection : c.r,
                    c.program, rec, i, o, SecondsSince(c.start));
      ++c.next_run;
      stop = Stop::kViolation;
      break;
    }
  }
  // An exhausted bound reports the order that finished (its counts are the
  // bound's schedules); otherwise the one that got further.
  const sim::ExhaustiveStrategy& by =
      !newest.HasMore()                                             ? newest
      : !first->HasMore()                                           ? *first
      : newest.complete_executions() > first->complete_executions() ? newest
                                                                    : *first;
  b.bound = bound;
  b.executions = c.next_run - first_run;
  b.schedules = by.complete_executions();
  b.new_schedules = bound < 0        ? b.schedules
                    : &by == &newest ? newest.executions_at_bound()
                                     : oldest->executions_at_bound();
  b.pruned = first->pruned_executions() + newest.pruned_executions();
  b.exhausted = stop == Stop::kExhausted;
  b.violated = stop == Stop::kViolation;
  b.seconds = SecondsSince(bound_start);
  return stop;
}

}  // namespace

CheckResult Check(const SelectedScenario& sc, const RunSelection& selection,
                  const CheckOptions& o) {
  RunSelection r = selection;
  r.strategy = "dfs";
  const sim::Setup program = properties::ScenarioProgram(sc.scenario, r.config);
  CheckRun c{
      .sc = sc, .r = r, .program = program, .o = o, .start = NowNs(), .s = {}};
  CheckResult result;
  // Bound 0 first, then 1, ...: a bug that needs few preemptions is found
  // before the larger bounds' many schedules are walked.
  const int bound = o.preemption_bound;
  for (int b = std::min(bound, 0); b <= bound; ++b) {
    // Each bound gets an equal share of what is left of the runs and seconds,
    // so one that does not finish leaves room for the larger ones (which
    // contain its schedules, explored again first).
    const int left = std::max(bound - std::max(b, 0) + 1, 1);  // bound -1: 1
    const Budget share{(o.max_runs - c.next_run + left - 1) / left,
                       (o.max_seconds - SecondsSince(c.start)) / left};
    result.bounds.emplace_back();
    result.stop = CheckBound(c, b, share, result.bounds.back());
    const bool budget_left =
        c.next_run < o.max_runs && SecondsSince(c.start) < o.max_seconds;
    if ((result.stop == Stop::kRuns || result.stop == Stop::kTime) &&
        b < bound && budget_left) {
      continue;
    }
    if (result.stop != Stop::kExhausted) break;
  }
  result.summary = std::move(c.s);
  result.seconds = SecondsSince(c.start);
  return result;
}

}  // namespace harness
