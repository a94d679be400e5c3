// The footprint audit (sim/footprint_audit.h) must see a dependency that no
// footprint names, and nothing in a program whose footprints are honest.
#include "sim/footprint_audit.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/strategy_random.h"

namespace sim {
namespace {

// Two tasks each read a shared int at one point and write it at the next
// (a lost update). `honest`: the points name the int's object; otherwise they
// touch nothing, the dependency the audit must find.
Setup LostUpdate(bool honest) {
  return [honest](Executor& ex) -> std::shared_ptr<void> {
    struct State {
      ObjectId x_id = kNoObject;
      int x = 0;
    };
    auto s = std::make_shared<State>();
    s->x_id = honest ? ex.NewObject("x") : kNoObject;
    for (const char* name : {"a", "b"}) {
      ex.Spawn(name, [](Executor& e, State& st) -> Task<void> {
        co_await e.Point(OpKind::kPoint, st.x_id, Access::kRead);
        const int v = st.x;
        co_await e.Point(OpKind::kPoint, st.x_id, Access::kWrite);
        st.x = v + 1;
        e.Note("x=" + std::to_string(st.x));
      }(ex, *s));
    }
    return s;
  };
}

AuditReport Audit(const Setup& program, uint64_t seed) {
  ExecutorOptions o;
  o.seed = seed;
  RandomStrategy random;
  return AuditFootprints(o, program, random);
}

TEST(FootprintAuditTest, FindsAnUpdateNoFootprintNames) {
  size_t findings = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed)
    findings += Audit(LostUpdate(/*honest=*/false), seed).findings.size();
  EXPECT_GT(findings, 0u);
}

TEST(FootprintAuditTest, HonestFootprintsHaveNoFinding) {
  uint64_t swapped = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const AuditReport r = Audit(LostUpdate(/*honest=*/true), seed);
    EXPECT_TRUE(r.base_error.empty()) << r.base_error;
    EXPECT_TRUE(r.findings.empty()) << r.findings.front().difference;
    swapped += r.swapped;
  }
  EXPECT_GT(swapped, 0u);  // independent steps (the spawns' starts) swapped
}

// A rendezvous whose sender and receiver both wait: which of the two fires
// first makes the match, and neither order may change the trace of either.
TEST(FootprintAuditTest, AnUnbufferedMatchRecordsTheSameEitherWay) {
  const sim::Setup program = [](Executor& ex) -> std::shared_ptr<void> {
    auto ch = std::make_shared<Chan<int>>(ex, "ch", 0);
    for (int i = 0; i < 3; ++i) {
      ex.Spawn("sender", [](Chan<int>& c, int v) -> Task<void> {
        co_await c.Send(v);
      }(*ch, i));
      ex.Spawn("receiver",
               [](Chan<int>& c) -> Task<void> { co_await c.Recv(); }(*ch));
    }
    return ch;
  };
  uint64_t swapped = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const AuditReport r = Audit(program, seed);
    EXPECT_TRUE(r.findings.empty()) << r.findings.front().difference;
    swapped += r.swapped;
  }
  EXPECT_GT(swapped, 0u);
}

// Two waiters parked at one instant on a mutex held across 2 ms: parking
// touches nothing, so their order must not decide who may lock once the
// mutex turns fair.
TEST(FootprintAuditTest, StarvedWaitersDoNotDependOnTheirParkingOrder) {
  const sim::Setup program = [](Executor& ex) -> std::shared_ptr<void> {
    auto mu = std::make_shared<Mutex>(ex, "mu");
    ex.Spawn("hog", [](Executor& e, Mutex& m) -> Task<void> {
      co_await m.Lock();
      co_await e.Sleep(2 * kMillisecond);
      m.Unlock();
    }(ex, *mu));
    for (const char* name : {"a", "b", "c"}) {
      ex.Spawn(name, [](Mutex& m) -> Task<void> {
        co_await m.Lock();
        m.Unlock();
      }(*mu));
    }
    return mu;
  };
  for (uint64_t seed = 1; seed <= 16; ++seed) {
    const AuditReport r = Audit(program, seed);
    EXPECT_TRUE(r.findings.empty()) << r.findings.front().difference;
  }
}

}  // namespace
}  // namespace sim
