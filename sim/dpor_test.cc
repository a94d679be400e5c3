// DPOR against plain dfs, the reference: on small programs, DPOR must reach
// every final outcome and every violation that unbounded dfs without
// reduction reaches, in no more executions.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "sim/chan.h"
#include "sim/exec_race_toy.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/notify.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_dpor.h"

namespace sim {
namespace {

// What a program leaves behind, written by its state's destructor (after the
// run) into `*out`.
using OutcomeSetup = std::function<Setup(std::string* out)>;

struct Reached {
  std::set<std::string> outcomes;  // final states of completed executions
  std::set<std::string> violations;
  uint64_t complete = 0;
  uint64_t pruned = 0;
};

Reached ExploreAll(ExhaustiveStrategy& strategy, const OutcomeSetup& program) {
  Reached r;
  std::string outcome;
  const Setup setup = program(&outcome);
  for (int i = 0; strategy.HasMore() && i < 1'000'000; ++i) {
    outcome.clear();
    const RunRecord rec = RunOnce(ExecutorOptions{}, strategy, setup);
    if (rec.result.outcome == RunOutcome::kPruned) continue;
    if (rec.result.violation) {
      r.violations.insert(rec.result.violation->invariant);
    } else {
      r.outcomes.insert(outcome);
    }
  }
  EXPECT_FALSE(strategy.HasMore());
  r.complete = strategy.complete_executions();
  r.pruned = strategy.pruned_executions();
  return r;
}

// Runs both and compares; returns DPOR's figures.
Reached ExpectDporMatchesDfs(const OutcomeSetup& program) {
  DfsStrategy dfs(DfsOptions{.preemption_bound = -1, .sleep_sets = false});
  DporStrategy dpor;
  const Reached reference = ExploreAll(dfs, program);
  const Reached reduced = ExploreAll(dpor, program);
  EXPECT_EQ(reduced.outcomes, reference.outcomes);
  EXPECT_EQ(reduced.violations, reference.violations);
  EXPECT_LE(reduced.complete, reference.complete);
  return reduced;
}

OutcomeSetup Toy(toy::ExecRaceOptions o) {
  return [o](std::string* out) -> Setup {
    return [o, out](Executor& ex) -> std::shared_ptr<void> {
      struct Keep {
        std::shared_ptr<toy::ExecRaceState> s;
        std::string* out;
        ~Keep() {
          *out = std::to_string(s->counter.Peek()) +
                 " saw=" + std::to_string(s->t1_saw_listed);
        }
      };
      return std::make_shared<Keep>(Keep{toy::SpawnExecRace(ex, o), out});
    };
  };
}

TEST(DporTest, ExecRaceToyMatchesDfs) {
  for (bool fixed : {false, true}) {
    for (int noise : {0, 1, 2}) {
      for (int extra : {0, 1}) {
        SCOPED_TRACE(testing::Message() << "fixed=" << fixed << " noise="
                                        << noise << " extra=" << extra);
        const Reached r = ExpectDporMatchesDfs(Toy(toy::ExecRaceOptions{
            .noise = noise, .extra = extra, .fixed = fixed}));
        EXPECT_EQ(r.violations.empty(), fixed);
      }
    }
  }
}

TEST(DporTest, ExecRaceToyFixedN5HasExactly504Traces) {
  // The noise lock orders the ten noise sections of T0 and T1: C(10,5) = 252
  // interleavings; the store lock then orders T0 and T1: 2. Nothing else
  // conflicts, so an optimal DPOR explores 252 * 2 = 504 executions.
  DporStrategy dpor;
  const DfsReport r = ExploreDfs(
      {}, dpor, toy::ExecRace({.noise = 5, .extra = 0, .fixed = true}));
  EXPECT_TRUE(r.exhausted);
  EXPECT_FALSE(r.failure.has_value());
  EXPECT_EQ(r.complete, 504u);
}

// Three read-modify-write increments of one plain int, each read and write
// at its own scheduling point, plus a task that touches only its own object:
// final values 1, 2 or 3.
OutcomeSetup LostUpdates() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        ObjectId x_id, y_id;
        int x = 0, y = 0;
        std::string* out;
        ~State() { *out = std::to_string(x) + "," + std::to_string(y); }
      };
      auto s = std::make_shared<State>(
          State{ex.NewObject("x"), ex.NewObject("y"), 0, 0, out});
      for (int i = 0; i < 3; ++i) {
        ex.Spawn("inc", [](Executor& e, State& st) -> Task<void> {
          co_await e.Point(OpKind::kPoint, st.x_id, Access::kRead);
          const int v = st.x;
          co_await e.Point(OpKind::kPoint, st.x_id, Access::kWrite);
          st.x = v + 1;
        }(ex, *s));
      }
      ex.Spawn("other", [](Executor& e, State& st) -> Task<void> {
        co_await e.Point(OpKind::kPoint, st.y_id, Access::kWrite);
        st.y = 1;
      }(ex, *s));
      return s;
    };
  };
}

TEST(DporTest, LostUpdatesMatchDfs) {
  const Reached r = ExpectDporMatchesDfs(LostUpdates());
  EXPECT_EQ(r.outcomes, (std::set<std::string>{"1,1", "2,1", "3,1"}));
}

// A spawned child and a data choice: the child writes x after a choice of
// which object its parent then writes.
OutcomeSetup SpawnAndChoice() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        ObjectId x_id;
        int x = 0;
        std::string* out;
        ~State() { *out = std::to_string(x); }
      };
      auto s = std::make_shared<State>(State{ex.NewObject("x"), 0, out});
      ex.Spawn("parent", [](Executor& e, State& st) -> Task<void> {
        e.Spawn("child", [](Executor& e2, State& st2) -> Task<void> {
          co_await e2.Point(OpKind::kPoint, st2.x_id, Access::kWrite);
          st2.x = st2.x * 10 + 1;
        }(e, st));
        const uint64_t c = e.Choose(2, Stream::kFault);
        co_await e.Point(OpKind::kPoint, c == 0 ? st.x_id : kNoObject,
                         Access::kWrite);
        if (c == 0) st.x = st.x * 10 + 2;
      }(ex, *s));
      return s;
    };
  };
}

TEST(DporTest, SpawnAndDataChoiceMatchDfs) {
  const Reached r = ExpectDporMatchesDfs(SpawnAndChoice());
  EXPECT_EQ(r.outcomes, (std::set<std::string>{"1", "12", "21"}));
}

// The blocking primitives the daemon model leans on: a producer and a
// consumer on an unbuffered channel, a condition variable under a mutex, and a
// third task that reads and writes the shared value under the same mutex.
OutcomeSetup ChannelAndCond() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        explicit State(Executor& e, std::string* o)
            : ch(e, "ch", 0), mu(e, "mu"), cv(e, "cv"), out(o) {}
        Chan<int> ch;
        Mutex mu;
        Cond cv;
        std::string log;
        bool ready = false;
        std::string* out;
        ~State() { *out = log; }
      };
      auto s = std::make_shared<State>(ex, out);
      ex.Spawn("producer", [](State& st) -> Task<void> {
        co_await st.ch.Send(1);
        co_await st.mu.Lock();
        st.log += "p";
        st.ready = true;
        st.cv.Signal();
        st.mu.Unlock();
      }(*s));
      ex.Spawn("consumer", [](State& st) -> Task<void> {
        (void)co_await st.ch.Recv();
        co_await st.mu.Lock();
        while (!st.ready) co_await st.cv.Wait(st.mu);
        st.log += "c";
        st.mu.Unlock();
      }(*s));
      ex.Spawn("other", [](State& st) -> Task<void> {
        co_await st.mu.Lock();
        st.log += st.ready ? "O" : "o";
        st.mu.Unlock();
      }(*s));
      return s;
    };
  };
}

TEST(DporTest, ChannelAndCondMatchDfs) {
  const Reached r = ExpectDporMatchesDfs(ChannelAndCond());
  EXPECT_GT(r.outcomes.size(), 2u);
}

// Virtual time: a waiter with a timeout races a notifier that sleeps first; a
// third task polls a value at a yield.
OutcomeSetup TimeoutRace() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        explicit State(Executor& e, std::string* o)
            : n(e, "n"), x_id(e.NewObject("x")), out(o) {}
        Notify n;
        ObjectId x_id;
        std::string log;
        std::string* out;
        ~State() { *out = log; }
      };
      auto s = std::make_shared<State>(ex, out);
      ex.Spawn("waiter", [](Executor& e, State& st) -> Task<void> {
        const bool notified = co_await st.n.WaitFor(10);
        co_await e.Point(OpKind::kPoint, st.x_id, Access::kWrite);
        st.log += notified ? "N" : "T";
      }(ex, *s));
      ex.Spawn("notifier", [](Executor& e, State& st) -> Task<void> {
        co_await e.Sleep(10);
        st.n.Fire();
        co_await e.Point(OpKind::kPoint, st.x_id, Access::kWrite);
        st.log += "f";
      }(ex, *s));
      ex.Spawn("poller", [](Executor& e, State& st) -> Task<void> {
        co_await e.Yield();
        co_await e.Point(OpKind::kPoint, st.x_id, Access::kWrite);
        st.log += "p";
      }(ex, *s));
      return s;
    };
  };
}

TEST(DporTest, TimeoutRaceMatchesDfs) {
  const Reached r = ExpectDporMatchesDfs(TimeoutRace());
  EXPECT_GT(r.outcomes.size(), 2u);
}

// Two workers of independent steps beside a sleeper: the sleeper's timer
// fires only once both are done (the clock moves only when no task can run),
// so there is one class of executions, and DPOR must not try to move the
// timer before the workers' steps (it did: the timer step conflicts with
// every step, and each such race added the other worker as a backtrack
// point, in vain).
OutcomeSetup WorkerBesideSleeper() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        explicit State(Executor& e, std::string* o)
            : y(e.NewObject("y")), z(e.NewObject("z")), out(o) {}
        ObjectId y, z;
        std::string log;
        std::string* out;
        ~State() { *out = log; }
      };
      auto s = std::make_shared<State>(ex, out);
      ex.Spawn("sleeper", [](Executor& e, State& st) -> Task<void> {
        co_await e.Sleep(10);
        co_await e.Point(OpKind::kPoint, st.z, Access::kWrite);
        st.log += "s";
      }(ex, *s));
      for (const char* name : {"worker 1", "worker 2"}) {
        ex.Spawn(name, [](Executor& e, State& st) -> Task<void> {
          const ObjectId own = e.NewObject("own");
          for (int i = 0; i < 3; ++i)
            co_await e.Point(OpKind::kPoint, own, Access::kWrite);
          co_await e.Point(OpKind::kPoint, st.y, Access::kRead);
        }(ex, *s));
      }
      return s;
    };
  };
}

TEST(DporTest, ATimerIsNotMovedBeforeStepsThatCouldRunAllAlong) {
  const Reached r = ExpectDporMatchesDfs(WorkerBesideSleeper());
  EXPECT_EQ(r.outcomes, (std::set<std::string>{"s"}));
  EXPECT_EQ(r.complete, 1u);
  EXPECT_EQ(r.pruned, 0u);
}

// Three tasks sleep to one deadline, then each writes its own object. No
// task can run, so the clock moves to the deadline, and the first timer to
// fire stands for that move: it conflicts with every step. The other two are
// then due, steps like any other that touch nothing, so they do not race each
// other: one execution per task whose timer fires first (3), where timers that
// all conflicted with every step took 36.
OutcomeSetup SleepersToOneDeadline() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        explicit State(std::string* o) : out(o) {}
        int done = 0;
        std::string* out;
        ~State() { *out = std::to_string(done); }
      };
      auto s = std::make_shared<State>(out);
      for (const char* name : {"a", "b", "c"}) {
        ex.Spawn(name, [](Executor& e, State& st) -> Task<void> {
          co_await e.Sleep(10);
          co_await e.Point(OpKind::kPoint, e.NewObject("own"), Access::kWrite);
          ++st.done;
        }(ex, *s));
      }
      return s;
    };
  };
}

TEST(DporTest, DueSleepsDoNotRaceEachOther) {
  const Reached r = ExpectDporMatchesDfs(SleepersToOneDeadline());
  EXPECT_EQ(r.outcomes, (std::set<std::string>{"3"}));
  EXPECT_EQ(r.complete, 3u);
}

// A producer hands three items to a consumer over a channel, then spawns a
// task; the consumer and that task write one log. Which side of a
// rendezvous came first, which fired first, whether the consumer waited for
// an item or found it buffered: none of these is a race, so DPOR runs one
// execution per order of the log's writes and no more.
OutcomeSetup HandOffs(size_t capacity) {
  return [capacity](std::string* out) -> Setup {
    return [out, capacity](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        State(Executor& e, std::string* o, size_t c)
            : ch(e, "ch", c), log_id(e.NewObject("log")), out(o) {}
        Chan<int> ch;
        ObjectId log_id;
        std::string log;
        std::string* out;
        ~State() { *out = log; }
      };
      auto s = std::make_shared<State>(ex, out, capacity);
      ex.Spawn("producer", [](Executor& e, State& st) -> Task<void> {
        for (int i = 0; i < 3; ++i) co_await st.ch.Send(i);
        e.Spawn("late", [](Executor& e2, State& st2) -> Task<void> {
          co_await e2.Point(OpKind::kPoint, st2.log_id, Access::kWrite);
          st2.log += "l";
        }(e, st));
      }(ex, *s));
      ex.Spawn("consumer", [](Executor& e, State& st) -> Task<void> {
        for (int i = 0; i < 3; ++i) {
          std::optional<int> v = co_await st.ch.Recv();
          co_await e.Point(OpKind::kPoint, st.log_id, Access::kWrite);
          st.log += std::to_string(v.value_or(-1));
        }
      }(ex, *s));
      return s;
    };
  };
}

TEST(DporTest, AHandOffOverAChannelIsNotARace) {
  for (size_t capacity : {0, 1, 2}) {
    SCOPED_TRACE(capacity);
    const Reached r = ExpectDporMatchesDfs(HandOffs(capacity));
    EXPECT_GE(r.outcomes.size(), 2u);
    EXPECT_EQ(r.complete, r.outcomes.size());
  }
}

// Two producers that send without blocking (Chan::TrySend, as containerd's
// event exchange publishes) and a consumer: only the producers' sends race
// (which item takes the earlier slot); a receive commutes with every send but
// its own item's.
OutcomeSetup TrySends() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        State(Executor& e, std::string* o) : ch(e, "ch", 4), out(o) {}
        Chan<int> ch;
        std::string log;
        std::string* out;
        ~State() { *out = log; }
      };
      auto s = std::make_shared<State>(ex, out);
      ex.Spawn("p1", [](Executor& e, State& st) -> Task<void> {
        EXPECT_TRUE(st.ch.TrySend(1));
        co_await e.Yield();
        EXPECT_TRUE(st.ch.TrySend(2));
      }(ex, *s));
      ex.Spawn("p2", [](State& st) -> Task<void> {
        EXPECT_TRUE(st.ch.TrySend(3));
        co_return;
      }(*s));
      ex.Spawn("consumer", [](State& st) -> Task<void> {
        for (int i = 0; i < 3; ++i) {
          std::optional<int> v = co_await st.ch.Recv();
          st.log += std::to_string(v.value_or(-1));
        }
      }(*s));
      return s;
    };
  };
}

TEST(DporTest, ASendWithoutBlockingCommutesWithReceivesOfEarlierItems) {
  const Reached r = ExpectDporMatchesDfs(TrySends());
  EXPECT_EQ(r.outcomes, (std::set<std::string>{"123", "132", "312"}));
  EXPECT_EQ(r.complete, 3u);
}

// A hog holds a mutex across 2 ms while two tasks park on it at t=0: once they
// have waited 1 ms the mutex is fair (Go's starvation mode), and either of the
// two may take it first, whichever parked first (parking touches nothing).
OutcomeSetup StarvedWaiters() {
  return [](std::string* out) -> Setup {
    return [out](Executor& ex) -> std::shared_ptr<void> {
      struct State {
        State(Executor& e, std::string* o) : mu(e, "mu"), out(o) {}
        Mutex mu;
        std::string log;
        std::string* out;
        ~State() { *out = log; }
      };
      auto s = std::make_shared<State>(ex, out);
      ex.Spawn("hog", [](Executor& e, State& st) -> Task<void> {
        co_await st.mu.Lock();
        co_await e.Sleep(2 * kMillisecond);
        st.log += "h";
        st.mu.Unlock();
      }(ex, *s));
      for (const char* name : {"a", "b"}) {
        ex.Spawn(name, [](State& st, std::string n) -> Task<void> {
          co_await st.mu.Lock();
          st.log += n;
          st.mu.Unlock();
        }(*s, name));
      }
      return s;
    };
  };
}

TEST(DporTest, EitherOfTwoStarvedWaitersMayLockFirst) {
  const Reached r = ExpectDporMatchesDfs(StarvedWaiters());
  EXPECT_TRUE(r.outcomes.contains("hab"));
  EXPECT_TRUE(r.outcomes.contains("hba"));
}

}  // namespace
}  // namespace sim
