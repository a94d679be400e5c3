// Google Benchmark: in-process RPCs per second through the sim transport into
// the fake containerd (serialize, two scheduling points, dispatch, core call,
// serialize the reply).
#include <benchmark/benchmark.h>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/sim_transport.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

constexpr int kCallsPerRun = 20000;

sim::Task<void> Caller(SimTransport& t, std::string method, std::string request,
                       int n, int* ok) {
  for (int i = 0; i < n; ++i) {
    sim::RpcMetadata md{{"containerd-namespace", "bench"}};
    absl::StatusOr<std::string> r =
        co_await t.Unary(method, std::move(md), request);
    *ok += r.ok();
  }
}

void BM_InProcessRpc(benchmark::State& state) {
  const bool tasks_get = state.range(0) == 1;
  int64_t calls = 0;
  for (auto _ : state) {
    sim::RandomStrategy strategy;
    sim::ExecutorOptions o;
    o.max_steps = UINT64_MAX;
    sim::Executor ex(o, strategy);
    FakeContainerd fake(ex);
    Faults faults(ex, {});
    SimTransport transport(ex, faults);
    ServeInProcess(fake, transport);
    cpb::CreateContainerRequest create;
    create.mutable_container()->set_id("c1");
    create.mutable_container()->mutable_runtime()->set_name(
        "io.containerd.runc.v2");
    create.mutable_container()->mutable_spec()->set_value(
        "{\"process\":{\"args\":[\"run\"]}}");
    cpb::CreateContainerResponse created;
    if (!fake.CreateContainer("bench", create, &created).ok())
      state.SkipWithError("create");
    std::string method, request;
    if (tasks_get) {
      tpb::CreateTaskRequest task;
      task.set_container_id("c1");
      tpb::CreateTaskResponse task_resp;
      if (!fake.CreateTask("bench", task, &task_resp).ok())
        state.SkipWithError("task");
      tpb::GetRequest get;
      get.set_container_id("c1");
      method = "/containerd.services.tasks.v1.Tasks/Get";
      request = get.SerializeAsString();
    } else {
      cpb::GetContainerRequest get;
      get.set_id("c1");
      method = "/containerd.services.containers.v1.Containers/Get";
      request = get.SerializeAsString();
    }
    int ok = 0;
    ex.Spawn("caller", Caller(transport, method, request, kCallsPerRun, &ok));
    ex.Run();
    ex.DestroyAllTasks();
    if (ok != kCallsPerRun) state.SkipWithError("an RPC failed");
    calls += kCallsPerRun;
  }
  state.SetItemsProcessed(calls);
}
BENCHMARK(BM_InProcessRpc)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"tasks_get"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fake_containerd

BENCHMARK_MAIN();
