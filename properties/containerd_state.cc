#include "properties/containerd_state.h"

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"

namespace properties {

namespace {

namespace cpb = ::containerd::services::containers::v1;
namespace tpb = ::containerd::services::tasks::v1;

ContainerdState::Status FromNumber(int n) {
  return n >= 1 && n <= 4 ? static_cast<ContainerdState::Status>(n)
                          : ContainerdState::Status::kUnknown;
}

}  // namespace

std::string_view StatusName(ContainerdState::Status s) {
  switch (s) {
    case ContainerdState::Status::kCreated:
      return "created";
    case ContainerdState::Status::kRunning:
      return "running";
    case ContainerdState::Status::kStopped:
      return "stopped";
    case ContainerdState::Status::kPaused:
      return "paused";
    case ContainerdState::Status::kUnknown:
      break;
  }
  return "unknown";
}

ContainerdState StateOfFake(fake_containerd::FakeContainerd& fake,
                            const std::string& ns, const ExecKeys& execs) {
  ContainerdState state;
  absl::StatusOr<std::vector<const fake_containerd::ContainerRecord*>> listed =
      fake.containers().List(ns, {});
  if (listed.ok()) {
    for (const auto* c : *listed) state.containers.push_back(c->id());
  }
  for (const fake_containerd::Process* p : fake.kernel().ListTasks(ns)) {
    state.tasks[p->container_id] = FromNumber(static_cast<int>(p->state));
    state.pids[p->container_id] = p->pid;
    if (p->state == fake_containerd::ProcessState::kStopped)
      state.exit_statuses[p->container_id] = p->exit_status;
  }
  for (const auto& [cid, exec_id] : execs) {
    absl::StatusOr<const fake_containerd::Process*> p =
        fake.kernel().Get(ns, cid, exec_id);
    if (p.ok()) {
      state.execs[{cid, exec_id}] = FromNumber(static_cast<int>((*p)->state));
    }
  }
  return state;
}

sim::Task<absl::StatusOr<ContainerdState>> StateOverRpc(
    sim::RpcConnection& conn, std::string ns, ExecKeys execs) {
  ContainerdState state;
  sim::RpcMetadata md = {{"containerd-namespace", ns}};
  cpb::ListContainersRequest list_containers;
  absl::StatusOr<std::string> reply =
      co_await conn.Unary("/containerd.services.containers.v1.Containers/List",
                          md, list_containers.SerializeAsString());
  if (!reply.ok()) co_return reply.status();
  cpb::ListContainersResponse containers;
  containers.ParseFromString(*reply);
  for (const auto& c : containers.containers()) {
    state.containers.push_back(c.id());
  }
  tpb::ListTasksRequest list_tasks;
  reply = co_await conn.Unary("/containerd.services.tasks.v1.Tasks/List", md,
                              list_tasks.SerializeAsString());
  if (!reply.ok()) co_return reply.status();
  tpb::ListTasksResponse tasks;
  tasks.ParseFromString(*reply);
  for (const auto& t : tasks.tasks()) {
    state.tasks[t.id()] = FromNumber(t.status());
    state.pids[t.id()] = t.pid();
  }
  for (const auto& [cid, exec_id] : execs) {
    tpb::GetRequest get;
    get.set_container_id(cid);
    get.set_exec_id(exec_id);
    reply = co_await conn.Unary("/containerd.services.tasks.v1.Tasks/Get", md,
                                get.SerializeAsString());
    if (absl::IsNotFound(reply.status())) continue;
    if (!reply.ok()) co_return reply.status();
    tpb::GetResponse got;
    got.ParseFromString(*reply);
    state.execs[{cid, exec_id}] = FromNumber(got.process().status());
  }
  co_return state;
}

}  // namespace properties
