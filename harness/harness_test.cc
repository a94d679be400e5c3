// harness/harness_test.cc: the failure path through the library alone, as the
// CLI takes it but without it: explore a built-in scenario with a planted bug
// (daemon_core/mutation.h), get a violation, shrink it, build its token,
// decode the token and replay it to the same violation.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "harness/expect_token_replays.h"
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
  EXPECT_EQ(t->run.config.mutation, r->config.mutation);
  EXPECT_EQ(t->options.seed, f.seed);
  EXPECT_TRUE(t->options.jitter);
  EXPECT_EQ(t->options.early_timer_window, kEarlyTimerWindow);
  const std::optional<ReplayResult> replayed =
      ExpectTokenReplays(f, "pct", kMutation);
  ASSERT_TRUE(replayed.has_value());
  EXPECT_EQ(replayed->record.trace_text, f.trace_text);

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

TEST(HarnessTest, CalibratedPctKeepsShardsExact) {
  // pct's k comes from calibration runs that depend on the scenario and the
  // seed only, so each shard draws the same k and makes exactly the one
  // machine's runs: runs and summary hashes add up.
  std::vector<SelectedScenario> owned;
  for (const char* name : {"wait-removed-created", "exec-attached-cancel",
                           "failed-start-runtime-error"}) {
    absl::StatusOr<SelectedScenario> sc = SelectBuiltin(name);
    ASSERT_TRUE(sc.ok()) << sc.status();
    owned.push_back(std::move(*sc));
  }
  std::vector<const SelectedScenario*> scenarios;
  for (const SelectedScenario& sc : owned) scenarios.push_back(&sc);
  absl::StatusOr<RunSelection> r = SelectRunByName("objects", "none");
  ASSERT_TRUE(r.ok()) << r.status();
  r->strategy = "pct";
  auto explore = [&](uint64_t index, uint64_t count) {
    ExploreOptions o;
    o.strategy = "pct";
    o.max_runs = 90;
    o.max_seconds = 600;
    o.seed = 7;
    o.jitter = true;
    o.shard_index = index;
    o.shard_count = count;
    return Explore(scenarios, *r, o);
  };
  const ExploreResult one = explore(0, 1);
  const ExploreResult a = explore(0, 2), b = explore(1, 2);
  ASSERT_EQ(one.pct_steps.size(), scenarios.size());
  for (uint64_t k : one.pct_steps) EXPECT_GT(k, 0u);
  EXPECT_EQ(a.pct_steps, one.pct_steps);
  EXPECT_EQ(b.pct_steps, one.pct_steps);
  EXPECT_EQ(one.summary.runs, 90u);
  EXPECT_EQ(a.summary.runs + b.summary.runs, one.summary.runs);
  EXPECT_EQ(a.summary.hash + b.summary.hash, one.summary.hash);
  EXPECT_EQ(CalibratePctSteps(
                properties::ScenarioProgram(owned[0].scenario, r->config), 7,
                true, 3),
            one.pct_steps[0]);

  // A k given is used as is, with no calibration.
  ExploreOptions fixed;
  fixed.strategy = "pct";
  fixed.strategy_options.pct_steps = 200;
  fixed.max_runs = 3;
  fixed.max_seconds = 600;
  const ExploreResult given = Explore(scenarios, *r, fixed);
  EXPECT_EQ(given.pct_steps, std::vector<uint64_t>(scenarios.size(), 200));
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
