#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_dpor.h"

namespace sim {
namespace {

// Two tasks of exactly three steps each: step 1 runs from the start to the
// first point, steps 2 and 3 each begin at a point. With `shared`, both points
// touch one object (every pair of point steps conflicts); without, they touch
// nothing (every step commutes).
sim::Setup TwoByThree(bool shared) {
  return [shared](Executor& ex) -> std::shared_ptr<void> {
    auto obj =
        std::make_shared<ObjectId>(shared ? ex.NewObject("shared") : kNoObject);
    for (const char* name : {"A", "B"}) {
      ex.Spawn(name, [](Executor& e, ObjectId o) -> Task<void> {
        co_await e.Point(OpKind::kPoint, o, Access::kWrite);
        co_await e.Point(OpKind::kPoint, o, Access::kWrite);
      }(ex, *obj));
    }
    return obj;
  };
}

DfsReport Explore(const sim::Setup& program, DfsOptions options) {
  DfsStrategy dfs(options);
  return ExploreDfs({}, dfs, program);
}

TEST(DfsTest, TwoTasksOfThreeStepsUnderPreemptionBounds) {
  // Schedules are the C(6,3) = 20 orderings of AAA and BBB. A switch away from
  // a task that still has steps is a preemption; exactly one switch (after the
  // task that finishes first) is free, so a schedule with b blocks has b - 2
  // preemptions. Counting orderings by blocks:
  //   2 blocks (AAABBB, BBBAAA)                         2   -> 0 preemptions
  //   3 blocks: A-runs 2+B-run 1, C(2,1)*C(2,0) * 2      4   -> 1
  //   4 blocks: 2+2 runs, C(2,1)^2 * 2                   8   -> 2
  //   5 blocks: 3+2 runs, C(2,2)*C(2,1) * 2              4   -> 3
  //   6 blocks: ABABAB, BABABA                           2   -> 4
  // So bound 0 explores 2, bound 1: 2+4 = 6, bound 2: 6+8 = 14, unbounded: 20.
  const struct {
    int bound;
    uint64_t schedules;
  } cases[] = {{0, 2}, {1, 6}, {2, 14}, {-1, 20}};
  for (const auto& c : cases) {
    DfsReport r =
        Explore(TwoByThree(true),
                DfsOptions{.preemption_bound = c.bound, .sleep_sets = false});
    EXPECT_TRUE(r.exhausted);
    EXPECT_FALSE(r.failure.has_value());
    EXPECT_EQ(r.complete, c.schedules) << "bound " << c.bound;
    EXPECT_EQ(r.pruned, 0u);
  }
}

TEST(DfsTest, SleepSetsCutTheCountWhenStepsAreIndependent) {
  // Every step commutes with every other: all 20 orderings are one Mazurkiewicz
  // trace, and sleep sets finish exactly one of them (the others end asleep,
  // counted as pruned).
  DfsReport without =
      Explore(TwoByThree(false), DfsOptions{.sleep_sets = false});
  DfsReport with = Explore(TwoByThree(false), DfsOptions{.sleep_sets = true});
  EXPECT_EQ(without.complete, 20u);
  EXPECT_EQ(with.complete, 1u);
  EXPECT_GT(with.pruned, 0u);
  EXPECT_TRUE(with.exhausted);
}

TEST(DfsTest, SleepSetsKeepOneScheduleperTraceWhenPointsConflict) {
  // The start steps commute with everything, the four point steps conflict
  // pairwise across tasks: a trace is fixed by how A's two points interleave
  // with B's, C(4,2) = 6 traces.
  DfsReport with = Explore(TwoByThree(true), DfsOptions{.sleep_sets = true});
  EXPECT_EQ(with.complete, 6u);
  EXPECT_TRUE(with.exhausted);
}

TEST(DfsTest, ABoundedSearchDoesNotUseSleepSets) {
  DfsStrategy bounded(DfsOptions{.preemption_bound = 1, .sleep_sets = true});
  EXPECT_FALSE(bounded.sleep_sets_active());
  DfsReport r = ExploreDfs({}, bounded, TwoByThree(false));
  EXPECT_EQ(r.complete, 6u);  // the bounded count, as if steps were dependent
}

TEST(DfsTest, EnumeratesDataChoices) {
  sim::Setup program = [](Executor& ex) -> std::shared_ptr<void> {
    ex.Spawn("chooser", [](Executor& e) -> Task<void> {
      e.Choose(3, Stream::kFault);
      e.Choose(2, Stream::kWorkload);
      co_return;
    }(ex));
    return nullptr;
  };
  EXPECT_EQ(Explore(program, {}).complete, 6u);  // 3 x 2
}

// A model whose last data choice draws among a different number of values in
// the second execution (a nondeterministic model): dfs and DPOR must report
// the divergence, not end the run as completed and call the search exhausted.
template <typename S>
void ExpectLastChoiceDivergenceReported() {
  auto executions = std::make_shared<int>(0);
  sim::Setup program = [executions](Executor& ex) -> std::shared_ptr<void> {
    const uint64_t n = (*executions)++ == 0 ? 2 : 3;
    ex.Spawn("chooser", [](Executor& e, uint64_t n) -> Task<void> {
      (void)e.Choose(n, Stream::kFault);
      co_return;
    }(ex, n));
    return nullptr;
  };
  S strategy;
  DfsReport report = ExploreDfs({}, strategy, program);
  ASSERT_TRUE(report.failure.has_value());
  EXPECT_EQ(report.failure->result.outcome, RunOutcome::kDiverged);
  EXPECT_NE(report.failure->result.violation->message.find(
                "is the model deterministic?"),
            std::string::npos)
      << report.failure->result.violation->message;
  EXPECT_EQ(report.complete, 1u);
}

TEST(DfsTest, ADivergingLastDataChoiceIsReported) {
  ExpectLastChoiceDivergenceReported<DfsStrategy>();
}

TEST(DfsTest, ADivergingLastDataChoiceIsReportedByDpor) {
  ExpectLastChoiceDivergenceReported<DporStrategy>();
}

// A sleeper whose jittered sleep may end early sets a flag; a worker of two
// points reads it at the end. The flag is seen set only if the timer fires
// while the worker could still run: an early firing.
sim::Setup EarlyTimerProgram(std::vector<bool>* seen) {
  return [seen](Executor& ex) -> std::shared_ptr<void> {
    auto flag = std::make_shared<bool>(false);
    ex.Spawn("sleeper", [](Executor& e, bool* f) -> Task<void> {
      co_await e.SleepWithJitter(100);
      *f = true;
    }(ex, flag.get()));
    ex.Spawn("worker",
             [](Executor& e, bool* f, std::vector<bool>* out) -> Task<void> {
               co_await e.Yield();
               co_await e.Yield();
               out->push_back(*f);
             }(ex, flag.get(), seen));
    return flag;
  };
}

TEST(DfsTest, AnEarlyTimerIsABranchButNotAPreemption) {
  ExecutorOptions o;
  o.jitter = true;
  o.early_timer_window = 1000;
  std::vector<bool> seen;
  DfsStrategy dfs(DfsOptions{.preemption_bound = 0});
  DfsReport r = ExploreDfs(o, dfs, EarlyTimerProgram(&seen));
  EXPECT_TRUE(r.exhausted);
  // Bound 0: the sleeper starts first and its timer fires early before the
  // worker's first step, at either of its two points, or on time once the
  // worker is done; or the worker starts first and, since leaving it would be
  // a preemption, runs to the end before the sleeper starts. 5 schedules, and
  // no worker step was preempted in any.
  EXPECT_EQ(r.complete, 5u);
  // Early first: the first execution fires the timer at the first chance.
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 3);
  EXPECT_TRUE(seen.front());
  EXPECT_FALSE(seen.back());

  seen.clear();
  o.jitter = false;
  DfsStrategy plain(DfsOptions{.preemption_bound = 0});
  r = ExploreDfs(o, plain, EarlyTimerProgram(&seen));
  EXPECT_EQ(r.complete, 2u);  // either task starts first; the timer on time
  EXPECT_EQ(seen, (std::vector<bool>{false, false}));
}

struct TwoLocks {
  explicit TwoLocks(Executor& ex) : a(ex, "lock a"), b(ex, "lock b") {}
  Mutex a, b;
};

Task<void> LockBoth(Mutex& first, Mutex& second) {
  co_await first.Lock();
  co_await second.Lock();
  second.Unlock();
  first.Unlock();
}

TEST(DfsTest, FindsLockOrderDeadlockWithinOnePreemption) {
  sim::Setup program = [](Executor& ex) -> std::shared_ptr<void> {
    auto s = std::make_shared<TwoLocks>(ex);
    ex.Spawn("ab", LockBoth(s->a, s->b));
    ex.Spawn("ba", LockBoth(s->b, s->a));
    return s;
  };
  EXPECT_FALSE(
      Explore(program, DfsOptions{.preemption_bound = 0}).failure.has_value());
  DfsReport r = Explore(program, DfsOptions{.preemption_bound = 1});
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->result.outcome, RunOutcome::kDeadlock);
  const std::string& msg = r.failure->result.violation->message;
  EXPECT_NE(msg.find("'ab' to lock 'lock b' (held by 'ba')"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("'ba' to lock 'lock a' (held by 'ab')"), std::string::npos)
      << msg;
}

}  // namespace
}  // namespace sim
