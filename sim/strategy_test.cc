#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/executor.h"
#include "sim/run.h"
#include "sim/shrink.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"
#include "sim/strategy_replay.h"
#include "sim/strategy_scripted.h"

namespace sim {
namespace {

// Two tasks read-modify-write a counter with a scheduling point in between: the
// lost update.
struct LostUpdate {
  explicit LostUpdate(Executor& ex) : counter_obj(ex.NewObject("counter")) {}
  ObjectId counter_obj;
  int counter = 0;
};

Task<void> Increment(Executor& ex, LostUpdate& s) {
  co_await ex.Point(OpKind::kPoint, s.counter_obj, Access::kRead);
  int v = s.counter;
  co_await ex.Point(OpKind::kPoint, s.counter_obj, Access::kWrite);
  s.counter = v + 1;
}

sim::Setup LostUpdateProgram(int* final_counter) {
  return [final_counter](Executor& ex) -> std::shared_ptr<void> {
    auto s = std::make_shared<LostUpdate>(ex);
    ex.Spawn("inc-a", Increment(ex, *s));
    ex.Spawn("inc-b", Increment(ex, *s));
    // The check runs when the state is released, after the run.
    return std::shared_ptr<void>(
        s.get(), [s, final_counter](void*) { *final_counter = s->counter; });
  };
}

// Runs `make_strategy` over seeds 0..max and returns the first seed losing an
// update, or -1.
template <typename F>
int FirstSeedLosingUpdate(F make_strategy, int max_seeds) {
  for (int seed = 0; seed < max_seeds; ++seed) {
    int final_counter = -1;
    auto strategy = make_strategy();
    ExecutorOptions o;
    o.seed = static_cast<uint64_t>(seed);
    RunRecord rec = RunOnce(o, *strategy, LostUpdateProgram(&final_counter));
    EXPECT_EQ(rec.result.outcome, RunOutcome::kCompleted);
    if (final_counter != 2) return seed;
  }
  return -1;
}

TEST(StrategyTest, RandomFindsLostUpdate) {
  EXPECT_GE(FirstSeedLosingUpdate(
                [] { return std::make_unique<RandomStrategy>(); }, 100),
            0);
}

TEST(StrategyTest, PctFindsLostUpdate) {
  // The bug has depth 2: one change point (d = 2) suffices.
  auto make = [] {
    return std::make_unique<PctStrategy>(
        PctOptions{.depth = 2, .steps_hint = 4});
  };
  EXPECT_GE(FirstSeedLosingUpdate(make, 100), 0);
}

TEST(StrategyTest, PctEstimatesStepsFromTheLongestRun) {
  // Coyote's PCT: k is the hint only until a run has ended, then the largest
  // number of decisions (task choices with more than one candidate) a run made.
  PctStrategy pct(
      PctOptions{.depth = 2, .steps_hint = 1000, .estimate_steps = true});
  EXPECT_EQ(pct.steps_estimate(), 1000u);
  uint64_t longest = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    ExecutorOptions o;
    o.seed = seed;
    int ignored;
    const RunRecord rec = RunOnce(o, pct, LostUpdateProgram(&ignored));
    const auto tasks = std::count_if(
        rec.decisions.begin(), rec.decisions.end(),
        [](const Decision& d) { return d.kind == Decision::Kind::kTask; });
    longest = std::max<uint64_t>(longest, tasks);
    EXPECT_EQ(pct.steps_estimate(), longest) << "after seed " << seed;
  }
  EXPECT_GT(longest, 0u);
  PctStrategy fixed(PctOptions{.depth = 2, .steps_hint = 1000});
  int ignored;
  RunOnce({}, fixed, LostUpdateProgram(&ignored));
  EXPECT_EQ(fixed.steps_estimate(), 1000u);
}

TEST(StrategyTest, DfsFindsLostUpdate) {
  DfsStrategy dfs;
  int lost = 0, runs = 0;
  while (dfs.HasMore()) {
    int final_counter = -1;
    RunRecord rec = RunOnce({}, dfs, LostUpdateProgram(&final_counter));
    if (rec.result.outcome == RunOutcome::kPruned) continue;
    ++runs;
    lost += final_counter != 2;
  }
  EXPECT_GT(lost, 0);
  EXPECT_LT(lost, runs);  // and the serial schedules keep both updates
}

TEST(StrategyTest, SameSeedSameHashForRandomAndPct) {
  for (uint64_t seed : {1u, 7u, 42u}) {
    ExecutorOptions o;
    o.seed = seed;
    int ignored;
    RandomStrategy r1, r2;
    EXPECT_EQ(RunOnce(o, r1, LostUpdateProgram(&ignored)).result.trace_hash,
              RunOnce(o, r2, LostUpdateProgram(&ignored)).result.trace_hash);
    PctStrategy p1, p2;
    EXPECT_EQ(RunOnce(o, p1, LostUpdateProgram(&ignored)).result.trace_hash,
              RunOnce(o, p2, LostUpdateProgram(&ignored)).result.trace_hash);
  }
}

TEST(StrategyTest, DifferentSchedulesGiveDifferentHashes) {
  std::set<uint64_t> hashes;
  int ignored;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    ExecutorOptions o;
    o.seed = seed;
    RandomStrategy r;
    hashes.insert(RunOnce(o, r, LostUpdateProgram(&ignored)).result.trace_hash);
  }
  EXPECT_GT(hashes.size(), 2u);
}

TEST(ReplayTest, ReproducesTheHashOfARecordedRun) {
  for (uint64_t seed = 0; seed < 30; ++seed) {
    ExecutorOptions o;
    o.seed = seed;
    int a = -1, b = -1;
    PctStrategy pct(PctOptions{.depth = 2, .steps_hint = 4});
    RunRecord original = RunOnce(o, pct, LostUpdateProgram(&a));
    ExecutorOptions
        replay_options;  // the seed is not needed: decisions carry the schedule
    replay_options.seed = seed;
    ReplayStrategy replay(original.decisions);
    RunRecord again = RunOnce(replay_options, replay, LostUpdateProgram(&b));
    EXPECT_EQ(again.result.outcome, RunOutcome::kCompleted);
    EXPECT_EQ(again.result.trace_hash, original.result.trace_hash);
    EXPECT_EQ(a, b);
    EXPECT_TRUE(replay.consumed_all());
  }
}

TEST(ReplayTest, DivergenceNamesTheDecisionAndAsksAboutDeterminism) {
  int ignored;
  RandomStrategy r;
  RunRecord original = RunOnce({}, r, LostUpdateProgram(&ignored));
  ASSERT_FALSE(original.decisions.empty());
  // A different program: three tasks instead of two.
  sim::Setup other = [](Executor& ex) -> std::shared_ptr<void> {
    auto s = std::make_shared<LostUpdate>(ex);
    for (const char* n : {"x", "y", "z"}) ex.Spawn(n, Increment(ex, *s));
    return s;
  };
  ReplayStrategy replay(original.decisions);
  RunRecord rec = RunOnce({}, replay, other);
  ASSERT_EQ(rec.result.outcome, RunOutcome::kDiverged);
  EXPECT_NE(rec.result.violation->message.find("replay diverged at decision 0"),
            std::string::npos)
      << rec.result.violation->message;
  EXPECT_NE(rec.result.violation->message.find("is the model deterministic?"),
            std::string::npos);
}

TEST(ReplayTest, DataChoicesAreReplayedToo) {
  sim::Setup program = [](Executor& ex) -> std::shared_ptr<void> {
    auto out = std::make_shared<std::vector<uint64_t>>();
    ex.Spawn("chooser",
             [](Executor& e, std::vector<uint64_t>* o) -> Task<void> {
               for (int i = 0; i < 5; ++i) {
                 o->push_back(e.Choose(1000, Stream::kFault));
                 co_await e.Yield();
               }
             }(ex, out.get()));
    ex.Spawn("other", [](Executor& e) -> Task<void> {
      for (int i = 0; i < 5; ++i) co_await e.Yield();
    }(ex));
    return out;
  };
  ExecutorOptions o;
  o.seed = 99;
  RandomStrategy r;
  RunRecord original = RunOnce(o, r, program);
  ExecutorOptions other_seed;
  other_seed.seed =
      12345;  // the choices must come from the recording, not the seed
  ReplayStrategy replay(original.decisions);
  RunRecord again = RunOnce(other_seed, replay, program);
  EXPECT_EQ(again.result.trace_hash, original.result.trace_hash);
}

// A recorded choice among other values than the run draws stops the run
// there, as a task divergence does, and names that decision: the run does not
// go on with a made-up value and diverge later under another name.
TEST(ReplayTest, ADivergingDataChoiceStopsTheRun) {
  auto program = [](uint64_t n) {
    return [n](Executor& ex) -> std::shared_ptr<void> {
      ex.Spawn("chooser", [](Executor& e, uint64_t n) -> Task<void> {
        for (int i = 0; i < 3; ++i) {
          (void)e.Choose(n, Stream::kFault);
          co_await e.Yield();
        }
      }(ex, n));
      ex.Spawn("other", [](Executor& e) -> Task<void> {
        for (int i = 0; i < 3; ++i) co_await e.Yield();
      }(ex));
      return nullptr;
    };
  };
  RandomStrategy r;
  RunRecord original = RunOnce({}, r, program(10));
  ReplayStrategy same(original.decisions);
  EXPECT_EQ(RunOnce({}, same, program(10)).result.outcome,
            RunOutcome::kCompleted);
  EXPECT_EQ(same.unused(), 0u);
  ReplayStrategy replay(original.decisions);
  RunRecord rec = RunOnce({}, replay, program(7));
  ASSERT_EQ(rec.result.outcome, RunOutcome::kDiverged);
  EXPECT_NE(rec.result.violation->message.find(
                ": recorded a different decision, run draws a choice among 7"),
            std::string::npos)
      << rec.result.violation->message;
  EXPECT_GT(replay.unused(), 0u);
}

// The same when the diverging choice is the run's last act: no scheduling
// point follows it to stop the run, and it must still not end as completed.
TEST(ReplayTest, ADivergingLastDataChoiceStopsTheRun) {
  auto program = [](uint64_t n) {
    return [n](Executor& ex) -> std::shared_ptr<void> {
      ex.Spawn("chooser", [](Executor& e, uint64_t n) -> Task<void> {
        (void)e.Choose(n, Stream::kFault);
        co_return;
      }(ex, n));
      return nullptr;
    };
  };
  RandomStrategy r;
  RunRecord original = RunOnce({}, r, program(10));
  ASSERT_EQ(original.decisions.size(), 1u);
  ReplayStrategy replay(original.decisions);
  RunRecord rec = RunOnce({}, replay, program(7));
  ASSERT_EQ(rec.result.outcome, RunOutcome::kDiverged);
  EXPECT_NE(rec.result.violation->message.find("a choice among 7"),
            std::string::npos)
      << rec.result.violation->message;
}

// The scripted strategy: an empty script never preempts (each task runs to its
// end, no update is lost); one entry that switches tasks loses the update, and
// says it preempted once.
TEST(StrategyTest, ScriptedPreemptsOnlyWhereTheScriptSays) {
  int final_counter = -1;
  ScriptedStrategy none({});
  ExecutorOptions o;
  RunRecord rec = RunOnce(o, none, LostUpdateProgram(&final_counter));
  EXPECT_EQ(rec.result.outcome, RunOutcome::kCompleted);
  EXPECT_EQ(final_counter, 2);
  EXPECT_EQ(none.preemptions(), 0);

  bool lost = false;
  for (uint32_t k = 0; k < 6 && !lost; ++k) {
    for (uint32_t at = 0; at < 4 && !lost; ++at) {
      std::vector<uint32_t> script(at, 0);
      script.push_back(k);
      ScriptedStrategy one(script);
      rec = RunOnce(o, one, LostUpdateProgram(&final_counter));
      if (final_counter != 2) {
        lost = true;
        EXPECT_EQ(one.preemptions(), 1);
      }
    }
  }
  EXPECT_TRUE(lost);
}

// Shrinking keeps the failure and needs no more preemptions than the original:
// the lost update needs exactly one.
TEST(StrategyTest, ShrinkScheduleKeepsTheFailureWithFewerPreemptions) {
  struct Counter {
    explicit Counter(Executor& ex) : obj(ex.NewObject("counter")) {}
    ObjectId obj;
    int value = 0;
  };
  auto checked = [](Executor& ex) -> std::shared_ptr<void> {
    auto c = std::make_shared<Counter>(ex);
    std::vector<JoinHandle<void>> hs;
    for (int i = 0; i < 4; ++i) {
      hs.push_back(
          ex.Spawn("inc-" + std::to_string(i),
                   [](Executor& e, Counter& s) -> Task<void> {
                     for (int k = 0; k < 3; ++k) co_await e.Yield();
                     co_await e.Point(OpKind::kPoint, s.obj, Access::kRead);
                     const int v = s.value;
                     co_await e.Point(OpKind::kPoint, s.obj, Access::kWrite);
                     s.value = v + 1;
                   }(ex, *c)));
    }
    ex.Spawn("check",
             [](Executor& e, Counter& s,
                std::vector<JoinHandle<void>> all) -> Task<void> {
               for (const auto& h : all) co_await e.Join(h);
               if (s.value != 4)
                 e.Fail("lost-update", "counter " + std::to_string(s.value));
             }(ex, *c, hs));
    return c;
  };
  int shrunk_runs = 0;
  for (uint64_t seed = 0; seed < 50 && shrunk_runs < 5; ++seed) {
    RandomStrategy random;
    ExecutorOptions o;
    o.seed = seed;
    RunRecord rec = RunOnce(o, random, checked);
    if (rec.result.outcome != RunOutcome::kViolation) continue;
    ShrunkSchedule s = ShrinkSchedule(checked, o, rec.decisions, "lost-update");
    ASSERT_TRUE(s.shrunk) << "seed " << seed;
    EXPECT_EQ(s.record.result.violation->invariant, "lost-update");
    EXPECT_LE(s.preemptions, s.original_preemptions);
    EXPECT_EQ(s.preemptions, 1) << "seed " << seed;
    // The shrunk run replays as recorded.
    ReplayStrategy replay(s.record.decisions);
    RunRecord again = RunOnce(o, replay, checked);
    EXPECT_EQ(again.result.trace_hash, s.record.result.trace_hash);
    ++shrunk_runs;
  }
  EXPECT_GT(shrunk_runs, 0);
}

}  // namespace
}  // namespace sim
