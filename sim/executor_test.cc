#include "sim/executor.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sim/exec_race_toy.h"
#include "sim/mutex.h"
#include "sim/notify.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_random.h"
#include "sim/strategy_replay.h"
#include "sim/test_util.h"

namespace sim {
namespace {

Task<int> Add(int a, int b) { co_return a + b; }

Task<int> Depth(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await Depth(n - 1);
}

TEST(ExecutorTest, SpawnJoinReturnsValue) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  int seen = 0;
  auto child = ex.Spawn("child", Add(2, 3));
  ex.Spawn("parent",
           [](Executor& e, JoinHandle<int> c, int* out) -> Task<void> {
             std::optional<int> v = co_await e.Join(c);
             *out = v.value_or(-1);
           }(ex, child, &seen));
  RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kCompleted);
  EXPECT_EQ(seen, 5);
}

// Timestamps of two starts at one simulated instant still differ, and follow
// the simulated time once it moves past them.
TEST(ExecutorTest, WallTimeIsNeverZeroAndAlwaysLater) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  std::vector<Nanos> seen;
  ex.Spawn("reader", [](Executor& e, std::vector<Nanos>* out) -> Task<void> {
    out->push_back(e.WallTime());
    out->push_back(e.WallTime());
    co_await e.Sleep(kSecond);
    out->push_back(e.WallTime());
    out->push_back(e.now());
  }(ex, &seen));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_EQ(seen, (std::vector<Nanos>{1, 2, kSecond, kSecond}));
}

TEST(ExecutorTest, JoinAllForTimesOutUntilEveryTaskHasEnded) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  std::vector<TaskId> tasks;
  for (Nanos d : {5 * kMillisecond, 25 * kMillisecond}) {
    tasks.push_back(ex.Spawn("sleeper",
                             [](Executor& e, Nanos n) -> Task<void> {
                               co_await e.Sleep(n);
                             }(ex, d))
                        .id);
  }
  std::vector<std::pair<bool, Nanos>> seen;
  ex.Spawn("joiner",
           [](Executor& e, std::vector<TaskId> ts,
              std::vector<std::pair<bool, Nanos>>* out) -> Task<void> {
             for (;;) {
               const bool all = co_await e.JoinAllFor(ts, 10 * kMillisecond);
               out->emplace_back(all, e.now());
               if (all) break;
             }
           }(ex, tasks, &seen));
  EXPECT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  // Timed out at 10 and 20 ms (the second task sleeps until 25), then both
  // had ended.
  EXPECT_EQ(seen,
            (std::vector<std::pair<bool, Nanos>>{{false, 10 * kMillisecond},
                                                 {false, 20 * kMillisecond},
                                                 {true, 25 * kMillisecond}}));
}

TEST(ExecutorTest, DeepAwaitChainUsesNoStack) {
  // Symmetric transfer: 200k nested awaits would overflow the stack without it.
  // GCC turns the transfer into a tail call only when optimizing, so -O0 builds
  // check a shallow chain.
#ifdef __OPTIMIZE__
  constexpr int kDepth = 200000;
#else
  constexpr int kDepth = 2000;
#endif
  RandomStrategy strategy;
  Executor ex({}, strategy);
  auto h = ex.Spawn("deep", Depth(kDepth));
  EXPECT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_EQ(h.result->value(), kDepth);
}

TEST(ExecutorTest, CancelReleasesGuardedLockAndJoinSeesCancellation) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Mutex mu(ex, "m");
  Notify never(ex, "never");
  auto holder = ex.Spawn("holder", [](Mutex& m, Notify& n) -> Task<void> {
    auto g = co_await m.Scoped();
    co_await n.Wait();  // blocked forever, holding m
  }(mu, never));
  bool joined_completed = true;
  bool locked_after = false;
  ex.Spawn("canceller",
           [](Executor& e, Mutex& m, JoinHandle<void> h, bool* completed,
              bool* locked) -> Task<void> {
             while (!m.locked()) co_await e.Yield();
             e.Cancel(h.id);
             *completed = co_await e.Join(h);
             co_await m.Lock();  // the guard in the cancelled frame released it
             *locked = true;
             m.Unlock();
           }(ex, mu, holder, &joined_completed, &locked_after));
  EXPECT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_FALSE(joined_completed);
  EXPECT_TRUE(locked_after);
  EXPECT_TRUE(ex.IsCancelled(holder.id));
}

TEST(ExecutorTest, DestroyingExecutorFreesBlockedFrames) {
  // Leak-freedom is checked by the asan preset (LeakSanitizer); this test
  // builds the case.
  RandomStrategy strategy;
  Notify* never_ptr = nullptr;
  {
    Executor ex({}, strategy);
    Notify never(ex, "never");
    never_ptr = &never;
    for (int i = 0; i < 5; ++i) {
      ex.Spawn(
          "blocked-" + std::to_string(i),
          [](Notify& n) -> Task<void> {
            std::string big(1000, 'x');  // a heap allocation owned by the frame
            co_await n.Wait();
            (void)big;
          }(never),
          SpawnOptions{.background = true});
    }
    EXPECT_EQ(ex.Run().outcome,
              RunOutcome::kCompleted);  // only background tasks wait
    ex.DestroyAllTasks();
  }
  EXPECT_NE(never_ptr, nullptr);
}

TEST(ExecutorTest, DeadlockNamesBlockedTasksAndWhatTheyWaitOn) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Mutex mu(ex, "container c1 lock");
  Notify never(ex, "exec started");
  ex.Spawn("client-1", [](Mutex& m, Notify& n) -> Task<void> {
    co_await m.Lock();
    co_await n.Wait();
  }(mu, never));
  ex.Spawn("client-2", [](Executor& e, Mutex& m) -> Task<void> {
    while (!m.locked()) co_await e.Yield();
    co_await m.Lock();
  }(ex, mu));
  RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, RunOutcome::kDeadlock);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.violation->invariant, "deadlock");
  EXPECT_NE(
      r.violation->message.find("'client-1' to be notified by 'exec started'"),
      std::string::npos)
      << r.violation->message;
  EXPECT_NE(r.violation->message.find(
                "'client-2' to lock 'container c1 lock' (held by 'client-1')"),
            std::string::npos)
      << r.violation->message;
  ex.DestroyAllTasks();
}

TEST(ExecutorTest, StepBudgetIsReportedAsLivelock) {
  RandomStrategy strategy;
  ExecutorOptions o;
  o.max_steps = 500;
  Executor ex(o, strategy);
  ex.Spawn("spinner", [](Executor& e) -> Task<void> {
    for (;;) co_await e.Yield();
  }(ex));
  RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, RunOutcome::kLivelock);
  EXPECT_EQ(r.steps, 500u);
  EXPECT_NE(r.violation->message.find("'spinner'"), std::string::npos);
}

Task<void> SpinForever(Executor& e) {
  for (;;) co_await e.Yield();
}

// The judge concluded: the run ends completed, with no violation, although a
// foreground task would go on for ever.
TEST(ExecutorTest, ConcludeEndsARunAsCompleted) {
  RandomStrategy strategy;
  ExecutorOptions o;
  o.max_steps = 500;
  Executor ex(o, strategy);
  ex.Spawn("restarts for ever", SpinForever(ex));
  ex.Spawn("judge", [](Executor& e) -> Task<void> {
    for (int i = 0; i < 10; ++i) co_await e.Yield();
    e.Conclude();
  }(ex));
  RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kCompleted);
  EXPECT_FALSE(r.violation.has_value());
  EXPECT_LT(r.steps, 500u);
}

// A deadline long past: the run stops at the first check, whatever the
// machine's speed.
TEST(ExecutorTest, WallDeadlineStopsARunAsBudget) {
  RandomStrategy strategy;
  ExecutorOptions o;
  o.wall_deadline_ns = 1;
  Executor ex(o, strategy);
  ex.Spawn("spinner", SpinForever(ex));
  RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, RunOutcome::kBudget);
  EXPECT_EQ(RunOutcomeName(r.outcome), "budget");
  EXPECT_EQ(r.steps, kBudgetCheckSteps);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.violation->invariant, "budget");
  EXPECT_NE(r.violation->message.find("wall-time deadline"), std::string::npos);
  EXPECT_NE(r.violation->message.find("'spinner'"), std::string::npos);
}

// Budgets are read only every kBudgetCheckSteps steps: shorter runs never
// read the clock, so an expired deadline leaves them alone.
TEST(ExecutorTest, RunShorterThanTheCheckIntervalIgnoresTheDeadline) {
  RandomStrategy strategy;
  ExecutorOptions o;
  o.wall_deadline_ns = 1;
  Executor ex(o, strategy);
  ex.Spawn("short", [](Executor& e) -> Task<void> {
    for (uint64_t i = 0; i + 2 < kBudgetCheckSteps; ++i) co_await e.Yield();
  }(ex));
  EXPECT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
}

// A task that grows the resident set by 64 MiB after the first check (which
// takes the base) and then spins: a 1 MiB cap stops it at the next check.
TEST(ExecutorTest, MemoryCapStopsARunAsBudget) {
  RandomStrategy strategy;
  ExecutorOptions o;
  o.rss_growth_bytes_max = 1 << 20;
  Executor ex(o, strategy);
  std::vector<char> hog;
  ex.Spawn("hog", [](Executor& e, std::vector<char>* out) -> Task<void> {
    while (e.steps() < kBudgetCheckSteps + 10) co_await e.Yield();
    out->assign(64 << 20, 1);  // every page written, so resident
    for (;;) co_await e.Yield();
  }(ex, &hog));
  RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, RunOutcome::kBudget) << RunOutcomeName(r.outcome);
  EXPECT_EQ(r.steps, 2 * kBudgetCheckSteps);
  EXPECT_NE(r.violation->message.find("memory cap"), std::string::npos);
  EXPECT_NE(r.violation->message.find("'hog'"), std::string::npos);
}

TEST(ExecutorTest, ManyBlockedTasksAreNamedShortly) {
  RandomStrategy strategy;
  ExecutorOptions o;
  o.max_steps = 100;
  Executor ex(o, strategy);
  for (int i = 0; i < 1000; ++i) ex.Spawn("spinner", SpinForever(ex));
  RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, RunOutcome::kLivelock);
  EXPECT_NE(r.violation->message.find("and 984 more"), std::string::npos);
  EXPECT_LT(r.violation->message.size(), 2000u);
}

TEST(WallDeadlineNsTest, NoDeadlineUnlessFiniteAndPositive) {
  EXPECT_EQ(WallDeadlineNs(5, 2), 5 + 2'000'000'000);
  EXPECT_EQ(WallDeadlineNs(5, 0.5), 5 + 500'000'000);
  EXPECT_EQ(WallDeadlineNs(5, 0), 0);
  EXPECT_EQ(WallDeadlineNs(5, -1), 0);
  EXPECT_EQ(WallDeadlineNs(5, std::numeric_limits<double>::quiet_NaN()), 0);
  EXPECT_EQ(WallDeadlineNs(5, std::numeric_limits<double>::infinity()), 0);
  EXPECT_EQ(WallDeadlineNs(5, 1e300), 0);
}

TEST(ExecutorTest, VirtualTimeAdvancesOnlyWhenIdle) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  std::vector<std::string> order;
  Nanos woke_at = 0;
  ex.Spawn(
      "sleeper",
      [](Executor& e, std::vector<std::string>* o, Nanos* at) -> Task<void> {
        co_await e.Sleep(2 * kSecond);
        *at = e.now();
        o->push_back("sleeper");
      }(ex, &order, &woke_at));
  ex.Spawn("worker",
           [](Executor& e, std::vector<std::string>* o) -> Task<void> {
             for (int i = 0; i < 10; ++i) co_await e.Yield();
             o->push_back("worker@" + std::to_string(e.now()));
           }(ex, &order));
  RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kCompleted);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0],
            "worker@0");  // the clock cannot move while the worker can run
  EXPECT_EQ(woke_at, 2 * kSecond);
  EXPECT_EQ(r.virtual_time, 2 * kSecond);
}

struct TimeoutProgram {
  explicit TimeoutProgram(Executor& ex) : done(ex, "done") {}
  Notify done;
};

TEST(ExecutorTest, StrategyCanFireTimeoutEarly) {
  // Without early timers the notifier always wins (it is runnable, the clock is
  // frozen); with them, dfs also explores the schedule where the 10 s timeout
  // fires first.
  for (bool early : {false, true}) {
    int timeouts = 0;
    sim::Setup setup = [&timeouts](Executor& ex) -> std::shared_ptr<void> {
      auto p = std::make_shared<TimeoutProgram>(ex);
      ex.Spawn("waiter", [](TimeoutProgram& s, int* count) -> Task<void> {
        if (!co_await s.done.WaitFor(10 * kSecond)) ++*count;
      }(*p, &timeouts));
      ex.Spawn("notifier", [](TimeoutProgram& s) -> Task<void> {
        s.done.Fire();
        co_return;
      }(*p));
      return p;
    };
    ExecutorOptions o;
    o.fire_timers_early = early;
    DfsStrategy dfs;
    DfsReport report = ExploreDfs(o, dfs, setup);
    EXPECT_TRUE(report.exhausted);
    EXPECT_FALSE(report.failure.has_value());
    EXPECT_GT(report.complete, 0u);
    if (early) {
      EXPECT_GT(timeouts, 0);
    } else {
      EXPECT_EQ(timeouts, 0);
    }
  }
}

TEST(ExecutorTest, BackgroundTaskMayStayBlockedAtTheEnd) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Notify never(ex, "events");
  ex.Spawn(
      "event-loop", [](Notify& n) -> Task<void> { co_await n.Wait(); }(never),
      SpawnOptions{.background = true});
  ex.Spawn("client", [](Executor& e) -> Task<void> { co_await e.Yield(); }(ex));
  EXPECT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  ex.DestroyAllTasks();
}

TEST(ExecutorTest, LockDeclaredNoRpcIsReportedWhenHeldAcrossRpc) {
  for (bool declared : {false, true}) {
    RandomStrategy strategy;
    Executor ex({}, strategy);
    Mutex store(ex, "ExecStore lock");
    if (declared) store.DeclareNoRpcWhileHeld();
    ObjectId rpc = ex.NewObject("/containerd.services.tasks.v1.Tasks/Exec");
    ex.Spawn("exec-start",
             [](Executor& e, Mutex& m, ObjectId method) -> Task<void> {
               co_await m.Lock();
               co_await e.Point(OpKind::kRpcSend, method, Access::kWrite);
               m.Unlock();
             }(ex, store, rpc));
    RunResult r = ex.Run();
    if (!declared) {
      EXPECT_EQ(r.outcome, RunOutcome::kCompleted);
      continue;
    }
    ASSERT_EQ(r.outcome, RunOutcome::kViolation);
    EXPECT_EQ(r.violation->invariant, "lock-held-across-rpc");
    EXPECT_NE(r.violation->message.find("'ExecStore lock'"), std::string::npos);
    EXPECT_NE(r.violation->message.find("Tasks/Exec"), std::string::npos);
    ex.DestroyAllTasks();
  }
}

// A thread reuses frames, task states, vectors and name hashes from its
// earlier runs (sim/pool.h); a run must not see them. The same toy run on a
// thread that first ran other programs (other names, more tasks than a clock
// holds inline) and on a fresh thread gives the same trace hash and
// decisions.
TEST(ExecutorTest, StorageReusedAcrossRunsLeavesNoTrace) {
  const sim::Setup program = toy::ExecRace({.noise = 3, .extra = 1});
  const sim::Setup wide = toy::ExecRace({.noise = 2, .extra = 20});
  ExecutorOptions o;
  o.seed = 42;
  auto run_toy = [&] {
    RandomStrategy random;
    return RunOnce(o, random, program);
  };
  RunRecord fresh;
  std::thread([&] { fresh = run_toy(); }).join();
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    ExecutorOptions w;
    w.seed = seed;
    RandomStrategy random;
    EXPECT_NE(RunOnce(w, random, wide).result.outcome, RunOutcome::kDeadlock);
  }
  const RunRecord reused = run_toy();
  EXPECT_EQ(reused.result.trace_hash, fresh.result.trace_hash);
  EXPECT_EQ(reused.result.steps, fresh.result.steps);
  EXPECT_EQ(reused.decisions, fresh.decisions);
  EXPECT_NE(fresh.result.trace_hash, 0u);
}

// Reset makes an executor that ran something else (more tasks than a clock
// holds inline, the racy toy, a step check, the happens-before order) run the
// next program as a new executor does: the same trace, record by record, the
// same per-step fingerprints and decisions.
TEST(ExecutorTest, ResetRunsAsANewExecutor) {
  ExecutorOptions o;
  o.seed = 9;
  o.keep_trace = true;
  o.keep_fingerprints = true;
  struct Ran {
    RunResult result;
    std::string text;
    std::vector<uint64_t> fingerprints;
    std::vector<Decision> decisions;
  };
  auto run = [](Executor& ex, const sim::Setup& program) {
    std::shared_ptr<void> state = program(ex);
    Ran r;
    r.result = ex.Run();
    r.text = ex.trace().RenderText(0, ex.trace().records().size());
    r.fingerprints = ex.fingerprints();
    r.decisions = ex.decisions();
    ex.DestroyAllTasks();
    return r;
  };
  const sim::Setup program = toy::ExecRace({.noise = 2, .extra = 1});
  RandomStrategy first, second, fresh_strategy;
  ExecutorOptions other = o;
  other.seed = 3;
  other.keep_trace = false;
  Executor ex(other, first);
  ex.TrackHappensBefore();
  int checks = 0;
  ex.set_step_check([&checks] { ++checks; });
  const Ran before = run(ex, toy::ExecRace({.noise = 1, .extra = 20}));
  EXPECT_GT(checks, 0);
  ex.Reset(o, second);
  const int checks_before = checks;
  const Ran reset = run(ex, program);
  EXPECT_EQ(checks, checks_before);  // the step check went with the reset
  Executor fresh_ex(o, fresh_strategy);
  const Ran fresh = run(fresh_ex, program);
  EXPECT_EQ(reset.result.outcome, fresh.result.outcome);
  EXPECT_EQ(reset.result.trace_hash, fresh.result.trace_hash);
  EXPECT_EQ(reset.result.steps, fresh.result.steps);
  EXPECT_EQ(reset.result.virtual_time, fresh.result.virtual_time);
  EXPECT_EQ(reset.text, fresh.text);
  EXPECT_EQ(reset.fingerprints, fresh.fingerprints);
  EXPECT_EQ(reset.decisions, fresh.decisions);
  EXPECT_FALSE(fresh.text.empty());
  EXPECT_NE(before.result.steps, fresh.result.steps);
}

// The toy run twice with one seed: with the default options and with `off`
// applied to them.
struct WithAndWithout {
  ExecutorOptions on, off;
  RunRecord with, without;
};
WithAndWithout RunBothWays(uint64_t seed, void (*turn_off)(ExecutorOptions&)) {
  const sim::Setup program = toy::ExecRace({.noise = 3, .extra = 1});
  WithAndWithout r;
  r.on.seed = r.off.seed = seed;
  turn_off(r.off);
  RandomStrategy a, b;
  r.with = RunOnce(r.on, a, program);
  r.without = RunOnce(r.off, b, program);
  return r;
}

// Without the hash the run is the same run: same steps and decisions.
TEST(ExecutorTest, HashTraceOffChangesNothingButTheHash) {
  const WithAndWithout r =
      RunBothWays(7, [](ExecutorOptions& o) { o.hash_trace = false; });
  EXPECT_EQ(r.with.decisions, r.without.decisions);
  EXPECT_EQ(r.with.result.steps, r.without.result.steps);
  EXPECT_NE(r.with.result.trace_hash, r.without.result.trace_hash);
}

// Without decision fingerprints the run is the same run; FillFingerprints
// gives them back from a run again, and a token-strength replay accepts them.
TEST(ExecutorTest, FingerprintsOffChangesNothingAndCanBeFilledIn) {
  const sim::Setup program = toy::ExecRace({.noise = 3, .extra = 1});
  const WithAndWithout r = RunBothWays(
      11, [](ExecutorOptions& o) { o.fingerprint_decisions = false; });
  const RunRecord& with = r.with;
  const RunRecord& without = r.without;
  EXPECT_EQ(with.result.trace_hash, without.result.trace_hash);
  ASSERT_EQ(with.decisions.size(), without.decisions.size());
  ASSERT_GT(with.decisions.size(), 3u);
  for (size_t i = 0; i < with.decisions.size(); ++i) {
    EXPECT_EQ(with.decisions[i].value, without.decisions[i].value);
    EXPECT_EQ(without.decisions[i].fingerprint, 0u) << i;
    EXPECT_NE(with.decisions[i].fingerprint, 0u) << i;
  }
  EXPECT_EQ(FillFingerprints(r.off, program, without.decisions),
            with.decisions);
  EXPECT_EQ(FillFingerprints(r.on, program, with.decisions), with.decisions);
  ReplayStrategy replay(FillFingerprints(r.off, program, without.decisions));
  const RunRecord again = RunOnce(r.on, replay, program);
  EXPECT_EQ(again.result.outcome, with.result.outcome);
  EXPECT_EQ(again.result.trace_hash, with.result.trace_hash);
}

}  // namespace
}  // namespace sim
