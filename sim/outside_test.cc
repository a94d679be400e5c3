// The executor with an Outside (serve and live modes): virtual time follows
// the outside clock, completions wake tasks, and a run with nothing in flight
// and nothing runnable is a deadlock.
#include "sim/outside.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "sim/strategy_random.h"

namespace sim {
namespace {

// A scripted outside world: a clock that jumps to each Wait's deadline, and
// completions delivered at given times.
class ScriptedOutside : public Outside {
 public:
  struct Arrival {
    Nanos at;
    std::function<void()> deliver;
  };
  explicit ScriptedOutside(std::vector<Arrival> arrivals)
      : arrivals_(std::move(arrivals)) {}
  Nanos Now() override { return now_; }
  bool Wait(Nanos until) override {
    ++waits_;
    if (next_ < arrivals_.size() && arrivals_[next_].at <= until) {
      now_ = std::max(now_, arrivals_[next_].at);
      arrivals_[next_++].deliver();
      return true;
    }
    if (until == kNever) return false;  // a real loop would block forever
    now_ = std::max(now_, until);
    return true;
  }
  bool Busy() const override { return next_ < arrivals_.size(); }
  int waits() const { return waits_; }

 private:
  std::vector<Arrival> arrivals_;
  size_t next_ = 0;
  Nanos now_ = 1000;
  int waits_ = 0;
};

TEST(OutsideTest, ACompletionWakesItsTaskAtTheOutsideTime) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Completion reply(ex, "reply");
  ScriptedOutside outside({{5 * kSecond, [&] { reply.Set(); }}});
  ex.set_outside(&outside);
  Nanos woke_at = 0;
  auto task = [&]() -> Task<void> {
    co_await reply.Wait();
    woke_at = ex.now();
  };
  ex.Spawn("caller", task());
  RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kCompleted);
  EXPECT_EQ(woke_at, 5 * kSecond);
}

TEST(OutsideTest, SleepsEndOnTheOutsideClock) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  ScriptedOutside outside({});
  ex.set_outside(&outside);
  Nanos woke_at = 0;
  auto task = [&]() -> Task<void> {
    co_await ex.Sleep(kSecond);
    woke_at = ex.now();
  };
  ex.Spawn("sleeper", task());
  EXPECT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  // Started at the outside's 1000 ns, woke one second later, by waiting.
  EXPECT_EQ(woke_at, 1000 + kSecond);
  EXPECT_GT(outside.waits(), 0);
}

TEST(OutsideTest, NothingInFlightAndNothingRunnableIsADeadlock) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Completion never(ex, "a reply nobody sends");
  ScriptedOutside outside({});
  ex.set_outside(&outside);
  auto task = [&]() -> Task<void> { co_await never.Wait(); };
  ex.Spawn("caller", task());
  RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, RunOutcome::kDeadlock);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_NE(r.violation->message.find("a reply nobody sends"),
            std::string::npos);
}

}  // namespace
}  // namespace sim
