// Google Benchmark for the runtime: scheduling steps, mutex handoff, channel
// ping-pong. Figures go to docs/BENCHMARKS.md with the command that produced
// them.
#include <benchmark/benchmark.h>

#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"

namespace sim {
namespace {

constexpr int kYieldsPerTask = 100000;

Task<void> Spin(Executor& ex, int n) {
  for (int i = 0; i < n; ++i) co_await ex.Yield();
}

template <typename S>
void BM_SchedulingSteps(benchmark::State& state) {
  const int tasks = static_cast<int>(state.range(0));
  uint64_t steps = 0;
  for (auto _ : state) {
    S strategy;
    ExecutorOptions o;
    o.max_steps = UINT64_MAX;
    Executor ex(o, strategy);
    for (int t = 0; t < tasks; ++t) ex.Spawn("spin", Spin(ex, kYieldsPerTask));
    steps += ex.Run().steps;
  }
  state.SetItemsProcessed(static_cast<int64_t>(steps));
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK_TEMPLATE(BM_SchedulingSteps, RandomStrategy)
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_SchedulingSteps, PctStrategy)
    ->Arg(2)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond);

Task<void> LockLoop(Mutex& mu, int n) {
  for (int i = 0; i < n; ++i) {
    co_await mu.Lock();
    mu.Unlock();
  }
}

void BM_MutexHandoff(benchmark::State& state) {
  uint64_t acquisitions = 0;
  for (auto _ : state) {
    RandomStrategy strategy;
    ExecutorOptions o;
    o.max_steps = UINT64_MAX;
    Executor ex(o, strategy);
    Mutex mu(ex, "mu");
    ex.Spawn("a", LockLoop(mu, kYieldsPerTask));
    ex.Spawn("b", LockLoop(mu, kYieldsPerTask));
    ex.Run();
    ex.DestroyAllTasks();
    acquisitions += 2 * kYieldsPerTask;
  }
  state.SetItemsProcessed(static_cast<int64_t>(acquisitions));
}
BENCHMARK(BM_MutexHandoff)->Unit(benchmark::kMillisecond);

Task<void> Ping(Chan<int>& out, Chan<int>& in, int n) {
  for (int i = 0; i < n; ++i) {
    co_await out.Send(i);
    (void)co_await in.Recv();
  }
}
Task<void> Pong(Chan<int>& in, Chan<int>& out, int n) {
  for (int i = 0; i < n; ++i) {
    auto v = co_await in.Recv();
    co_await out.Send(*v);
  }
}

void BM_ChanPingPong(benchmark::State& state) {
  const size_t capacity = static_cast<size_t>(state.range(0));
  uint64_t round_trips = 0;
  for (auto _ : state) {
    RandomStrategy strategy;
    ExecutorOptions o;
    o.max_steps = UINT64_MAX;
    Executor ex(o, strategy);
    Chan<int> a(ex, "ping", capacity), b(ex, "pong", capacity);
    ex.Spawn("ping", Ping(a, b, kYieldsPerTask));
    ex.Spawn("pong", Pong(a, b, kYieldsPerTask));
    ex.Run();
    ex.DestroyAllTasks();
    round_trips += kYieldsPerTask;
  }
  state.SetItemsProcessed(static_cast<int64_t>(round_trips));
}
BENCHMARK(BM_ChanPingPong)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sim

BENCHMARK_MAIN();
