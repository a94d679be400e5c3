// harness/check_test.cc: `dsim check`'s loop through the library alone:
// iterative deepening exhausts small built-ins with exactly the schedule
// counts the scenario fixes, and a planted bug stops it at a violation whose
// token replays to the same violation.
#include "harness/check.h"

#include <gtest/gtest.h>

#include <string>

#include "harness/expect_token_replays.h"
#include "harness/replay.h"
#include "harness/run_config.h"
#include "sim/replay_token.h"

namespace harness {
namespace {

#if defined(__SANITIZE_ADDRESS__)
#define DSIM_CHECK_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DSIM_CHECK_TEST_ASAN 1
#endif
#endif

// A budget far above need: the scenario's schedules decide, not the budget.
CheckOptions Exhaustive(int bound) {
  return CheckOptions{
      .preemption_bound = bound, .max_runs = 1'000'000, .max_seconds = 3600};
}

// The same, dfs alone: the counts are the bounds' own schedules.
CheckOptions DfsOnly(int bound) {
  CheckOptions o = Exhaustive(bound);
  o.dpor = false;
  return o;
}

CheckResult CheckBuiltin(const std::string& name, const std::string& mutation,
                         const CheckOptions& o) {
  absl::StatusOr<SelectedScenario> sc = SelectBuiltin(name);
  EXPECT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<RunSelection> r = SelectRunByName("objects", mutation);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!sc.ok() || !r.ok()) return {};
  return Check(*sc, *r, o);
}

TEST(CheckTest, BoundZeroOfWaitRemovedCreatedHas12600Schedules) {
#ifdef DSIM_CHECK_TEST_ASAN
  GTEST_SKIP() << "25,199 executions: slow under AddressSanitizer";
#endif
  // The count tools/check_bounds_test.sh and docs/BENCHMARKS.md state: every
  // schedule without a preemption, with each jitter and fault branch.
  // The two search orders take turns; the first to finish (after 12,600
  // schedules) ends the bound, the other having made one execution fewer.
  const CheckResult c =
      CheckBuiltin("wait-removed-created", "none", DfsOnly(0));
  ASSERT_EQ(c.bounds.size(), 1u);
  const BoundResult& b = c.bounds[0];
  EXPECT_EQ(b.bound, 0);
  EXPECT_TRUE(b.exhausted);
  EXPECT_FALSE(b.violated);
  EXPECT_EQ(b.schedules, 12600u);
  EXPECT_EQ(b.new_schedules, 12600u);
  EXPECT_EQ(b.executions, 25199u);
  EXPECT_EQ(c.stop, Stop::kExhausted);
  EXPECT_TRUE(c.exhaustive());
  EXPECT_EQ(c.summary.runs + b.pruned, b.executions);
  EXPECT_EQ(c.summary.violations, 0u);
  EXPECT_FALSE(c.summary.first.has_value());
}

TEST(CheckTest, FailedStartRuntimeErrorBoundZeroHas280Schedules) {
  const CheckResult c =
      CheckBuiltin("failed-start-runtime-error", "none", DfsOnly(0));
  ASSERT_EQ(c.bounds.size(), 1u);
  EXPECT_EQ(c.bounds[0].schedules, 280u);
  EXPECT_EQ(c.bounds[0].executions, 559u);
  EXPECT_TRUE(c.bounds[0].exhausted);
  EXPECT_EQ(c.stop, Stop::kExhausted);
  EXPECT_EQ(c.summary.violations, 0u);
}

TEST(CheckTest, FailedStartRuntimeErrorExhaustsBoundOneAt14537Schedules) {
#ifdef DSIM_CHECK_TEST_ASAN
  GTEST_SKIP() << "about 29,000 executions: too slow under AddressSanitizer";
#endif
  // Bound 1 walks bound 0's 280 schedules again, and 14,257 with exactly one
  // preemption.
  const CheckResult c =
      CheckBuiltin("failed-start-runtime-error", "none", DfsOnly(1));
  ASSERT_EQ(c.bounds.size(), 2u);
  EXPECT_EQ(c.bounds[0].bound, 0);
  EXPECT_EQ(c.bounds[0].schedules, 280u);
  EXPECT_TRUE(c.bounds[0].exhausted);
  EXPECT_EQ(c.bounds[1].bound, 1);
  EXPECT_EQ(c.bounds[1].schedules, 14537u);
  EXPECT_EQ(c.bounds[1].new_schedules, 14257u);
  EXPECT_EQ(c.bounds[1].executions, 29073u);
  EXPECT_TRUE(c.bounds[1].exhausted);
  EXPECT_EQ(c.stop, Stop::kExhausted);
  EXPECT_EQ(c.summary.runs, 559u + 29073u);
  EXPECT_EQ(c.summary.violations, 0u);
}

TEST(CheckTest, APlantedBugStopsTheCheckWithATokenThatReplaysIt) {
  // removal-skips-stop-waiters: removing a container does not wake those
  // waiting for it to stop; wait-removed-created shows it without a
  // preemption.
  const CheckResult c = CheckBuiltin("wait-removed-created",
                                     "removal-skips-stop-waiters", DfsOnly(2));
  ASSERT_EQ(c.bounds.size(), 1u);
  EXPECT_TRUE(c.bounds[0].violated);
  EXPECT_FALSE(c.bounds[0].exhausted);
  EXPECT_EQ(c.stop, Stop::kViolation);
  EXPECT_FALSE(c.exhaustive());
  EXPECT_EQ(c.summary.violations, 1u);
  ASSERT_TRUE(c.summary.first.has_value());
  const FirstViolation& f = *c.summary.first;
  EXPECT_EQ(f.invariant, "every-waiter-woken") << f.message;

  absl::StatusOr<TokenRun> t = ReadToken(sim::Wrap(f.token));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->scenario.name, "wait-removed-created");
  ExpectTokenReplays(f, "dfs", "removal-skips-stop-waiters");

  // Deterministic: the same check again finds the same run.
  const CheckResult again = CheckBuiltin(
      "wait-removed-created", "removal-skips-stop-waiters", DfsOnly(2));
  ASSERT_TRUE(again.summary.first.has_value());
  EXPECT_EQ(again.summary.first->token, f.token);
  EXPECT_EQ(again.summary.hash, c.summary.hash);
}

TEST(CheckTest, UnboundedCheckExhaustsWaitRemovedCreatedThroughDpor) {
  // Without a bound, DPOR (one order) finishes at 2 executions that are not
  // equivalent up to reordering independent steps (which of the two waiters
  // registers first; the rm comes after its sleep, once both have), while
  // sleep-set dfs (the other) is still going; both run in turn, so 3 in all,
  // none pruned (5 with 2 pruned while DPOR's first schedule let the task
  // that ran last go on; 23 with 20 pruned while the harness counted the clients
  // left, which made every client's end a race with the others'). (1,080 classes while the harness's sequence numbers made
  // every call's invocation and reply a race, before history positions were
  // stamped with happens-before.)
  const CheckResult c =
      CheckBuiltin("wait-removed-created", "none", Exhaustive(-1));
  ASSERT_EQ(c.bounds.size(), 1u);
  const BoundResult& b = c.bounds[0];
  EXPECT_EQ(b.bound, -1);
  EXPECT_TRUE(b.exhausted);
  EXPECT_EQ(b.schedules, 2u);
  EXPECT_EQ(b.pruned, 0u);
  EXPECT_EQ(b.executions, 3u);
  EXPECT_EQ(c.stop, Stop::kExhausted);
  EXPECT_EQ(c.summary.runs + b.pruned, b.executions);
  EXPECT_EQ(c.summary.violations, 0u);
}

TEST(CheckTest, UnboundedCheckFindsABugThroughDporWithAReplayableToken) {
  // exit-handler-nil-process needs a preemption inside the start path; the
  // bounded dfs orders need thousands of schedules for it, DPOR one
  // execution: its first schedule switches task at every step (5 executions
  // while it let the task that ran last go on).
  const CheckResult c = CheckBuiltin(
      "exec-dies-during-start", "exit-handler-nil-process", Exhaustive(-1));
  ASSERT_EQ(c.bounds.size(), 1u);
  EXPECT_TRUE(c.bounds[0].violated);
  EXPECT_EQ(c.bounds[0].executions, 1u);
  ASSERT_TRUE(c.summary.first.has_value());
  const FirstViolation& f = *c.summary.first;
  EXPECT_EQ(f.invariant, "no-panic") << f.message;
  ExpectTokenReplays(f, "dpor", "exit-handler-nil-process");
}

TEST(CheckTest, DporCoveringEveryBoundEndsTheCheckInBoundZero) {
  // Bound 0 alone has 12,600 dfs schedules; DPOR, taking every other turn,
  // explores its 2 classes first (3 executions in all), and those cover
  // bounds 1 and 2 too.
  const CheckResult c =
      CheckBuiltin("wait-removed-created", "none", Exhaustive(2));
  ASSERT_EQ(c.bounds.size(), 1u);
  const BoundResult& b = c.bounds[0];
  EXPECT_EQ(b.bound, 0);
  EXPECT_TRUE(b.by_dpor);
  EXPECT_TRUE(b.exhausted);
  EXPECT_EQ(b.schedules, 2u);
  EXPECT_EQ(b.executions, 3u);
  EXPECT_EQ(c.stop, Stop::kExhausted);
  EXPECT_EQ(c.summary.runs + b.pruned, b.executions);
  EXPECT_EQ(c.summary.violations, 0u);
}

TEST(CheckTest, DporFindsABugThatNeedsMorePreemptionsThanTheBound) {
  // root-dir-removed-without-lock's shortest counterexample has 5
  // preemptions; bounded dfs does not reach it within bound 2, DPOR does
  // during bound 0: its first schedule, which switches task at every step.
  const CheckResult c = CheckBuiltin(
      "rm-exited-late-oom", "root-dir-removed-without-lock", Exhaustive(2));
  ASSERT_EQ(c.bounds.size(), 1u);
  EXPECT_TRUE(c.bounds[0].violated);
  EXPECT_FALSE(c.bounds[0].by_dpor);
  EXPECT_EQ(c.bounds[0].executions, 1u);
  ASSERT_TRUE(c.summary.first.has_value());
  ExpectTokenReplays(*c.summary.first, "dpor", "root-dir-removed-without-lock");
}

TEST(CheckTest, EachBoundGetsItsShareOfTheRuns) {
  // Bound 0 may take half of 1,000 executions and stops there; bound 1 gets
  // the rest. Neither is exhausted; the budget ended the check.
  CheckOptions o = DfsOnly(1);
  o.max_runs = 1000;
  const CheckResult c = CheckBuiltin("wait-removed-created", "none", o);
  ASSERT_EQ(c.bounds.size(), 2u);
  EXPECT_EQ(c.bounds[0].executions, 500u);
  EXPECT_FALSE(c.bounds[0].exhausted);
  EXPECT_EQ(c.bounds[1].executions, 500u);
  EXPECT_FALSE(c.bounds[1].exhausted);
  EXPECT_EQ(c.stop, Stop::kRuns);
  EXPECT_EQ(c.summary.runs, 1000u);
}

}  // namespace
}  // namespace harness
