#include "fake_containerd/grpc_serve.h"

#include <memory>

#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/faults.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/sim_transport.h"
#include "sim/executor.h"
#include "sim/strategy_random.h"
#include "wire/grpc_server.h"

namespace fake_containerd {

namespace {

// Keeps the run alive while serving: requests are background tasks.
sim::Task<void> ServeForever(sim::Executor& ex) {
  for (;;) co_await ex.Sleep(3600 * sim::kSecond);
}

}  // namespace

absl::Status ServeOverGrpc(const GrpcServeOptions& options) {
  sim::RandomStrategy strategy;
  sim::ExecutorOptions ex_options;
  ex_options.detect_races = false;
  ex_options.max_steps = UINT64_MAX;
  sim::Executor ex(ex_options, strategy);
  FakeContainerd fake(ex);
  Faults faults(ex, FaultOptions{});
  SimTransport transport(ex, faults);
  // A second at most: a client that stops reading its event stream must not
  // hang every Tasks/Create.
  ServeInProcess(fake, transport,
                 ServeInProcessOptions{.task_create_event_wait = sim::kSecond});
  fake.set_faults(&faults);
  absl::StatusOr<std::unique_ptr<wire::GrpcServer>> server =
      wire::GrpcServer::Start(ex, options.listen, transport);
  if (!server.ok()) return server.status();
  (*server)->loop().set_stop(options.stop);
  ex.set_outside(&(*server)->loop());
  ex.Spawn("serve", ServeForever(ex));
  if (options.on_ready) options.on_ready();
  ex.Run();
  (*server)->Shutdown();
  ex.DestroyAllTasks();
  return absl::OkStatus();
}

}  // namespace fake_containerd
