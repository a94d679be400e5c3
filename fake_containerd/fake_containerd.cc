// fake_containerd/fake_containerd.cc: one function per containerd RPC. Over 400
// lines because it is the whole Containers, Tasks, Events and Leases surface;
// each function checks the namespace and arguments in containerd's order, then
// delegates to the store or the kernel.
#include "fake_containerd/fake_containerd.h"

#include <string>
#include <string_view>

#include "containerd/events/container.pb.h"
#include "fake_containerd/errors.h"
#include "fake_containerd/identifiers.h"
#include "fake_containerd/kernel_events.h"
#include "fake_containerd/program.h"
#include "fake_containerd/timestamps.h"

namespace fake_containerd {
namespace {

namespace ev = ::containerd::events;

ProcessIo IoOf(const std::string& in, const std::string& out,
               const std::string& err, bool terminal) {
  return ProcessIo{in, out, err, terminal};
}

// runc's containerd.runc.v1.ProcessDetails{exec_id = 1}, encoded by hand (no
// proto for it).
google::protobuf::Any ProcessDetails(const std::string& exec_id) {
  google::protobuf::Any any;
  any.set_type_url("containerd.runc.v1.ProcessDetails");
  std::string v;
  v.push_back(0x0a);  // field 1, length-delimited
  size_t n = exec_id.size();
  while (n >= 0x80) {
    v.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  v.push_back(static_cast<char>(n));
  v += exec_id;
  any.set_value(std::move(v));
  return any;
}

void FillDelete(const ExitResult& r, tpb::DeleteResponse* resp) {
  resp->set_id(r.exec_id);
  resp->set_pid(r.pid);
  resp->set_exit_status(r.exit_status);
  SetExitTime(r.exited, r.exited_at, resp->mutable_exited_at());
}

}  // namespace

FakeContainerd::FakeContainerd(sim::Executor& ex)
    : ex_(ex),
      events_(ex),
      containers_(ex),
      kernel_(ex,
              [this](const KernelEvent& e) { PublishKernelEvent(e, events_); }),
      namespaces_object_(ex.NewObject("containerd namespaces")),
      leases_object_(ex.NewObject("containerd leases")) {}

void FakeContainerd::WroteIn(const std::string& ns) {
  ex_.Touch(namespaces_object_,
            namespaces_.Exists(ns) ? sim::Access::kRead : sim::Access::kWrite);
  namespaces_.Touch(ns);
}

void FakeContainerd::Count(const char* prefix, const char* name) {
  rpcs_.Record(prefix, name);
}

absl::Status FakeContainerd::CheckNamespace(const std::string& ns) {
  if (ns.empty()) return ErrFailedPrecondition("namespace is required");
  if (absl::Status s = ValidateIdentifier(ns); !s.ok()) {
    return absl::InvalidArgumentError("namespace validation: " +
                                      std::string(s.message()));
  }
  return absl::OkStatus();
}

absl::Status FakeContainerd::CheckContainer(const std::string& ns,
                                            const std::string& id) const {
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  return containers_.Get(ns, id).status();
}

void FakeContainerd::FillProcess(const Process& p,
                                 containerd::v1::types::Process* out) const {
  out->set_container_id(p.container_id);
  out->set_id(p.is_init() ? p.container_id : p.exec_id);
  out->set_pid(p.pid);
  out->set_status(static_cast<containerd::v1::types::Status>(p.state));
  out->set_stdin(p.io.stdin_path);
  out->set_stdout(p.io.stdout_path);
  out->set_stderr(p.io.stderr_path);
  out->set_terminal(p.io.terminal);
  out->set_exit_status(p.exit_status);
  SetExitTime(p.exited, p.exited_at, out->mutable_exited_at());
}

// --- Containers ---

absl::Status FakeContainerd::GetContainer(const std::string& ns,
                                          const cpb::GetContainerRequest& req,
                                          cpb::GetContainerResponse* resp) {
  Count(method::kContainersPrefix, "Get");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  absl::StatusOr<const ContainerRecord*> c = containers_.Get(ns, req.id());
  if (!c.ok()) return c.status();
  *resp->mutable_container() = **c;
  return absl::OkStatus();
}

absl::Status FakeContainerd::ListContainers(
    const std::string& ns, const cpb::ListContainersRequest& req,
    cpb::ListContainersResponse* resp) {
  Count(method::kContainersPrefix, "List");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  absl::StatusOr<std::vector<const ContainerRecord*>> list = containers_.List(
      ns, std::vector<std::string>(req.filters().begin(), req.filters().end()));
  if (!list.ok()) return list.status();
  for (const ContainerRecord* c : *list) *resp->add_containers() = *c;
  return absl::OkStatus();
}

absl::Status FakeContainerd::CreateContainer(
    const std::string& ns, const cpb::CreateContainerRequest& req,
    cpb::CreateContainerResponse* resp) {
  Count(method::kContainersPrefix, "Create");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  absl::StatusOr<const ContainerRecord*> c =
      containers_.Create(ns, req.container(), ex_.now());
  if (!c.ok()) return c.status();
  WroteIn(ns);
  *resp->mutable_container() = **c;
  ev::ContainerCreate e;
  e.set_id((*c)->id());
  e.set_image((*c)->image());
  e.mutable_runtime()->set_name((*c)->runtime().name());
  if ((*c)->runtime().has_options()) {
    *e.mutable_runtime()->mutable_options() = (*c)->runtime().options();
  }
  events_.Publish(ns, "/containers/create", e);
  return absl::OkStatus();
}

absl::Status FakeContainerd::UpdateContainer(
    const std::string& ns, const cpb::UpdateContainerRequest& req,
    cpb::UpdateContainerResponse* resp) {
  Count(method::kContainersPrefix, "Update");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  std::vector<std::string> paths(req.update_mask().paths().begin(),
                                 req.update_mask().paths().end());
  absl::StatusOr<const ContainerRecord*> c =
      containers_.Update(ns, req.container(), paths, ex_.now());
  if (!c.ok()) return c.status();
  *resp->mutable_container() = **c;
  ev::ContainerUpdate e;
  e.set_id((*c)->id());
  e.set_image((*c)->image());
  *e.mutable_labels() = (*c)->labels();
  e.set_snapshot_key((*c)->snapshot_key());
  events_.Publish(ns, "/containers/update", e);
  return absl::OkStatus();
}

absl::Status FakeContainerd::DeleteContainer(
    const std::string& ns, const cpb::DeleteContainerRequest& req) {
  Count(method::kContainersPrefix, "Delete");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  // No task check: as in containerd 1.6.20, a live task is orphaned.
  if (absl::Status s = containers_.Delete(ns, req.id()); !s.ok()) return s;
  ev::ContainerDelete e;
  e.set_id(req.id());
  events_.Publish(ns, "/containers/delete", e);
  return absl::OkStatus();
}

// --- Tasks ---

absl::Status FakeContainerd::CreateTask(const std::string& ns,
                                        const tpb::CreateTaskRequest& req,
                                        tpb::CreateTaskResponse* resp) {
  Count(method::kTasksPrefix, "Create");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  absl::StatusOr<const ContainerRecord*> c =
      containers_.Get(ns, req.container_id());
  if (!c.ok()) return c.status();
  absl::StatusOr<Program> program = ProgramFromSpecJson((*c)->spec().value());
  if (!program.ok()) return program.status();
  absl::StatusOr<uint32_t> pid = kernel_.CreateTask(
      ns, req.container_id(), *std::move(program),
      IoOf(req.stdin(), req.stdout(), req.stderr(), req.terminal()));
  if (!pid.ok()) return pid.status();
  resp->set_container_id(req.container_id());
  resp->set_pid(*pid);
  return absl::OkStatus();
}

absl::Status FakeContainerd::Start(const std::string& ns,
                                   const tpb::StartRequest& req,
                                   tpb::StartResponse* resp) {
  Count(method::kTasksPrefix, "Start");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  if (!req.exec_id().empty() && faults_ != nullptr) {
    // Only a start that would succeed is made to fail (only then is a draw
    // spent); it then fails exactly as a missing binary does.
    absl::StatusOr<const Process*> p =
        kernel_.Get(ns, req.container_id(), req.exec_id());
    if (p.ok() && (*p)->state == ProcessState::kCreated &&
        (*p)->program.kind != Program::Kind::kMissingBinary &&
        faults_->Draw(FaultPoint::kExecStartFails,
                      std::string(method::kTasksPrefix) + "Start")) {
      kernel_.MakeStartFail(ns, req.container_id(), req.exec_id());
    }
  }
  absl::StatusOr<uint32_t> pid =
      kernel_.Start(ns, req.container_id(), req.exec_id());
  if (!pid.ok()) return pid.status();
  resp->set_pid(*pid);
  return absl::OkStatus();
}

absl::Status FakeContainerd::DeleteTask(const std::string& ns,
                                        const tpb::DeleteTaskRequest& req,
                                        tpb::DeleteResponse* resp) {
  Count(method::kTasksPrefix, "Delete");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  absl::StatusOr<ExitResult> r = kernel_.DeleteTask(ns, req.container_id());
  if (!r.ok()) return r.status();
  FillDelete(*r, resp);
  return absl::OkStatus();
}

absl::Status FakeContainerd::DeleteProcess(const std::string& ns,
                                           const tpb::DeleteProcessRequest& req,
                                           tpb::DeleteResponse* resp) {
  Count(method::kTasksPrefix, "DeleteProcess");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  absl::StatusOr<ExitResult> r =
      kernel_.DeleteProcess(ns, req.container_id(), req.exec_id());
  if (!r.ok()) return r.status();
  FillDelete(*r, resp);
  return absl::OkStatus();
}

absl::Status FakeContainerd::Get(const std::string& ns,
                                 const tpb::GetRequest& req,
                                 tpb::GetResponse* resp) {
  Count(method::kTasksPrefix, "Get");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  absl::StatusOr<const Process*> p =
      kernel_.Get(ns, req.container_id(), req.exec_id());
  if (!p.ok()) return p.status();
  FillProcess(**p, resp->mutable_process());
  return absl::OkStatus();
}

absl::Status FakeContainerd::ListTasks(const std::string& ns,
                                       const tpb::ListTasksRequest&,
                                       tpb::ListTasksResponse* resp) {
  Count(method::kTasksPrefix, "List");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  // The 1.6 server ignores the filter; orphaned tasks are listed too.
  for (const Process* p : kernel_.ListTasks(ns))
    FillProcess(*p, resp->add_tasks());
  return absl::OkStatus();
}

absl::Status FakeContainerd::Kill(const std::string& ns,
                                  const tpb::KillRequest& req) {
  Count(method::kTasksPrefix, "Kill");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  return kernel_.Kill(ns, req.container_id(), req.exec_id(), req.signal(),
                      req.all());
}

absl::Status FakeContainerd::Exec(const std::string& ns,
                                  const tpb::ExecProcessRequest& req) {
  Count(method::kTasksPrefix, "Exec");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  // containerd checks the exec id before it looks the container up.
  if (req.exec_id().empty())
    return absl::InvalidArgumentError("exec id cannot be empty");
  if (absl::Status s = containers_.Get(ns, req.container_id()).status();
      !s.ok())
    return s;
  absl::StatusOr<Program> program = ProgramFromSpecJson(req.spec().value());
  if (!program.ok()) return program.status();
  return kernel_.Exec(
      ns, req.container_id(), req.exec_id(), *std::move(program),
      IoOf(req.stdin(), req.stdout(), req.stderr(), req.terminal()));
}

absl::Status FakeContainerd::ResizePty(const std::string& ns,
                                       const tpb::ResizePtyRequest& req) {
  Count(method::kTasksPrefix, "ResizePty");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  return kernel_.Get(ns, req.container_id(), req.exec_id()).status();
}

absl::Status FakeContainerd::CloseIO(const std::string& ns,
                                     const tpb::CloseIORequest& req) {
  Count(method::kTasksPrefix, "CloseIO");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  if (!req.stdin())
    return kernel_.Get(ns, req.container_id(), req.exec_id()).status();
  return kernel_.CloseStdin(ns, req.container_id(), req.exec_id());
}

absl::Status FakeContainerd::Pause(const std::string& ns,
                                   const tpb::PauseTaskRequest& req) {
  Count(method::kTasksPrefix, "Pause");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  return kernel_.Pause(ns, req.container_id());
}

absl::Status FakeContainerd::Resume(const std::string& ns,
                                    const tpb::ResumeTaskRequest& req) {
  Count(method::kTasksPrefix, "Resume");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  return kernel_.Resume(ns, req.container_id());
}

absl::Status FakeContainerd::ListPids(const std::string& ns,
                                      const tpb::ListPidsRequest& req,
                                      tpb::ListPidsResponse* resp) {
  Count(method::kTasksPrefix, "ListPids");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  absl::StatusOr<std::vector<PidInfo>> pids =
      kernel_.ListPids(ns, req.container_id());
  if (!pids.ok()) return pids.status();
  for (const PidInfo& p : *pids) {
    containerd::v1::types::ProcessInfo* info = resp->add_processes();
    info->set_pid(p.pid);
    if (!p.exec_id.empty()) *info->mutable_info() = ProcessDetails(p.exec_id);
  }
  return absl::OkStatus();
}

absl::Status FakeContainerd::UpdateTask(const std::string& ns,
                                        const tpb::UpdateTaskRequest& req) {
  Count(method::kTasksPrefix, "Update");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    return s;
  return kernel_.Get(ns, req.container_id(), "").status();
}

sim::Task<absl::StatusOr<tpb::WaitResponse>> FakeContainerd::Wait(
    std::string ns, tpb::WaitRequest req) {
  Count(method::kTasksPrefix, "Wait");
  if (absl::Status s = CheckContainer(ns, req.container_id()); !s.ok())
    co_return s;
  absl::StatusOr<ExitResult> r =
      co_await kernel_.Wait(ns, req.container_id(), req.exec_id());
  if (!r.ok()) co_return r.status();
  tpb::WaitResponse resp;
  resp.set_exit_status(r->exit_status);
  SetExitTime(r->exited, r->exited_at, resp.mutable_exited_at());
  co_return resp;
}

// --- Events ---

absl::Status FakeContainerd::Publish(const std::string& ns,
                                     const epb::PublishRequest& req) {
  Count(method::kEventsPrefix, "Publish");
  if (ns.empty()) {
    return ErrFailedPrecondition(
        "failed publishing event: namespace is required");
  }
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  const std::string& topic = req.topic();
  if (!topic.starts_with('/')) {
    return ErrInvalidArgument("envelope topic " + Quote(topic) +
                              ": must start with '/'");
  }
  for (size_t begin = 1; begin <= topic.size();) {
    size_t end = topic.find('/', begin);
    if (end == std::string::npos) end = topic.size();
    if (absl::Status s = ValidateIdentifier(topic.substr(begin, end - begin));
        !s.ok()) {
      return absl::InvalidArgumentError("envelope topic " + Quote(topic) +
                                        ": " + std::string(s.message()));
    }
    begin = end + 1;
  }
  // No type_url check: a prefixed URL passes through verbatim, as observed.
  events_.Publish(ns, topic, req.event());
  return absl::OkStatus();
}

absl::Status FakeContainerd::Forward(const epb::ForwardRequest& req) {
  Count(method::kEventsPrefix, "Forward");
  if (absl::Status s = ValidateIdentifier(req.envelope().namespace_());
      !s.ok()) {
    return absl::InvalidArgumentError("event envelope has invalid namespace: " +
                                      std::string(s.message()));
  }
  events_.Forward(req.envelope());
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Subscription>> FakeContainerd::Subscribe(
    const epb::SubscribeRequest& req) {
  Count(method::kEventsPrefix, "Subscribe");
  return events_.Subscribe(
      std::vector<std::string>(req.filters().begin(), req.filters().end()));
}

}  // namespace fake_containerd

namespace fake_containerd {

absl::Status FakeContainerd::CreateLease(
    const std::string& ns,
    const ::containerd::services::leases::v1::CreateRequest& req,
    ::containerd::services::leases::v1::CreateResponse* resp) {
  Count(method::kLeasesPrefix, "Create");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  ex_.Touch(leases_object_, sim::Access::kWrite);
  if (absl::Status s = leases_.Create(ns, req.id()); !s.ok()) return s;
  WroteIn(ns);
  resp->mutable_lease()->set_id(req.id());
  SetVirtualTime(ex_.now(), resp->mutable_lease()->mutable_created_at());
  return absl::OkStatus();
}

absl::Status FakeContainerd::DeleteLease(
    const std::string& ns,
    const ::containerd::services::leases::v1::DeleteRequest& req) {
  Count(method::kLeasesPrefix, "Delete");
  if (absl::Status s = CheckNamespace(ns); !s.ok()) return s;
  ex_.Touch(leases_object_, sim::Access::kWrite);
  return leases_.Delete(ns, req.id());
}

void FakeContainerd::Restart() {
  ex_.Note("containerd restarts");
  events_.CloseAll(absl::UnavailableError("error reading from server: EOF"));
}

}  // namespace fake_containerd
