// properties/stack.h: the whole simulated stack for one run: the fake
// containerd served in process on the sim transport, the daemon's disk, and the
// daemon model talking to containerd with its event monitor running. Tests, the
// RPC table and scenarios build on it.
#ifndef DSIM_PROPERTIES_STACK_H_
#define DSIM_PROPERTIES_STACK_H_

#include <memory>
#include <vector>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "daemon_core/daemon.h"
#include "daemon_core/disk.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/sim_transport.h"
#include "properties/live_stack.h"

namespace properties {

struct Stack {
  Stack(sim::Executor& ex, daemon_core::libcontainerd::Design design,
        daemon_core::Mutation mutation = daemon_core::Mutation::kNone,
        bool live_restore = false,
        fake_containerd::FaultOptions fault_options = {})
      : ex(ex),
        fake(ex),
        faults(ex, fault_options),
        transport(ex, faults),
        daemon_conn(transport, /*count_rpcs=*/false),
        disk(ex) {
    options.design = design;
    options.mutation = mutation;
    options.live_restore = live_restore;
    fake_containerd::ServeInProcess(fake, transport);
    fake.set_faults(&faults);
    daemon =
        std::make_unique<daemon_core::Daemon>(ex, daemon_conn, disk, options);
    daemon->StartEventMonitor();
  }
  // Containers containerd still has for the daemon's namespace (a leak when the
  // daemon runs none of them).
  size_t ContainerdContainers() {
    return fake.containers().List("moby", {})->size();
  }

  // A containerd container `id` running `args`, left behind by an earlier
  // daemon (created directly on the fake, no RPC): with `task`, also its task,
  // started. Returns the first error.
  absl::Status LeaveStaleContainer(const std::string& id,
                                   const std::vector<std::string>& args,
                                   bool task) {
    namespace cpb = ::containerd::services::containers::v1;
    namespace tpb = ::containerd::services::tasks::v1;
    cpb::CreateContainerRequest leftover;
    leftover.mutable_container()->set_id(id);
    leftover.mutable_container()->mutable_runtime()->set_name(
        "io.containerd.runc.v2");
    leftover.mutable_container()->mutable_spec()->set_value(
        "{\"process\":{\"args\":" + daemon_core::ArgsJson(args) + "}}");
    cpb::CreateContainerResponse created;
    absl::Status s = fake.CreateContainer("moby", leftover, &created);
    if (!s.ok() || !task) return s;
    tpb::CreateTaskRequest create;
    create.set_container_id(id);
    tpb::CreateTaskResponse task_created;
    s = fake.CreateTask("moby", create, &task_created);
    if (!s.ok()) return s;
    tpb::StartRequest start;
    start.set_container_id(id);
    tpb::StartResponse started;
    return fake.Start("moby", start, &started);
  }

  // dockerd is killed and started again: the old daemon's tasks stop, a new
  // daemon subscribes to events and restores from the disk. API calls the
  // caller had in flight must be cancelled by the caller.
  sim::Task<void> RestartDaemon() {
    CrashDaemon();
    co_await StartDaemon();
  }
  // The two halves, for a daemon that stays down a while.
  void CrashDaemon() {
    daemon->Crash();
    disk.Remount();
  }
  // dockerd gets SIGTERM: daemon.Shutdown (without live-restore it stops
  // every running container), then the process exits, as CrashDaemon. API
  // calls the caller had in flight must be cancelled by the caller first
  // (the API server closes before the shutdown).
  sim::Task<void> ShutdownDaemon() {
    co_await daemon->ShutdownDaemon();
    disk.Remount();
  }
  sim::Task<void> StartDaemon() {
    retired.push_back(std::move(daemon));
    options.exec_id_prefix = "d" + std::to_string(retired.size() + 1) + "-";
    daemon =
        std::make_unique<daemon_core::Daemon>(ex, daemon_conn, disk, options);
    daemon->StartEventMonitor();
    co_await daemon->EventMonitorReady();
    co_await daemon->Restore();
  }

  sim::Executor& ex;
  fake_containerd::FakeContainerd fake;
  fake_containerd::Faults faults;
  fake_containerd::SimTransport transport;
  // The daemon's connection: shows the events it receives to a tap.
  TappedConnection daemon_conn;
  daemon_core::Disk disk;
  daemon_core::Daemon::Options options;
  std::unique_ptr<daemon_core::Daemon> daemon;
  // Crashed daemons: their objects outlive the run, as cancelled tasks may
  // still be referenced by the trace.
  std::vector<std::unique_ptr<daemon_core::Daemon>> retired;
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_STACK_H_
