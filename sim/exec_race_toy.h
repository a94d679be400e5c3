// sim/exec_race_toy.h: the exec-race toy, the small program the issue #13
// checkers are compared on (benchmarks and the DPOR-vs-dfs test share it).
//
// T0 erases an exec id from the store, then marks the exec not running, as two
// critical sections; T1 reads whether the id is listed, then asserts that a
// listed exec is running. Between T0's halves T1 can see the id listed while
// the exec no longer runs: the bug ("toy-assert"). `fixed` holds the store
// lock across both halves in both tasks, so the bug cannot happen. `noise` adds
// that many (lock, increment, unlock) on an unrelated mutex before each task's
// work; `extra` adds bystander tasks doing only that noise.
#ifndef DSIM_SIM_EXEC_RACE_TOY_H_
#define DSIM_SIM_EXEC_RACE_TOY_H_

#include <memory>
#include <string>

#include "sim/mutex.h"
#include "sim/pool.h"
#include "sim/run.h"
#include "sim/tracked.h"

namespace sim::toy {

struct ExecRaceOptions {
  int noise = 0;
  int extra = 0;
  bool fixed = false;
};

struct ExecRaceState {
  explicit ExecRaceState(Executor& e)
      : ex(e),
        store(e, "store"),
        exec(e, "exec"),
        noise(e, "noise"),
        listed(e, "store.has(id)", true),
        running(e, "exec.running", true),
        counter(e, "counter", 0) {}
  Executor& ex;
  Mutex store, exec, noise;
  Tracked<bool> listed;
  Tracked<bool> running;
  Tracked<int> counter;
  bool t1_saw_listed = false;  // what T1 read, for tests comparing outcomes
};

// One noise iteration's critical section, entered with `noise` held. Each
// task runs its noise loop in its own body, as a thread would: a nested
// coroutine per task would cost the program a frame that the loop does not.
inline void BumpCounter(ExecRaceState& s) {
  s.counter.Set(s.counter.Get() + 1);
  s.noise.Unlock();
}

inline Task<void> Noise(ExecRaceState& s, int n) {
  for (int i = 0; i < n; ++i) {
    co_await s.noise.Lock();
    BumpCounter(s);
  }
}

// T0: lock(store){erase id} then lock(exec){running = false}.
inline Task<void> EraseThenStop(ExecRaceState& s, ExecRaceOptions o) {
  for (int i = 0; i < o.noise; ++i) {
    co_await s.noise.Lock();
    BumpCounter(s);
  }
  co_await s.store.Lock();
  s.listed.Set(false);
  if (!o.fixed) s.store.Unlock();
  co_await s.exec.Lock();
  s.running.Set(false);
  s.exec.Unlock();
  if (o.fixed) s.store.Unlock();
}

// T1: lock(store){listed = id in set} then lock(exec){assert(!listed ||
// running)}.
inline Task<void> ListThenCheck(ExecRaceState& s, ExecRaceOptions o) {
  for (int i = 0; i < o.noise; ++i) {
    co_await s.noise.Lock();
    BumpCounter(s);
  }
  co_await s.store.Lock();
  const bool listed = s.listed.Get();
  s.t1_saw_listed = listed;
  if (!o.fixed) s.store.Unlock();
  co_await s.exec.Lock();
  if (listed && !s.running.Get())
    s.ex.Fail("toy-assert", "a listed exec is not running");
  s.exec.Unlock();
  if (o.fixed) s.store.Unlock();
}

// Builds the state and spawns the tasks; the state must outlive their frames.
inline std::shared_ptr<ExecRaceState> SpawnExecRace(Executor& ex,
                                                    ExecRaceOptions o) {
  auto s = std::allocate_shared<ExecRaceState>(
      internal::PoolAllocator<ExecRaceState>(), ex);
  ex.Spawn("T0", EraseThenStop(*s, o));
  ex.Spawn("T1", ListThenCheck(*s, o));
  for (int i = 0; i < o.extra; ++i)
    ex.Spawn("bystander" + std::to_string(i), Noise(*s, o.noise));
  return s;
}

inline Setup ExecRace(ExecRaceOptions o) {
  return [o](Executor& ex) -> std::shared_ptr<void> {
    return SpawnExecRace(ex, o);
  };
}

}  // namespace sim::toy

#endif  // DSIM_SIM_EXEC_RACE_TOY_H_
