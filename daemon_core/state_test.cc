#include "daemon_core/state.h"

#include <gtest/gtest.h>

#include <optional>

#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_random.h"

namespace daemon_core {
namespace {

struct Fixture {
  explicit Fixture(sim::Executor& ex, Mutation m = Mutation::kNone)
      : mutation(m), state(ex, "c1", mutation) {}
  Mutation mutation;
  State state;
  std::optional<StateStatus> got;
};

sim::Task<void> WaitFor(Fixture& f, WaitCondition c) {
  f.got = co_await f.state.Wait(c);
}

TEST(StateTest, SetRunningClearsOomKilledAndSetStoppedKeepsIt) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Fixture f(ex);
  f.state.oom_killed = true;
  f.state.SetStopped({137, 5});
  EXPECT_TRUE(f.state.oom_killed);
  EXPECT_EQ(f.state.finished_at, 5u);
  f.state.SetRunning(1234, true);
  EXPECT_FALSE(f.state.oom_killed);
  EXPECT_TRUE(f.state.running);
  EXPECT_EQ(f.state.exit_code, 0);
  EXPECT_EQ(f.state.pid, 1234u);
}

TEST(StateTest, MutationKeepsOomKilledAcrossStart) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Fixture f(ex, Mutation::kOomKilledNotClearedOnStart);
  f.state.oom_killed = true;
  f.state.SetRunning(1, true);
  EXPECT_TRUE(f.state.oom_killed);
}

TEST(StateTest, NotRunningIsMetAtOnceForACreatedContainer) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Fixture f(ex);
  ex.Spawn("waiter", WaitFor(f, WaitCondition::kNotRunning));
  ASSERT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_EQ(f.got, (StateStatus{0, ""}));
}

TEST(StateTest, NextExitIsNeverMetAtOnce) {
  for (Mutation m : {Mutation::kNone, Mutation::kNextExitTreatedAsMet}) {
    sim::RandomStrategy strategy;
    sim::Executor ex({}, strategy);
    Fixture f(ex, m);
    ex.Spawn("waiter", WaitFor(f, WaitCondition::kNextExit));
    sim::RunResult r = ex.Run();
    if (m == Mutation::kNone) {
      EXPECT_EQ(r.outcome,
                sim::RunOutcome::kDeadlock);  // nothing will ever exit
      EXPECT_FALSE(f.got.has_value());
      EXPECT_EQ(f.state.pending_waiters(), 1u);
    } else {
      EXPECT_EQ(r.outcome, sim::RunOutcome::kCompleted);
      EXPECT_TRUE(f.got.has_value());
    }
    ex.DestroyAllTasks();
  }
}

// TestCorrectStateWaitResultAfterRestart: the waiter gets 10 from SetRestarting
// even though SetRunning follows at once; with the #39352 mutation it reads the
// reset code, 0.
TEST(StateTest, WaitResultIsCapturedAtTheTransition) {
  for (Mutation m :
       {Mutation::kNone, Mutation::kWaitReadsExitCodeAfterWakeup}) {
    bool saw_zero = false, saw_ten = false;
    sim::DfsStrategy dfs;
    while (dfs.HasMore()) {
      std::optional<StateStatus> got;
      sim::RunOnce({}, dfs, [&](sim::Executor& ex) -> std::shared_ptr<void> {
        auto f = std::make_shared<Fixture>(ex, m);
        f->state.SetRunning(1, true);
        ex.Spawn("waiter", WaitFor(*f, WaitCondition::kNotRunning));
        ex.Spawn("restart", [](Fixture& fx) -> sim::Task<void> {
          co_await fx.state.mu.Lock();
          fx.state.SetRestarting({10, 0});
          fx.state.mu.Unlock();
          co_await fx.state.mu.Lock();
          fx.state.SetRunning(2, false);
          fx.state.mu.Unlock();
        }(*f));
        return std::shared_ptr<void>(f.get(),
                                     [f, &got](void*) { got = f->got; });
      });
      if (!got) continue;  // pruned or not yet woken
      saw_zero |= got->exit_code == 0;
      saw_ten |= got->exit_code == 10;
    }
    if (m == Mutation::kNone) {
      EXPECT_TRUE(saw_ten);
      EXPECT_FALSE(saw_zero);
    } else {
      EXPECT_TRUE(saw_zero);
    }
  }
}

TEST(StateTest, RemovalWakesEveryWaiterUnlessMutated) {
  for (Mutation m : {Mutation::kNone, Mutation::kRemovalSkipsStopWaiters}) {
    sim::RandomStrategy strategy;
    sim::Executor ex({}, strategy);
    Fixture f(ex, m);
    f.state.SetRunning(1, true);
    Fixture* fp = &f;
    std::optional<StateStatus> removed_result;
    ex.Spawn("next-exit", WaitFor(f, WaitCondition::kNextExit));
    ex.Spawn("removed",
             [](State& s, std::optional<StateStatus>* out) -> sim::Task<void> {
               *out = co_await s.Wait(WaitCondition::kRemoved);
             }(f.state, &removed_result));
    ex.Spawn("rm", [](sim::Executor& e, Fixture* fx) -> sim::Task<void> {
      while (fx->state.pending_waiters() < 2) co_await e.Yield();
      co_await fx->state.mu.Lock();
      fx->state.SetRemoved();
      fx->state.mu.Unlock();
    }(ex, fp));
    sim::RunResult r = ex.Run();
    EXPECT_TRUE(removed_result.has_value());
    if (m == Mutation::kNone) {
      EXPECT_EQ(r.outcome, sim::RunOutcome::kCompleted);
      EXPECT_TRUE(f.got.has_value());
    } else {
      EXPECT_EQ(r.outcome, sim::RunOutcome::kDeadlock);
      EXPECT_EQ(f.state.pending_waiters(), 1u);
    }
    ex.DestroyAllTasks();
  }
}

}  // namespace
}  // namespace daemon_core
