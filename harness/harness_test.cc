// harness/harness_test.cc: the failure path through the library alone, as the
// CLI takes it but without it: explore a built-in scenario with a planted bug
// (daemon_core/mutation.h), get a violation, shrink it, build its token,
// decode the token and replay it to the same violation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/explore.h"
#include "harness/replay.h"
#include "harness/run_config.h"
#include "sim/replay_token.h"

namespace harness {
namespace {

// A planted moby bug (an exec's exit handler clears Running before it removes
// the exec from ExecCommands) and the built-in that shows it.
constexpr char kScenario[] = "exec-attached-cancel";
constexpr char kMutation[] = "exec-exit-clears-running-before-delete";

ExploreResult ExploreFor(const SelectedScenario& sc, const RunSelection& r) {
  ExploreOptions o;
  o.strategy = r.strategy;
  o.max_runs = 5000;
  o.max_seconds = 600;  // a budget far above need: runs decide, not time
  o.seed = 1;
  o.jitter = true;
  return Explore({&sc}, r, o);
}

TEST(HarnessTest, FindsShrinksTokenizesAndReplaysAPlantedBug) {
  absl::StatusOr<SelectedScenario> sc = SelectBuiltin(kScenario);
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<RunSelection> r = SelectRunByName("objects", kMutation);
  ASSERT_TRUE(r.ok()) << r.status();
  r->strategy = "pct";

  const ExploreResult found = ExploreFor(*sc, *r);
  ASSERT_EQ(found.stop, Stop::kViolation);
  ASSERT_TRUE(found.summary.first.has_value());
  const FirstViolation& f = *found.summary.first;
  EXPECT_EQ(found.summary.violations, 1u);
  EXPECT_EQ(f.invariant, "exec-ids-never-exited") << f.message;
  EXPECT_EQ(f.scenario, kScenario);
  EXPECT_TRUE(f.shrunk);
  EXPECT_LE(f.preemptions, f.original_preemptions);
  EXPECT_FALSE(f.trace_text.empty());

  // The token alone rebuilds the shrunk run: same scenario, configuration,
  // violation and trace hash, with every recorded decision used.
  absl::StatusOr<TokenRun> t = ReadToken(sim::Wrap(f.token));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->scenario.name, kScenario);
  EXPECT_EQ(t->scenario.hash, sc->hash);
  EXPECT_EQ(t->run.client, "objects");
  EXPECT_EQ(t->run.mutation, kMutation);
  EXPECT_EQ(t->run.config.mutation, r->config.mutation);
  EXPECT_EQ(t->run.strategy, "pct");
  EXPECT_EQ(t->options.seed, f.seed);
  EXPECT_TRUE(t->options.jitter);
  EXPECT_EQ(t->options.early_timer_window, kEarlyTimerWindow);
  const ReplayResult replayed = Replay(*t);
  EXPECT_FALSE(replayed.diverged) << replayed.why;
  EXPECT_EQ(replayed.unused, 0u);
  ASSERT_TRUE(replayed.violated);
  ASSERT_TRUE(replayed.record.result.violation.has_value());
  EXPECT_EQ(replayed.record.result.violation->invariant, f.invariant);
  EXPECT_EQ(replayed.record.result.violation->message, f.message);
  EXPECT_EQ(replayed.record.result.trace_hash, f.trace_hash);
  EXPECT_EQ(replayed.record.trace_text, f.trace_text);

  // The same exploration again finds the same run (determinism).
  const ExploreResult again = ExploreFor(*sc, *r);
  ASSERT_TRUE(again.summary.first.has_value());
  EXPECT_EQ(again.summary.hash, found.summary.hash);
  EXPECT_EQ(again.summary.first->token, f.token);
}

TEST(HarnessTest, WithoutThePlantedBugTheSameBudgetFindsNothing) {
  absl::StatusOr<SelectedScenario> sc = SelectBuiltin(kScenario);
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<RunSelection> r = SelectRunByName("objects", "none");
  ASSERT_TRUE(r.ok()) << r.status();
  r->strategy = "pct";
  ExploreOptions o;
  o.strategy = "pct";
  o.max_runs = 300;
  o.max_seconds = 600;
  o.jitter = true;
  const ExploreResult result = Explore({&*sc}, *r, o);
  EXPECT_EQ(result.stop, Stop::kRuns);
  EXPECT_EQ(result.summary.runs, 300u);
  EXPECT_EQ(result.summary.violations, 0u);
  EXPECT_FALSE(result.summary.first.has_value());
}

TEST(HarnessTest, AnExhaustiveStrategyEndsTheExplorationWhenItRunsOut) {
  // dfs without a bound over the smallest built-in, with a run budget far
  // above its schedules: the loop asks the strategy (no cast) and stops.
  absl::StatusOr<SelectedScenario> sc = SelectBuiltin("wait-removed-created");
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<RunSelection> r = SelectRunByName("objects", "none");
  ASSERT_TRUE(r.ok()) << r.status();
  r->strategy = "dfs";
  ExploreOptions o;
  o.strategy = "dfs";
  o.strategy_options.preemption_bound = 0;
  o.max_runs = 1'000'000;
  o.max_seconds = 600;
  const ExploreResult result = Explore({&*sc}, *r, o);
  EXPECT_EQ(result.stop, Stop::kExhausted);
  EXPECT_GT(result.summary.runs, 0u);
  EXPECT_EQ(result.summary.violations, 0u);
}

TEST(HarnessTest, StrategiesByName) {
  for (const char* name : {"pct", "random", "dfs", "dpor"}) {
    std::unique_ptr<sim::Strategy> s = MakeStrategy(name, {});
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(s->name(), name);
    EXPECT_EQ(s->exhaustive(),
              std::string(name) == "dfs" || std::string(name) == "dpor");
    EXPECT_TRUE(s->HasMore());
  }
  EXPECT_EQ(MakeStrategy("bfs", {}), nullptr);
}

}  // namespace
}  // namespace harness
