// RapidCheck: for random small task programs, any seed run twice gives the same
// hash, and a replay of a recorded run gives the same hash again.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <vector>

#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/notify.h"
#include "sim/run.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"
#include "sim/strategy_replay.h"
#include "sim/tracked.h"

namespace sim {
namespace {

enum class Instr : int {
  kYield,
  kLockUnlock,
  kSleep,
  kSend,
  kRecv,
  kWrite,
  kChoose,
  kNotify,
  kWait
};

struct Program {
  std::vector<std::vector<std::pair<Instr, int>>>
      tasks;  // (instruction, argument 0..2)
};

struct World {
  explicit World(Executor& ex)
      : m0(ex, "m0"),
        m1(ex, "m1"),
        ch(ex, "ch", 2),
        done(ex, "done"),
        field(ex, "field", 0) {}
  Mutex m0, m1;
  Chan<int> ch;
  Notify done;
  Tracked<int> field;
};

Task<void> Interpret(Executor& ex, World& w,
                     std::vector<std::pair<Instr, int>> code) {
  for (auto [op, arg] : code) {
    switch (op) {
      case Instr::kYield:
        co_await ex.Yield();
        break;
      case Instr::kLockUnlock: {
        Mutex& m = arg % 2 ? w.m1 : w.m0;
        co_await m.Lock();
        co_await ex.Yield();
        m.Unlock();
        break;
      }
      case Instr::kSleep:
        co_await ex.Sleep(static_cast<Nanos>(arg + 1) * kMillisecond);
        break;
      case Instr::kSend:
        co_await w.ch.Send(arg);
        break;
      case Instr::kRecv:
        (void)co_await w.ch.Recv();
        break;
      case Instr::kWrite:
        w.field.Set(arg);
        break;
      case Instr::kChoose:
        ex.Choose(static_cast<uint64_t>(arg + 2), Stream::kWorkload);
        break;
      case Instr::kNotify:
        w.done.Fire();
        break;
      case Instr::kWait:
        (void)co_await w.done.WaitFor(static_cast<Nanos>(arg + 1) * kSecond);
        break;
    }
  }
}

sim::Setup Build(const Program& p) {
  return [p](Executor& ex) -> std::shared_ptr<void> {
    auto w = std::make_shared<World>(ex);
    for (size_t i = 0; i < p.tasks.size(); ++i) {
      ex.Spawn("t" + std::to_string(i), Interpret(ex, *w, p.tasks[i]));
    }
    return w;
  };
}

rc::Gen<Program> GenProgram() {
  auto instr = rc::gen::pair(rc::gen::cast<Instr>(rc::gen::inRange(0, 9)),
                             rc::gen::inRange(0, 3));
  auto task = rc::gen::container<std::vector<std::pair<Instr, int>>>(instr);
  return rc::gen::map(
      rc::gen::resize(
          8, rc::gen::nonEmpty(rc::gen::container<
                               std::vector<std::vector<std::pair<Instr, int>>>>(
                 rc::gen::resize(10, task)))),
      [](std::vector<std::vector<std::pair<Instr, int>>> t) {
        return Program{std::move(t)};
      });
}

RC_GTEST_PROP(DeterminismProperty, SameSeedTwiceGivesSameHash, ()) {
  const Program p = *GenProgram();
  ExecutorOptions o;
  o.seed = *rc::gen::arbitrary<uint64_t>();
  o.max_steps = 10000;
  o.fire_timers_early = *rc::gen::arbitrary<bool>();
  const auto diff = CheckDeterminism(o, Build(p));
  RC_ASSERT(!diff.has_value());
  PctStrategy a, b;
  RC_ASSERT(RunOnce(o, a, Build(p)).result.trace_hash ==
            RunOnce(o, b, Build(p)).result.trace_hash);
}

RC_GTEST_PROP(DeterminismProperty, ReplayOfARecordedRunGivesSameHash, ()) {
  const Program p = *GenProgram();
  ExecutorOptions o;
  o.seed = *rc::gen::arbitrary<uint64_t>();
  o.max_steps = 10000;
  o.fire_timers_early = *rc::gen::arbitrary<bool>();
  RandomStrategy random;
  RunRecord original = RunOnce(o, random, Build(p));
  ReplayStrategy replay(original.decisions);
  RunRecord again = RunOnce(o, replay, Build(p));
  RC_ASSERT(again.result.outcome == original.result.outcome);
  RC_ASSERT(again.result.trace_hash == original.result.trace_hash);
}

}  // namespace
}  // namespace sim
