#include "fake_containerd/in_process.h"

#include <google/protobuf/empty.pb.h>

#include <utility>

#include "absl/status/status.h"
#include "containerd/services/leases/v1/leases.pb.h"

namespace fake_containerd {

namespace {

namespace lpb = ::containerd::services::leases::v1;
using Empty = ::google::protobuf::Empty;

std::string NamespaceOf(const sim::RpcMetadata& md) {
  for (const auto& [k, v] : md) {
    if (k == "containerd-namespace") return v;
  }
  return "";
}

// A synchronous core call as a handler: the shim-death draw, parse, call,
// serialize, the restart draw.
template <typename Req, typename Resp, typename F>
SimTransport::UnaryHandler Bind(FakeContainerd* f, Faults* faults,
                                std::string method, F call) {
  return [f, faults, method, call](
             sim::RpcMetadata md,
             std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
    Req req;
    if (!req.ParseFromString(bytes)) {
      co_return absl::InternalError("grpc: error unmarshalling request");
    }
    const std::string ns = NamespaceOf(md);
    if constexpr (requires { req.container_id(); }) {
      if (faults->Draw(FaultPoint::kShimDies, method)) {
        (void)f->kernel().KillShim(
            ns, req.container_id());  // no task: nothing to kill
      }
    }
    Resp resp;
    absl::Status s = call(ns, req, &resp);
    if (faults->Draw(FaultPoint::kContainerdRestart, method)) f->Restart();
    if (!s.ok()) co_return s;
    co_return resp.SerializeAsString();
  };
}

// A stream of serialized envelopes over a Subscription.
class EnvelopeStream : public sim::RpcStream {
 public:
  explicit EnvelopeStream(std::unique_ptr<Subscription> sub)
      : sub_(std::move(sub)) {}
  sim::Task<absl::StatusOr<std::optional<std::string>>> Next() override {
    std::optional<Envelope> e = co_await sub_->Next();
    if (!e.has_value()) {
      if (!sub_->final_status().ok()) co_return sub_->final_status();
      co_return std::optional<std::string>();
    }
    co_return std::optional<std::string>(e->SerializeAsString());
  }

 private:
  std::unique_ptr<Subscription> sub_;
};

}  // namespace

void ServeInProcess(FakeContainerd& fake, SimTransport& t,
                    const ServeInProcessOptions& options) {
  FakeContainerd* f = &fake;
  Faults* faults = &t.faults();
  // Binds `prefix + name` to a synchronous core method with a reply message.
  auto unary = [&](const std::string& name, auto tag, auto call) {
    using Req = typename decltype(tag)::first_type;
    using Resp = typename decltype(tag)::second_type;
    t.RegisterUnary(name, Bind<Req, Resp>(f, faults, name, call));
  };
  using std::pair;
  const std::string c = method::kContainersPrefix;
  const std::string k = method::kTasksPrefix;
  const std::string e = method::kEventsPrefix;
  const std::string l = method::kLeasesPrefix;

  unary(c + "Get", pair<cpb::GetContainerRequest, cpb::GetContainerResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->GetContainer(ns, r, o);
        });
  unary(c + "List",
        pair<cpb::ListContainersRequest, cpb::ListContainersResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->ListContainers(ns, r, o);
        });
  unary(c + "Create",
        pair<cpb::CreateContainerRequest, cpb::CreateContainerResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->CreateContainer(ns, r, o);
        });
  unary(c + "Update",
        pair<cpb::UpdateContainerRequest, cpb::UpdateContainerResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->UpdateContainer(ns, r, o);
        });
  unary(c + "Delete", pair<cpb::DeleteContainerRequest, Empty>(),
        [f](const std::string& ns, auto& r, auto*) {
          return f->DeleteContainer(ns, r);
        });

  SimTransport::UnaryHandler create_task =
      Bind<tpb::CreateTaskRequest, tpb::CreateTaskResponse>(
          f, faults, k + "Create",
          [f](const std::string& ns, auto& r, auto* o) {
            return f->CreateTask(ns, r, o);
          });
  if (const sim::Nanos wait = options.task_create_event_wait; wait > 0) {
    create_task =
        [f, wait, inner = std::move(create_task)](
            sim::RpcMetadata md,
            std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
      absl::StatusOr<std::string> reply =
          co_await inner(std::move(md), std::move(bytes));
      // A subscriber that does not read only delays the reply (bounded).
      if (reply.ok()) (void)co_await f->events().AwaitTaken(wait);
      co_return reply;
    };
  }
  t.RegisterUnary(k + "Create", std::move(create_task));
  unary(k + "Start", pair<tpb::StartRequest, tpb::StartResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->Start(ns, r, o);
        });
  unary(k + "Delete", pair<tpb::DeleteTaskRequest, tpb::DeleteResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->DeleteTask(ns, r, o);
        });
  unary(k + "DeleteProcess",
        pair<tpb::DeleteProcessRequest, tpb::DeleteResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->DeleteProcess(ns, r, o);
        });
  unary(k + "Get", pair<tpb::GetRequest, tpb::GetResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->Get(ns, r, o);
        });
  unary(k + "List", pair<tpb::ListTasksRequest, tpb::ListTasksResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->ListTasks(ns, r, o);
        });
  unary(k + "Kill", pair<tpb::KillRequest, Empty>(),
        [f](const std::string& ns, auto& r, auto*) { return f->Kill(ns, r); });
  unary(k + "Exec", pair<tpb::ExecProcessRequest, Empty>(),
        [f](const std::string& ns, auto& r, auto*) { return f->Exec(ns, r); });
  unary(k + "ResizePty", pair<tpb::ResizePtyRequest, Empty>(),
        [f](const std::string& ns, auto& r, auto*) {
          return f->ResizePty(ns, r);
        });
  unary(
      k + "CloseIO", pair<tpb::CloseIORequest, Empty>(),
      [f](const std::string& ns, auto& r, auto*) { return f->CloseIO(ns, r); });
  unary(k + "Pause", pair<tpb::PauseTaskRequest, Empty>(),
        [f](const std::string& ns, auto& r, auto*) { return f->Pause(ns, r); });
  unary(
      k + "Resume", pair<tpb::ResumeTaskRequest, Empty>(),
      [f](const std::string& ns, auto& r, auto*) { return f->Resume(ns, r); });
  unary(k + "Update", pair<tpb::UpdateTaskRequest, Empty>(),
        [f](const std::string& ns, auto& r, auto*) {
          return f->UpdateTask(ns, r);
        });
  unary(k + "ListPids", pair<tpb::ListPidsRequest, tpb::ListPidsResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->ListPids(ns, r, o);
        });
  t.RegisterUnary(
      k + "Wait",
      [f](sim::RpcMetadata md,
          std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
        tpb::WaitRequest req;
        if (!req.ParseFromString(bytes)) {
          co_return absl::InternalError("grpc: error unmarshalling request");
        }
        std::string ns = NamespaceOf(md);
        absl::StatusOr<tpb::WaitResponse> r =
            co_await f->Wait(std::move(ns), std::move(req));
        if (!r.ok()) co_return r.status();
        co_return r->SerializeAsString();
      });

  unary(
      e + "Publish", pair<epb::PublishRequest, Empty>(),
      [f](const std::string& ns, auto& r, auto*) { return f->Publish(ns, r); });
  unary(e + "Forward", pair<epb::ForwardRequest, Empty>(),
        [f](const std::string&, auto& r, auto*) { return f->Forward(r); });
  t.RegisterStream(
      e + "Subscribe",
      [f](sim::RpcMetadata, std::string bytes)
          -> absl::StatusOr<std::unique_ptr<sim::RpcStream>> {
        epb::SubscribeRequest req;
        if (!req.ParseFromString(bytes)) {
          return absl::InternalError("grpc: error unmarshalling request");
        }
        absl::StatusOr<std::unique_ptr<Subscription>> sub = f->Subscribe(req);
        if (!sub.ok()) return sub.status();
        return std::unique_ptr<sim::RpcStream>(
            std::make_unique<EnvelopeStream>(std::move(*sub)));
      });

  unary(l + "Create", pair<lpb::CreateRequest, lpb::CreateResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->CreateLease(ns, r, o);
        });
  unary(l + "Delete", pair<lpb::DeleteRequest, Empty>(),
        [f](const std::string& ns, auto& r, auto*) {
          return f->DeleteLease(ns, r);
        });

  // Namespaces, Version and Introspection need no namespace header.
  const std::string n = method::kNamespacesPrefix;
  unary(n + "Get", pair<npb::GetNamespaceRequest, npb::GetNamespaceResponse>(),
        [f](const std::string&, auto& r, auto* o) {
          return f->GetNamespace(r, o);
        });
  unary(n + "List",
        pair<npb::ListNamespacesRequest, npb::ListNamespacesResponse>(),
        [f](const std::string&, auto& r, auto* o) {
          return f->ListNamespaces(r, o);
        });
  unary(n + "Create",
        pair<npb::CreateNamespaceRequest, npb::CreateNamespaceResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->CreateNamespace(ns, r, o);
        });
  unary(n + "Update",
        pair<npb::UpdateNamespaceRequest, npb::UpdateNamespaceResponse>(),
        [f](const std::string& ns, auto& r, auto* o) {
          return f->UpdateNamespace(ns, r, o);
        });
  unary(n + "Delete", pair<npb::DeleteNamespaceRequest, Empty>(),
        [f](const std::string&, auto& r, auto*) {
          return f->DeleteNamespace(r);
        });
  unary(std::string(method::kVersionPrefix) + "Version",
        pair<Empty, vpb::VersionResponse>(),
        [f](const std::string&, auto&, auto* o) { return f->Version(o); });
  const std::string i = method::kIntrospectionPrefix;
  unary(i + "Plugins", pair<ipb::PluginsRequest, ipb::PluginsResponse>(),
        [f](const std::string&, auto& r, auto* o) { return f->Plugins(r, o); });
  unary(i + "Server", pair<Empty, ipb::ServerResponse>(),
        [f](const std::string&, auto&, auto* o) { return f->Server(o); });
}

}  // namespace fake_containerd
