#include "fake_containerd/grpc_serve.h"

#include <memory>

#include "containerd/events/task.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/faults.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/sim_transport.h"
#include "fake_containerd/stdio_fifos.h"
#include "sim/executor.h"
#include "sim/strategy_random.h"
#include "wire/grpc_server.h"

namespace fake_containerd {

namespace {

namespace ev = ::containerd::events;

// Whether the process copies its stdin to stdout (`cat`).
bool CopiesStdin(const Process& p) {
  return p.program.kind == Program::Kind::kReadStdin;
}

// What a started process writes at once (`echo`).
void WriteOutput(const Process& p, const std::string& key, StdioFifos& stdio) {
  if (p.program.kind == Program::Kind::kEcho)
    stdio.Write(key, p.program.output);
}

// Opens and closes the processes' stdio as a shim does: init's at Create,
// an exec's at its Start, each closed at its exit, the rest at the task's
// deletion. Driven by the events, which the fake publishes at those moments
// (a start's before its program runs, an exit's after it wrote).
void FollowStdio(const Envelope& e, Kernel& kernel, StdioFifos& stdio) {
  const std::string& ns = e.namespace_();
  const std::string& topic = e.topic();
  const std::string& value = e.event().value();
  if (topic == "/tasks/create") {
    ev::TaskCreate m;
    if (!m.ParseFromString(value)) return;
    absl::StatusOr<const Process*> p = kernel.Get(ns, m.container_id(), "");
    stdio.Open(ns + "/" + m.container_id(),
               ProcessIo{m.io().stdin(), m.io().stdout(), m.io().stderr(),
                         m.io().terminal()},
               p.ok() && CopiesStdin(**p));
  } else if (topic == "/tasks/start") {
    ev::TaskStart m;
    if (!m.ParseFromString(value)) return;
    absl::StatusOr<const Process*> p = kernel.Get(ns, m.container_id(), "");
    if (p.ok()) WriteOutput(**p, ns + "/" + m.container_id(), stdio);
  } else if (topic == "/tasks/exec-started") {
    ev::TaskExecStarted m;
    if (!m.ParseFromString(value)) return;
    absl::StatusOr<const Process*> p =
        kernel.Get(ns, m.container_id(), m.exec_id());
    if (p.ok()) {
      const std::string key = ns + "/" + m.container_id() + "/" + m.exec_id();
      stdio.Open(key, (*p)->io, CopiesStdin(**p));
      WriteOutput(**p, key, stdio);
    }
  } else if (topic == "/tasks/exit") {
    ev::TaskExit m;
    if (!m.ParseFromString(value)) return;
    const bool init = m.id() == m.container_id();
    stdio.Close(ns + "/" + m.container_id() + (init ? "" : "/" + m.id()));
  } else if (topic == "/tasks/delete") {
    ev::TaskDelete m;
    if (!m.ParseFromString(value)) return;
    stdio.Close(ns + "/" + m.container_id());
    stdio.CloseAll(ns + "/" + m.container_id() + "/");
  }
}

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
  StdioFifos stdio;  // outlives the fake, whose tap uses it
  FakeContainerd fake(ex);
  // Its clients are real (ctr, dockerd): a dockerd SIGKILLs a pid itself when
  // an exit is late, so no pid of the fake may name a host process.
  fake.kernel().set_next_pid(1u << 30);  // see Kernel::set_next_pid
  fake.events().set_tap([&fake, &stdio](const Envelope& e) {
    FollowStdio(e, fake.kernel(), stdio);
  });
  Faults faults(ex, FaultOptions{});
  SimTransport transport(ex, faults);
  // A second at most: a client that stops reading its event stream must not
  // hang every Tasks/Create.
  ServeInProcess(fake, transport,
                 ServeInProcessOptions{.task_create_event_wait = sim::kSecond});
  fake.set_faults(&faults);
  sim::RpcConnection& served =
      options.front ? options.front(ex, fake, transport) : transport;
  absl::StatusOr<std::unique_ptr<wire::GrpcServer>> server =
      wire::GrpcServer::Start(ex, options.listen, served);
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
