// daemon_core/containerd_client.cc: each method issues exactly the RPCs its Go
// counterpart issues (containerd v1.6 client.go, container.go, task.go,
// process.go), in the same order, with the same client-side checks
// (FailedPrecondition without an RPC where Go makes one).
#include "daemon_core/containerd_client.h"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/empty.pb.h>

#include "absl/status/status.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "containerd/services/leases/v1/leases.pb.h"
#include "containerd/services/namespaces/v1/namespace.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "containerd/services/version/v1/version.pb.h"
#include "containerd/types/task/task.pb.h"

namespace daemon_core::c8d {

namespace {

namespace containers = ::containerd::services::containers::v1;
namespace tasks = ::containerd::services::tasks::v1;
namespace leases = ::containerd::services::leases::v1;
namespace events = ::containerd::services::events::v1;
namespace namespaces = ::containerd::services::namespaces::v1;
using Empty = ::google::protobuf::Empty;

constexpr char kContainersGet[] =
    "/containerd.services.containers.v1.Containers/Get";
constexpr char kContainersCreate[] =
    "/containerd.services.containers.v1.Containers/Create";
constexpr char kContainersDelete[] =
    "/containerd.services.containers.v1.Containers/Delete";
constexpr char kLeasesCreate[] = "/containerd.services.leases.v1.Leases/Create";
constexpr char kLeasesDelete[] = "/containerd.services.leases.v1.Leases/Delete";
constexpr char kTasksCreate[] = "/containerd.services.tasks.v1.Tasks/Create";
constexpr char kTasksStart[] = "/containerd.services.tasks.v1.Tasks/Start";
constexpr char kTasksGet[] = "/containerd.services.tasks.v1.Tasks/Get";
constexpr char kTasksDelete[] = "/containerd.services.tasks.v1.Tasks/Delete";
constexpr char kTasksDeleteProcess[] =
    "/containerd.services.tasks.v1.Tasks/DeleteProcess";
constexpr char kTasksKill[] = "/containerd.services.tasks.v1.Tasks/Kill";
constexpr char kTasksWait[] = "/containerd.services.tasks.v1.Tasks/Wait";
constexpr char kTasksExec[] = "/containerd.services.tasks.v1.Tasks/Exec";
constexpr char kTasksPause[] = "/containerd.services.tasks.v1.Tasks/Pause";
constexpr char kTasksResume[] = "/containerd.services.tasks.v1.Tasks/Resume";
constexpr char kTasksListPids[] =
    "/containerd.services.tasks.v1.Tasks/ListPids";
constexpr char kTasksCloseIO[] = "/containerd.services.tasks.v1.Tasks/CloseIO";
constexpr char kTasksResizePty[] =
    "/containerd.services.tasks.v1.Tasks/ResizePty";
constexpr char kEventsSubscribe[] =
    "/containerd.services.events.v1.Events/Subscribe";
constexpr char kNamespacesGet[] =
    "/containerd.services.namespaces.v1.Namespaces/Get";
constexpr char kVersionVersion[] =
    "/containerd.services.version.v1.Version/Version";

constexpr char kSpecType[] =
    "types.containerd.io/opencontainers/runtime-spec/1/Spec";
constexpr char kProcessSpecType[] =
    "types.containerd.io/opencontainers/runtime-spec/1/Process";
constexpr uint32_t kSigKill = 9;

ProcessStatus FromProto(::containerd::v1::types::Status s) {
  switch (s) {
    case ::containerd::v1::types::CREATED:
      return ProcessStatus::kCreated;
    case ::containerd::v1::types::RUNNING:
      return ProcessStatus::kRunning;
    case ::containerd::v1::types::STOPPED:
      return ProcessStatus::kStopped;
    case ::containerd::v1::types::PAUSED:
      return ProcessStatus::kPaused;
    case ::containerd::v1::types::PAUSING:
      return ProcessStatus::kPausing;
    default:
      return ProcessStatus::kUnknown;
  }
}

sim::Nanos ToNanos(const ::google::protobuf::Timestamp& t) {
  return VirtualTimeOf(t.seconds(), t.nanos());
}

ContainerInfo FromProto(const containers::Container& c) {
  ContainerInfo info;
  info.id = c.id();
  info.runtime = c.runtime().name();
  info.spec_json = c.spec().value();
  info.labels.insert(c.labels().begin(), c.labels().end());
  return info;
}

}  // namespace

sim::Nanos VirtualTimeOf(int64_t seconds, int32_t nanos) {
  if (seconds < sim::kVirtualEpochUnixSeconds) return 0;
  return static_cast<sim::Nanos>(seconds - sim::kVirtualEpochUnixSeconds) *
             sim::kSecond +
         static_cast<sim::Nanos>(nanos);
}

std::string_view ProcessStatusName(ProcessStatus s) {
  switch (s) {
    case ProcessStatus::kUnknown:
      return "unknown";
    case ProcessStatus::kCreated:
      return "created";
    case ProcessStatus::kRunning:
      return "running";
    case ProcessStatus::kStopped:
      return "stopped";
    case ProcessStatus::kPaused:
      return "paused";
    case ProcessStatus::kPausing:
      return "pausing";
  }
  return "unknown";
}

sim::Task<absl::Status> Client::Call(std::string method,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message* response,
                                     sim::RpcMetadata extra) {
  sim::RpcMetadata md;
  md.reserve(1 + extra.size());
  md.emplace_back("containerd-namespace", namespace_);
  for (auto& kv : extra) md.push_back(std::move(kv));
  // Not a coroutine: the connection's task is the caller's to await, one
  // frame fewer per RPC.
  return conn_.UnaryMessage(std::move(method), std::move(md), request,
                            response);
}

sim::Task<absl::StatusOr<ContainerHandle>> Client::LoadContainer(
    std::string id) {
  containers::GetContainerRequest req;
  req.set_id(id);
  containers::GetContainerResponse resp;
  absl::Status s = co_await Call(kContainersGet, req, &resp);
  if (!s.ok()) co_return s;
  co_return ContainerHandle(this, FromProto(resp.container()));
}

sim::Task<absl::StatusOr<ContainerHandle>> Client::NewContainer(
    ContainerInfo info) {
  // moby's context carries no lease, so the Go client makes one around the
  // create.
  const std::string lease =
      "dsim-lease-" + lease_prefix_ + std::to_string(++next_lease_);
  leases::CreateRequest lreq;
  lreq.set_id(lease);
  leases::CreateResponse lresp;
  absl::Status s = co_await Call(kLeasesCreate, lreq, &lresp);
  if (!s.ok()) co_return s;
  containers::CreateContainerRequest req;
  containers::Container* c = req.mutable_container();
  c->set_id(info.id);
  c->mutable_runtime()->set_name(info.runtime);
  c->mutable_spec()->set_type_url(kSpecType);
  c->mutable_spec()->set_value(info.spec_json);
  c->mutable_labels()->insert(info.labels.begin(), info.labels.end());
  containers::CreateContainerResponse resp;
  // Built outside the co_await: GCC 12 mishandles string-literal temporaries
  // inside one.
  sim::RpcMetadata under_lease{{"containerd-lease", lease}};
  absl::Status created =
      co_await Call(kContainersCreate, req, &resp, std::move(under_lease));
  leases::DeleteRequest dreq;
  dreq.set_id(lease);
  Empty empty;
  (void)co_await Call(kLeasesDelete, dreq,
                      &empty);  // Go defers done(ctx), errors ignored
  if (!created.ok()) co_return created;
  co_return ContainerHandle(this, FromProto(resp.container()));
}

sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> Client::Subscribe(
    std::vector<std::string> filters) {
  events::SubscribeRequest req;
  for (auto& f : filters) req.add_filters(f);
  sim::RpcMetadata md;  // Subscribe needs no namespace: the filters name it
  co_return co_await conn_.ServerStream(kEventsSubscribe, std::move(md),
                                        req.SerializeAsString());
}

sim::Task<absl::Status> Client::GetNamespace(std::string ns) {
  namespaces::GetNamespaceRequest req;
  req.set_name(ns);
  namespaces::GetNamespaceResponse resp;  // only the status is read
  sim::RpcMetadata md;
  md.emplace_back("containerd-namespace", std::move(ns));
  co_return co_await conn_.UnaryMessage(kNamespacesGet, std::move(md), req,
                                        &resp);
}

sim::Task<absl::StatusOr<std::string>> Client::Version() {
  Empty req;
  ::containerd::services::version::v1::VersionResponse resp;
  absl::Status s = co_await Call(kVersionVersion, req, &resp);
  if (!s.ok()) co_return s;
  co_return resp.version();
}

sim::Task<absl::StatusOr<ContainerInfo>> ContainerHandle::Info() {
  containers::GetContainerRequest req;
  req.set_id(info_.id);
  containers::GetContainerResponse resp;
  absl::Status s = co_await client_->Call(kContainersGet, req, &resp);
  if (!s.ok()) co_return s;
  info_ = FromProto(resp.container());
  co_return info_;
}

sim::Task<absl::StatusOr<std::string>> ContainerHandle::Spec() {
  absl::StatusOr<ContainerInfo> info = co_await Info();
  if (!info.ok()) co_return info.status();
  co_return info->spec_json;
}

sim::Task<absl::StatusOr<std::map<std::string, std::string>>>
ContainerHandle::Labels() {
  absl::StatusOr<ContainerInfo> info = co_await Info();
  if (!info.ok()) co_return info.status();
  co_return info->labels;
}

sim::Task<absl::StatusOr<TaskHandle>> ContainerHandle::NewTask(ProcessIO io) {
  containers::GetContainerRequest get;
  get.set_id(info_.id);
  containers::GetContainerResponse got;
  absl::Status s = co_await client_->Call(kContainersGet, get, &got);
  if (!s.ok()) co_return s;
  tasks::CreateTaskRequest req;
  req.set_container_id(info_.id);
  if (io.stdin_path.empty() && io.stdout_path.empty() &&
      client_->init_stdio()) {
    io = client_->init_stdio()(info_.id);
  }
  req.set_stdin(io.stdin_path);
  req.set_stdout(io.stdout_path);
  req.set_stderr(io.stderr_path);
  req.set_terminal(io.terminal);
  tasks::CreateTaskResponse resp;
  s = co_await client_->Call(kTasksCreate, req, &resp);
  if (!s.ok()) co_return s;
  co_return TaskHandle(client_, info_.id, resp.pid());
}

sim::Task<absl::StatusOr<TaskHandle>> ContainerHandle::Task() {
  tasks::GetRequest req;
  req.set_container_id(info_.id);
  tasks::GetResponse resp;
  absl::Status s = co_await client_->Call(kTasksGet, req, &resp);
  if (absl::IsNotFound(s)) {
    co_return absl::NotFoundError("no running task found: " +
                                  std::string(s.message()));
  }
  if (!s.ok()) co_return s;
  co_return TaskHandle(client_, info_.id, resp.process().pid());
}

sim::Task<absl::Status> ContainerHandle::Delete() {
  tasks::GetRequest treq;
  treq.set_container_id(info_.id);
  tasks::GetResponse tresp;
  absl::Status s = co_await client_->Call(kTasksGet, treq, &tresp);
  if (s.ok()) {
    co_return absl::FailedPreconditionError("cannot delete running task " +
                                            info_.id + ": failed precondition");
  }
  if (!absl::IsNotFound(s)) co_return s;
  containers::GetContainerRequest get;
  get.set_id(info_.id);
  containers::GetContainerResponse got;
  s = co_await client_->Call(kContainersGet, get, &got);
  if (!s.ok()) co_return s;
  containers::DeleteContainerRequest del;
  del.set_id(info_.id);
  Empty empty;
  co_return co_await client_->Call(kContainersDelete, del, &empty);
}

sim::Task<absl::StatusOr<uint32_t>> ProcessHandle::Start() {
  tasks::StartRequest req;
  req.set_container_id(container_id_);
  req.set_exec_id(exec_id_);
  tasks::StartResponse resp;
  absl::Status s = co_await client_->Call(kTasksStart, req, &resp);
  if (!s.ok()) co_return s;
  pid_ = resp.pid();
  co_return pid_;
}

sim::Task<absl::Status> ProcessHandle::Kill(uint32_t signal, bool all) {
  tasks::KillRequest req;
  req.set_container_id(container_id_);
  req.set_exec_id(exec_id_);
  req.set_signal(signal);
  req.set_all(all);
  Empty empty;
  co_return co_await client_->Call(kTasksKill, req, &empty);
}

sim::Task<absl::StatusOr<ProcessState>> ProcessHandle::Status() {
  tasks::GetRequest req;
  req.set_container_id(container_id_);
  req.set_exec_id(exec_id_);
  tasks::GetResponse resp;
  absl::Status s = co_await client_->Call(kTasksGet, req, &resp);
  if (!s.ok()) co_return s;
  co_return ProcessState{resp.process().pid(),
                         FromProto(resp.process().status()),
                         resp.process().exit_status()};
}

sim::Task<absl::StatusOr<ExitStatus>> ProcessHandle::Wait() {
  tasks::WaitRequest req;
  req.set_container_id(container_id_);
  req.set_exec_id(exec_id_);
  tasks::WaitResponse resp;
  absl::Status s = co_await client_->Call(kTasksWait, req, &resp);
  if (!s.ok()) co_return s;
  co_return ExitStatus{resp.exit_status(), ToNanos(resp.exited_at())};
}

sim::Task<absl::Status> ProcessHandle::CloseIO() {
  tasks::CloseIORequest req;
  req.set_container_id(container_id_);
  req.set_exec_id(exec_id_);
  req.set_stdin(true);
  Empty empty;
  co_return co_await client_->Call(kTasksCloseIO, req, &empty);
}

sim::Task<absl::Status> ProcessHandle::Resize(uint32_t w, uint32_t h) {
  tasks::ResizePtyRequest req;
  req.set_container_id(container_id_);
  req.set_exec_id(exec_id_);
  req.set_width(w);
  req.set_height(h);
  Empty empty;
  co_return co_await client_->Call(kTasksResizePty, req, &empty);
}

sim::Task<absl::StatusOr<ExitStatus>> ProcessHandle::Delete() {
  absl::StatusOr<ProcessState> st = co_await Status();
  if (!st.ok()) co_return st.status();
  // The Go client's checks differ: a task must be stopped (or unknown), a
  // process must not be running, paused or pausing.
  const bool is_task = exec_id_.empty();
  const ProcessStatus s0 = st->status;
  const bool refuse =
      is_task ? (s0 != ProcessStatus::kStopped && s0 != ProcessStatus::kUnknown)
              : (s0 == ProcessStatus::kRunning ||
                 s0 == ProcessStatus::kPaused || s0 == ProcessStatus::kPausing);
  if (refuse) {
    const std::string state(ProcessStatusName(st->status));
    co_return absl::FailedPreconditionError(
        is_task ? "task must be stopped before deletion: " + state +
                      ": failed precondition"
                : "current process state: " + state +
                      ", process must be stopped before deletion: failed "
                      "precondition");
  }
  tasks::DeleteResponse resp;
  absl::Status s;
  if (is_task) {
    tasks::DeleteTaskRequest req;
    req.set_container_id(container_id_);
    s = co_await client_->Call(kTasksDelete, req, &resp);
  } else {
    tasks::DeleteProcessRequest req;
    req.set_container_id(container_id_);
    req.set_exec_id(exec_id_);
    s = co_await client_->Call(kTasksDeleteProcess, req, &resp);
  }
  if (!s.ok()) co_return s;
  co_return ExitStatus{resp.exit_status(), ToNanos(resp.exited_at())};
}

namespace {

sim::Task<absl::StatusOr<ExitStatus>> WaitInBackground(ProcessHandle p) {
  co_return co_await p.Wait();
}

}  // namespace

sim::Task<absl::StatusOr<ExitStatus>> TaskHandle::ForceDelete() {
  sim::Executor& ex = client_->executor();
  auto waiter = ex.Spawn("wait " + container_id_, WaitInBackground(*this),
                         sim::SpawnOptions{.background = true});
  absl::Status killed = co_await Kill(kSigKill, /*all=*/true);
  if (!killed.ok() && !absl::IsNotFound(killed) &&
      !absl::IsFailedPrecondition(killed)) {
    co_return killed;
  }
  if (killed.ok())
    (void)co_await ex.Join(waiter);  // NotFound: it already exited
  co_return co_await Delete();
}

sim::Task<absl::StatusOr<ProcessHandle>> TaskHandle::Exec(std::string exec_id,
                                                          std::string spec_json,
                                                          ProcessIO io) {
  tasks::ExecProcessRequest req;
  req.set_container_id(container_id_);
  req.set_exec_id(exec_id);
  req.set_stdin(io.stdin_path);
  req.set_stdout(io.stdout_path);
  req.set_stderr(io.stderr_path);
  req.set_terminal(io.terminal);
  req.mutable_spec()->set_type_url(kProcessSpecType);
  req.mutable_spec()->set_value(spec_json);
  Empty empty;
  absl::Status s = co_await client_->Call(kTasksExec, req, &empty);
  if (!s.ok()) co_return s;
  co_return ProcessHandle(client_, container_id_, std::move(exec_id), 0);
}

sim::Task<absl::StatusOr<ProcessHandle>> TaskHandle::LoadProcess(
    std::string exec_id) {
  ProcessHandle p(client_, container_id_, std::move(exec_id), 0);
  absl::StatusOr<ProcessState> st = co_await p.Status();
  if (!st.ok()) co_return st.status();
  co_return ProcessHandle(client_, container_id_, p.exec_id(), st->pid);
}

sim::Task<absl::Status> TaskHandle::Pause() {
  tasks::PauseTaskRequest req;
  req.set_container_id(container_id_);
  Empty empty;
  co_return co_await client_->Call(kTasksPause, req, &empty);
}

sim::Task<absl::Status> TaskHandle::Resume() {
  tasks::ResumeTaskRequest req;
  req.set_container_id(container_id_);
  Empty empty;
  co_return co_await client_->Call(kTasksResume, req, &empty);
}

sim::Task<absl::StatusOr<std::vector<uint32_t>>> TaskHandle::Pids() {
  tasks::ListPidsRequest req;
  req.set_container_id(container_id_);
  tasks::ListPidsResponse resp;
  absl::Status s = co_await client_->Call(kTasksListPids, req, &resp);
  if (!s.ok()) co_return s;
  std::vector<uint32_t> pids;
  for (const auto& p : resp.processes()) pids.push_back(p.pid());
  co_return pids;
}

}  // namespace daemon_core::c8d
