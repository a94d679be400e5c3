// Fairness the simulated scheduler keeps whatever the strategy picks: early
// timers cannot move the clock far past a task that could run, and a Mutex
// turns fair for a waiter that waited 1 ms (Go's starvation mode). Both
// against a strategy that always favours everybody but the victim.
#include <gtest/gtest.h>

#include <string>

#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/strategy.h"

namespace sim {
namespace {

// Picks an early timer when it can, else any task but `victim`.
class BullyStrategy : public Strategy {
 public:
  explicit BullyStrategy(TaskId victim) : victim_(victim) {}
  void BeginExecution(Prng&) override {}
  size_t NextTask(const ScheduleContext& ctx) override {
    for (size_t i = 0; i < ctx.candidates.size(); ++i) {
      if (ctx.candidates[i].early_timer) return i;
    }
    for (size_t i = 0; i < ctx.candidates.size(); ++i) {
      if (ctx.candidates[i].task != victim_) return i;
    }
    return 0;
  }
  uint64_t NextChoice(uint64_t n, Prng& stream) override {
    return stream.Uniform(n);
  }
  std::string_view name() const override { return "bully"; }

 private:
  TaskId victim_;
};

TEST(FairnessTest, EarlyTimersDoNotStarveATaskWhoseSleepEnded) {
  constexpr Nanos kWindow = 100 * kMillisecond;
  BullyStrategy bully(/*victim=*/0);
  ExecutorOptions o;
  o.jitter = true;
  o.early_timer_window = kWindow;
  Executor ex(o, bully);
  Nanos slept = kNever;
  Nanos woke = kNever;
  ex.Spawn("sleeper", [](Executor& e, Nanos* from, Nanos* at) -> Task<void> {
    *from = e.now();
    co_await e.Sleep(5 * kMillisecond);
    *at = e.now();
  }(ex, &slept, &woke));
  ex.Spawn("restart loop", [](Executor& e) -> Task<void> {
    for (int i = 0; i < 200; ++i) co_await e.SleepWithJitter(kWindow);
  }(ex));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  // The loop's early timers may overtake the sleeper by one window each time
  // it can run (without the bound it starts after the loop's 200 rounds, at
  // 20 s).
  EXPECT_LE(slept, kWindow);  // its first step, runnable from the start
  EXPECT_LE(woke, slept + 5 * kMillisecond + kWindow);
  EXPECT_GE(woke, slept + 5 * kMillisecond);
}

TEST(FairnessTest, AWaiterOfAMillisecondTakesTheLockNext) {
  BullyStrategy bully(/*victim=*/1);
  Executor ex({}, bully);
  Mutex mu(ex, "container lock");
  int hog_rounds = 0;
  int rounds_when_locked = -1;
  ex.Spawn("hog", [](Executor& e, Mutex& m, int* rounds) -> Task<void> {
    for (int i = 0; i < 50; ++i) {
      co_await m.Lock();
      co_await e.Sleep(kMillisecond / 4);  // an RPC under the lock
      ++*rounds;
      m.Unlock();
    }
  }(ex, mu, &hog_rounds));
  ex.Spawn("waiter", [](Mutex& m, int* rounds, int* seen) -> Task<void> {
    co_await m.Lock();
    *seen = *rounds;
    m.Unlock();
  }(mu, &hog_rounds, &rounds_when_locked));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  // Barging wins until the waiter has waited 1 ms: four rounds of 0.25 ms.
  EXPECT_GE(rounds_when_locked, 1);
  EXPECT_LE(rounds_when_locked, 5);
  EXPECT_EQ(hog_rounds, 50);
}

}  // namespace
}  // namespace sim
