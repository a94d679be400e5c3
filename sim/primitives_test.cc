#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/notify.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_random.h"
#include "sim/wait_group.h"

namespace sim {
namespace {

struct CounterProgram {
  explicit CounterProgram(Executor& ex) : mu(ex, "counter lock") {}
  Mutex mu;
  int counter = 0;
  int max_inside = 0;
  int inside = 0;
};

TEST(MutexTest, ExcludesAcrossEverySchedule) {
  sim::Setup setup = [](Executor& ex) -> std::shared_ptr<void> {
    auto p = std::make_shared<CounterProgram>(ex);
    for (int i = 0; i < 3; ++i) {
      ex.Spawn("inc-" + std::to_string(i),
               [](Executor& e, CounterProgram& s) -> Task<void> {
                 co_await s.mu.Lock();
                 s.max_inside = std::max(s.max_inside, ++s.inside);
                 int v = s.counter;
                 co_await e.Yield();  // a window inside the critical section
                 s.counter = v + 1;
                 --s.inside;
                 s.mu.Unlock();
               }(ex, *p));
    }
    return p;
  };
  DfsStrategy dfs;
  uint64_t runs = 0;
  while (dfs.HasMore()) {
    std::shared_ptr<void> keep;
    RunRecord rec =
        RunOnce({}, dfs, [&](Executor& ex) { return keep = setup(ex); });
    auto* p = static_cast<CounterProgram*>(keep.get());
    if (rec.result.outcome == RunOutcome::kPruned)
      continue;  // a sleep-set twin
    ASSERT_EQ(rec.result.outcome, RunOutcome::kCompleted);
    EXPECT_EQ(p->counter, 3);
    EXPECT_EQ(p->max_inside, 1);
    ++runs;
  }
  EXPECT_GT(runs, 1u);
}

TEST(RWMutexTest, ReadersShareWritersExcludeAndAWaitingWriterBlocksNewReaders) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  RWMutex rw(ex, "ExecStore");
  std::vector<std::string> log;
  // reader-1 holds a read lock; the writer parks; reader-2 must wait behind the
  // writer.
  ex.Spawn(
      "reader-1",
      [](Executor& e, RWMutex& m, std::vector<std::string>* l) -> Task<void> {
        co_await m.RLock();
        l->push_back("r1 in");
        for (int i = 0; i < 20; ++i) co_await e.Yield();
        l->push_back("r1 out");
        m.RUnlock();
      }(ex, rw, &log));
  ex.Spawn(
      "writer",
      [](Executor& e, RWMutex& m, std::vector<std::string>* l) -> Task<void> {
        while (m.readers() == 0) co_await e.Yield();
        co_await m.Lock();
        l->push_back("w in");
        m.Unlock();
      }(ex, rw, &log));
  ex.Spawn(
      "reader-2",
      [](Executor& e, RWMutex& m, std::vector<std::string>* l) -> Task<void> {
        while (m.readers() == 0 && !m.write_locked()) co_await e.Yield();
        for (int i = 0; i < 5; ++i) co_await e.Yield();
        co_await m.RLock();
        l->push_back(m.write_locked() ? "r2 in with writer" : "r2 in");
        m.RUnlock();
      }(ex, rw, &log));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front(), "r1 in");
  auto pos = [&](const std::string& s) {
    return std::find(log.begin(), log.end(), s) - log.begin();
  };
  EXPECT_LT(pos("r1 out"), pos("w in"));  // the writer waited for the reader
  EXPECT_EQ(std::count(log.begin(), log.end(), "r2 in with writer"), 0);
}

TEST(RWMutexTest, TwoReadersHoldAtOnce) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  RWMutex rw(ex, "store");
  int max_readers = 0;
  for (int i = 0; i < 2; ++i) {
    ex.Spawn("reader", [](Executor& e, RWMutex& m, int* mx) -> Task<void> {
      co_await m.RLock();
      for (int k = 0; k < 50 && m.readers() < 2; ++k) co_await e.Yield();
      *mx = std::max(*mx, m.readers());
      m.RUnlock();
    }(ex, rw, &max_readers));
  }
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_EQ(max_readers, 2);
}

TEST(NotifyTest, WakesAllWaitersAndTimesOut) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Notify started(ex, "exec started");
  Notify never(ex, "never");
  int woke = 0;
  bool notified = true;
  for (int i = 0; i < 3; ++i) {
    ex.Spawn("waiter", [](Notify& n, int* w) -> Task<void> {
      if (co_await n.Wait()) ++*w;
    }(started, &woke));
  }
  ex.Spawn("timeout", [](Executor& e, Notify& n, bool* got) -> Task<void> {
    *got = co_await n.WaitFor(2 * kSecond);
    EXPECT_EQ(e.now(), 2 * kSecond);
  }(ex, never, &notified));
  ex.Spawn("firer", [](Notify& n) -> Task<void> {
    n.Fire();
    co_return;
  }(started));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_EQ(woke, 3);
  EXPECT_FALSE(notified);
}

TEST(CondTest, ProducerConsumer) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Mutex mu(ex, "queue lock");
  Cond cv(ex, "queue nonempty");
  std::vector<int> queue, got;
  ex.Spawn("consumer",
           [](Mutex& m, Cond& c, std::vector<int>* q,
              std::vector<int>* out) -> Task<void> {
             co_await m.Lock();
             while (out->size() < 3) {
               while (q->empty()) co_await c.Wait(m);
               out->push_back(q->front());
               q->erase(q->begin());
             }
             m.Unlock();
           }(mu, cv, &queue, &got));
  ex.Spawn(
      "producer",
      [](Executor& e, Mutex& m, Cond& c, std::vector<int>* q) -> Task<void> {
        for (int i = 1; i <= 3; ++i) {
          co_await m.Lock();
          q->push_back(i);
          c.Signal();
          m.Unlock();
          co_await e.Yield();
        }
      }(ex, mu, cv, &queue));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
}

TEST(ChanTest, UnbufferedIsARendezvousAndCloseDrains) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    RandomStrategy strategy;
    ExecutorOptions o;
    o.seed = seed;
    Executor ex(o, strategy);
    Chan<int> ch(ex, "events");
    std::vector<int> got;
    bool sender_done_before_recv = false;
    ex.Spawn("sender", [](Chan<int>& c) -> Task<void> {
      for (int i = 0; i < 3; ++i) co_await c.Send(i);
      c.Close();
    }(ch));
    ex.Spawn("receiver",
             [](Executor& e, Chan<int>& c, std::vector<int>* out,
                bool* early) -> Task<void> {
               for (int i = 0; i < 5; ++i) co_await e.Yield();
               *early = c.closed();  // an unbuffered sender cannot finish
                                     // without a receiver
               while (auto v = co_await c.Recv()) out->push_back(*v);
             }(ex, ch, &got, &sender_done_before_recv));
    ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
    EXPECT_EQ(got, (std::vector<int>{0, 1, 2}));
    EXPECT_FALSE(sender_done_before_recv);
  }
}

TEST(ChanTest, BufferedBlocksWhenFullAndKeepsOrder) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Chan<std::string> ch(ex, "queue", 2);
  size_t max_size = 0;
  std::vector<std::string> got;
  ex.Spawn("producer", [](Chan<std::string>& c, size_t* mx) -> Task<void> {
    for (int i = 0; i < 6; ++i) {
      co_await c.Send("m" + std::to_string(i));
      *mx = std::max(*mx, c.size());
    }
    c.Close();
  }(ch, &max_size));
  ex.Spawn(
      "consumer",
      [](Chan<std::string>& c, std::vector<std::string>* out) -> Task<void> {
        while (auto v = co_await c.Recv()) out->push_back(*v);
      }(ch, &got));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_LE(max_size, 2u);
  EXPECT_EQ(got,
            (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4", "m5"}));
}

TEST(ChanTest, SendOnClosedChannelIsAViolation) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Chan<int> ch(ex, "done", 1);
  ch.Close();
  ex.Spawn("late-sender",
           [](Chan<int>& c) -> Task<void> { co_await c.Send(1); }(ch));
  RunResult r = ex.Run();
  ASSERT_EQ(r.outcome, RunOutcome::kViolation);
  EXPECT_EQ(r.violation->invariant, "send-on-closed-channel");
  ex.DestroyAllTasks();
}

TEST(ChanTest, TrySendFailsWhenFullAndIsAViolationOnceClosed) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  Chan<int> ch(ex, "queue", 2);
  std::vector<bool> sent;
  ex.Spawn("producer", [](Chan<int>& c, std::vector<bool>* out) -> Task<void> {
    for (int i = 0; i < 3; ++i) out->push_back(c.TrySend(i));
    c.Close();
    out->push_back(c.TrySend(3));
    co_return;
  }(ch, &sent));
  RunResult r = ex.Run();
  EXPECT_EQ(sent, (std::vector<bool>{true, true, false, false}));
  ASSERT_EQ(r.outcome, RunOutcome::kViolation);
  EXPECT_EQ(r.violation->invariant, "send-on-closed-channel");
  EXPECT_EQ(ch.size(), 2u);
  ex.DestroyAllTasks();
}

TEST(WaitGroupTest, WaitReturnsAfterEveryDone) {
  RandomStrategy strategy;
  Executor ex({}, strategy);
  WaitGroup wg(ex, "workers");
  int finished = 0, seen_by_waiter = -1;
  wg.Add(3);
  for (int i = 0; i < 3; ++i) {
    ex.Spawn("worker", [](Executor& e, WaitGroup& w, int* f) -> Task<void> {
      co_await e.Yield();
      ++*f;
      w.Done();
    }(ex, wg, &finished));
  }
  ex.Spawn("waiter", [](WaitGroup& w, int* f, int* seen) -> Task<void> {
    co_await w.Wait();
    *seen = *f;
  }(wg, &finished, &seen_by_waiter));
  ASSERT_EQ(ex.Run().outcome, RunOutcome::kCompleted);
  EXPECT_EQ(seen_by_waiter, 3);
}

TEST(YieldTest, IsASchedulingPointThatLetsOthersRun) {
  // With dfs, both orders of the two appends are reachable only because Yield
  // is a point. The appends touch plain memory, invisible to footprints, so
  // sleep sets are off here.
  DfsStrategy dfs(DfsOptions{.sleep_sets = false});
  std::set<std::string> outcomes;
  while (dfs.HasMore()) {
    auto log = std::make_shared<std::string>();
    RunOnce({}, dfs, [&](Executor& ex) -> std::shared_ptr<void> {
      for (const char* name : {"a", "b"}) {
        ex.Spawn(name,
                 [](Executor& e, std::string* l, std::string n) -> Task<void> {
                   co_await e.Yield();
                   *l += n;
                 }(ex, log.get(), name));
      }
      return log;
    });
    outcomes.insert(*log);
  }
  EXPECT_EQ(outcomes, (std::set<std::string>{"ab", "ba"}));
}

}  // namespace
}  // namespace sim
