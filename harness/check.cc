// harness/check.cc: iterative deepening of the preemption bound over sim's
// depth-first search, with DPOR in turn.
#include "harness/check.h"

#include <algorithm>
#include <optional>
#include <vector>

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
  // One DPOR search for the whole check (it has no bound): once it is
  // exhausted, every schedule of every bound is equivalent to one it ran.
  sim::DporStrategy dpor;
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
// Without a bound, the oldest-first order is left out (DPOR finds what it
// found first).
//
// With CheckOptions::dpor, the check's DPOR search (sim/strategy_dpor.h) takes
// every other execution, and continues from bound to bound. It covers every
// schedule of every bound once exhausted, usually long before dfs
// (wait-removed-created: 1,080 executions against bound 0's 12,600 schedules),
// and finds bugs that need more preemptions than the bound
// (root-dir-removed-without-lock: 5).
Stop CheckBound(CheckRun& c, int bound, const Budget& share, BoundResult& b) {
  std::optional<sim::DfsStrategy> oldest;
  if (bound >= 0 || !c.o.dpor) {
    oldest.emplace(
        sim::DfsOptions{.preemption_bound = bound, .newest_first = false});
  }
  sim::DfsStrategy newest(
      sim::DfsOptions{.preemption_bound = bound, .newest_first = true});
  std::vector<sim::ExhaustiveStrategy*> orders;
  if (c.o.dpor) orders.push_back(&c.dpor);
  if (oldest) orders.push_back(&*oldest);
  orders.push_back(&newest);
  // Whose turn each execution is: DPOR every other one (it is the search
  // that can end the check), the dfs orders in turn between.
  std::vector<size_t> turns;
  for (size_t d = c.o.dpor ? 1 : 0; d < orders.size(); ++d) {
    if (c.o.dpor) turns.push_back(0);
    turns.push_back(d);
  }
  RunSelection dpor_selection = c.r;
  dpor_selection.strategy = "dpor";
  const uint64_t dpor_pruned_before = c.dpor.pruned_executions();
  const int64_t bound_start = NowNs();
  const uint64_t first_run = c.next_run;
  Stop stop = Stop::kExhausted;
  const sim::ExhaustiveStrategy* found_by = nullptr;
  auto all_have_more = [&orders] {
    for (const sim::ExhaustiveStrategy* s : orders) {
      if (!s->HasMore()) return false;
    }
    return true;
  };
  for (; all_have_more(); ++c.next_run) {
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
    sim::ExhaustiveStrategy& order =
        *orders[turns[(i - first_run) % turns.size()]];
    sim::ExecutorOptions o;
    o.seed = c.o.seed;
    o.jitter = c.o.jitter;
    o.early_timer_window = kEarlyTimerWindow;
    o.fingerprint_decisions = false;  // filled in for a failing run's token
    o.wall_deadline_ns = sim::WallDeadlineNs(c.start, c.o.max_seconds + 1);
    const int64_t run_start = NowNs();
    sim::RunRecord rec = sim::RunOnce(o, order, c.program);
    if (rec.result.outcome == sim::RunOutcome::kPruned) continue;
    Record(c.s, rec, i, 0, SecondsSince(run_start));
    if (Violated(rec)) {
      NoteViolation(c.s, c.sc, 0, &order == &c.dpor ? dpor_selection : c.r,
                    c.program, rec, i, o, SecondsSince(c.start));
      ++c.next_run;
      found_by = &order;
      stop = Stop::kViolation;
      break;
    }
  }
  // An exhausted bound reports the order that finished (its counts are the
  // bound's schedules), a violated one the order that found it; otherwise
  // the dfs order that got further.
  const sim::ExhaustiveStrategy* by = found_by;
  for (const sim::ExhaustiveStrategy* s : orders) {
    if (by == nullptr && !s->HasMore()) by = s;
  }
  b.by_dpor = by == &c.dpor && stop == Stop::kExhausted;
  if (by == nullptr) {
    by = &newest;
    if (oldest && oldest->complete_executions() > newest.complete_executions())
      by = &*oldest;
  }
  b.bound = bound;
  b.executions = c.next_run - first_run;
  b.schedules = by->complete_executions();
  b.new_schedules = bound < 0 || by == &c.dpor ? b.schedules
                    : by == &newest            ? newest.executions_at_bound()
                                               : oldest->executions_at_bound();
  b.pruned = newest.pruned_executions() +
             (oldest ? oldest->pruned_executions() : 0) +
             (c.o.dpor ? c.dpor.pruned_executions() - dpor_pruned_before : 0);
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
  CheckRun c{.sc = sc,
             .r = r,
             .program = program,
             .o = o,
             .start = NowNs(),
             .s = {},
             .dpor = {}};
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
    if (result.bounds.back().by_dpor) break;  // every bound is covered
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
