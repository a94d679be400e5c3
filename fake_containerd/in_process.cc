#include "fake_containerd/in_process.h"

#include <google/protobuf/empty.pb.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
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

// What a transport's calls are served with.
struct Served {
  FakeContainerd* f;
  Faults* faults;
  ServeInProcessOptions options;
};

using UnaryHandler = std::function<sim::Task<absl::StatusOr<std::string>>(
    const Served& s, sim::RpcMetadata metadata, std::string request)>;
using StreamHandler =
    std::function<absl::StatusOr<std::unique_ptr<sim::RpcStream>>(
        const Served& s, sim::RpcMetadata metadata, std::string request)>;

// A synchronous core call as a handler: the shim-death draw, parse, call,
// serialize, the restart draw. The handler lives as long as the process (the
// table below), so its captures outlive every call.
template <typename Req, typename Resp, typename F>
UnaryHandler Bind(std::string method, F call) {
  return [method = std::move(method), call](
             const Served& s, sim::RpcMetadata md,
             std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
    Req req;
    if (!req.ParseFromString(bytes)) {
      co_return absl::InternalError("grpc: error unmarshalling request");
    }
    const std::string ns = NamespaceOf(md);
    if constexpr (requires { req.container_id(); }) {
      if (s.faults->Draw(FaultPoint::kShimDies, method)) {
        (void)s.f->kernel().KillShim(
            ns, req.container_id());  // no task: nothing to kill
      }
    }
    Resp resp;
    absl::Status st = call(s.f, ns, req, &resp);
    if (s.faults->Draw(FaultPoint::kContainerdRestart, method)) s.f->Restart();
    if (!st.ok()) co_return st;
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

// Every method, bound once per process: ServeInProcess gives each transport
// its own Served over this table.
struct Table {
  // Looked up by full method name, never iterated.
  absl::flat_hash_map<std::string, UnaryHandler> unary;
  absl::flat_hash_map<std::string, StreamHandler> streams;
};

Table BuildTable() {
  Table table;
  // Binds `prefix + name` to a synchronous core method with a reply message.
  auto unary = [&](const std::string& name, auto tag, auto call) {
    using Req = typename decltype(tag)::first_type;
    using Resp = typename decltype(tag)::second_type;
    table.unary[name] = Bind<Req, Resp>(name, call);
  };
  using std::pair;
  const std::string c = method::kContainersPrefix;
  const std::string k = method::kTasksPrefix;
  const std::string e = method::kEventsPrefix;
  const std::string l = method::kLeasesPrefix;

  unary(c + "Get", pair<cpb::GetContainerRequest, cpb::GetContainerResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->GetContainer(ns, r, o);
        });
  unary(c + "List",
        pair<cpb::ListContainersRequest, cpb::ListContainersResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->ListContainers(ns, r, o);
        });
  unary(c + "Create",
        pair<cpb::CreateContainerRequest, cpb::CreateContainerResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->CreateContainer(ns, r, o);
        });
  unary(c + "Update",
        pair<cpb::UpdateContainerRequest, cpb::UpdateContainerResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->UpdateContainer(ns, r, o);
        });
  unary(c + "Delete", pair<cpb::DeleteContainerRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->DeleteContainer(ns, r);
        });

  // With ServeInProcessOptions::task_create_event_wait, a successful create
  // replies only once the subscribers took its events (bounded).
  table.unary[k + "Create"] =
      [inner = Bind<tpb::CreateTaskRequest, tpb::CreateTaskResponse>(
           k + "Create", [](FakeContainerd* f, const std::string& ns, auto& r,
                            auto* o) { return f->CreateTask(ns, r, o); })](
          const Served& s, sim::RpcMetadata md,
          std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
    absl::StatusOr<std::string> reply =
        co_await inner(s, std::move(md), std::move(bytes));
    const sim::Nanos wait = s.options.task_create_event_wait;
    if (reply.ok() && wait > 0) (void)co_await s.f->events().AwaitTaken(wait);
    co_return reply;
  };
  unary(k + "Start", pair<tpb::StartRequest, tpb::StartResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->Start(ns, r, o);
        });
  unary(k + "Delete", pair<tpb::DeleteTaskRequest, tpb::DeleteResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->DeleteTask(ns, r, o);
        });
  unary(k + "DeleteProcess",
        pair<tpb::DeleteProcessRequest, tpb::DeleteResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->DeleteProcess(ns, r, o);
        });
  unary(k + "Get", pair<tpb::GetRequest, tpb::GetResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->Get(ns, r, o);
        });
  unary(k + "List", pair<tpb::ListTasksRequest, tpb::ListTasksResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->ListTasks(ns, r, o);
        });
  unary(k + "Kill", pair<tpb::KillRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->Kill(ns, r);
        });
  unary(k + "Exec", pair<tpb::ExecProcessRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->Exec(ns, r);
        });
  unary(k + "ResizePty", pair<tpb::ResizePtyRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->ResizePty(ns, r);
        });
  unary(k + "CloseIO", pair<tpb::CloseIORequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->CloseIO(ns, r);
        });
  unary(k + "Pause", pair<tpb::PauseTaskRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->Pause(ns, r);
        });
  unary(k + "Resume", pair<tpb::ResumeTaskRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->Resume(ns, r);
        });
  unary(k + "Update", pair<tpb::UpdateTaskRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->UpdateTask(ns, r);
        });
  unary(k + "ListPids", pair<tpb::ListPidsRequest, tpb::ListPidsResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->ListPids(ns, r, o);
        });
  table.unary[k + "Wait"] =
      [](const Served& s, sim::RpcMetadata md,
         std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
    tpb::WaitRequest req;
    if (!req.ParseFromString(bytes)) {
      co_return absl::InternalError("grpc: error unmarshalling request");
    }
    std::string ns = NamespaceOf(md);
    absl::StatusOr<tpb::WaitResponse> r =
        co_await s.f->Wait(std::move(ns), std::move(req));
    if (!r.ok()) co_return r.status();
    co_return r->SerializeAsString();
  };

  unary(e + "Publish", pair<epb::PublishRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->Publish(ns, r);
        });
  unary(e + "Forward", pair<epb::ForwardRequest, Empty>(),
        [](FakeContainerd* f, const std::string&, auto& r, auto*) {
          return f->Forward(r);
        });
  table.streams[e + "Subscribe"] =
      [](const Served& s, sim::RpcMetadata,
         std::string bytes) -> absl::StatusOr<std::unique_ptr<sim::RpcStream>> {
    epb::SubscribeRequest req;
    if (!req.ParseFromString(bytes)) {
      return absl::InternalError("grpc: error unmarshalling request");
    }
    absl::StatusOr<std::unique_ptr<Subscription>> sub = s.f->Subscribe(req);
    if (!sub.ok()) return sub.status();
    return std::unique_ptr<sim::RpcStream>(
        std::make_unique<EnvelopeStream>(std::move(*sub)));
  };

  unary(l + "Create", pair<lpb::CreateRequest, lpb::CreateResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->CreateLease(ns, r, o);
        });
  unary(l + "Delete", pair<lpb::DeleteRequest, Empty>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto*) {
          return f->DeleteLease(ns, r);
        });

  // Namespaces, Version and Introspection need no namespace header.
  const std::string n = method::kNamespacesPrefix;
  unary(n + "Get", pair<npb::GetNamespaceRequest, npb::GetNamespaceResponse>(),
        [](FakeContainerd* f, const std::string&, auto& r, auto* o) {
          return f->GetNamespace(r, o);
        });
  unary(n + "List",
        pair<npb::ListNamespacesRequest, npb::ListNamespacesResponse>(),
        [](FakeContainerd* f, const std::string&, auto& r, auto* o) {
          return f->ListNamespaces(r, o);
        });
  unary(n + "Create",
        pair<npb::CreateNamespaceRequest, npb::CreateNamespaceResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->CreateNamespace(ns, r, o);
        });
  unary(n + "Update",
        pair<npb::UpdateNamespaceRequest, npb::UpdateNamespaceResponse>(),
        [](FakeContainerd* f, const std::string& ns, auto& r, auto* o) {
          return f->UpdateNamespace(ns, r, o);
        });
  unary(n + "Delete", pair<npb::DeleteNamespaceRequest, Empty>(),
        [](FakeContainerd* f, const std::string&, auto& r, auto*) {
          return f->DeleteNamespace(r);
        });
  unary(std::string(method::kVersionPrefix) + "Version",
        pair<Empty, vpb::VersionResponse>(),
        [](FakeContainerd* f, const std::string&, auto&, auto* o) {
          return f->Version(o);
        });
  const std::string i = method::kIntrospectionPrefix;
  unary(i + "Plugins", pair<ipb::PluginsRequest, ipb::PluginsResponse>(),
        [](FakeContainerd* f, const std::string&, auto& r, auto* o) {
          return f->Plugins(r, o);
        });
  unary(i + "Server", pair<Empty, ipb::ServerResponse>(),
        [](FakeContainerd* f, const std::string&, auto&, auto* o) {
          return f->Server(o);
        });
  return table;
}

class InProcessServices : public SimTransport::Services {
 public:
  explicit InProcessServices(Served served) : served_(served) {}
  std::optional<sim::Task<absl::StatusOr<std::string>>> Unary(
      const std::string& method, sim::RpcMetadata metadata,
      std::string request) override {
    return Call(table_.unary, method, std::move(metadata), std::move(request));
  }
  std::optional<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      const std::string& method, sim::RpcMetadata metadata,
      std::string request) override {
    return Call(table_.streams, method, std::move(metadata),
                std::move(request));
  }

 private:
  // The handler's call, or nullopt when `handlers` has none for `method`.
  template <typename Handlers>
  auto Call(const Handlers& handlers, const std::string& method,
            sim::RpcMetadata metadata, std::string request)
      -> std::optional<typename Handlers::mapped_type::result_type> {
    auto it = handlers.find(method);
    if (it == handlers.end()) return std::nullopt;
    return it->second(served_, std::move(metadata), std::move(request));
  }
  // Built on first use, never destroyed (no order of destruction at exit).
  static const Table& TheTable() {
    static const Table* table = new Table(BuildTable());
    return *table;
  }
  const Served served_;
  const Table& table_ = TheTable();
};

}  // namespace

void ServeInProcess(FakeContainerd& fake, SimTransport& transport,
                    const ServeInProcessOptions& options) {
  transport.Serve(std::make_unique<InProcessServices>(
      Served{&fake, &transport.faults(), options}));
}

}  // namespace fake_containerd
