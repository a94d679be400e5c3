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
#include "sim/message_cast.h"

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

using Message = ::google::protobuf::Message;

// A method's handler, in messages (the Services::UnaryMessage contract).
using UnaryHandler = std::function<sim::Task<absl::Status>(
    const Served& s, sim::RpcMetadata metadata, const Message& request,
    Message* response)>;
using StreamHandler =
    std::function<absl::StatusOr<std::unique_ptr<sim::RpcStream>>(
        const Served& s, sim::RpcMetadata metadata, std::string request)>;

// A unary method: its handler, and its message types for calls in bytes.
struct UnaryMethod {
  const Message* request;  // default instances
  const Message* response;
  UnaryHandler handler;
};

// `m` as an M: itself when it is one (the daemon's client sends the generated
// types), else a copy through bytes in `copy`.
template <typename M>
const M& As(const Message& m, std::optional<M>* copy) {
  if (const M* same = sim::MessageCast<M>(&m)) return *same;
  copy->emplace().ParseFromString(m.SerializeAsString());
  return **copy;
}

// Where a handler writes its reply: the caller's message when it is an M,
// else `own`, which Deliver then copies out.
template <typename M>
M* ReplyTo(Message* response, std::optional<M>* own) {
  if (M* same = sim::MessageCast<M>(response)) return same;
  return &own->emplace();
}
void Deliver(const Message& written, Message* response) {
  if (response != nullptr && &written != response) {
    response->ParseFromString(written.SerializeAsString());
  }
}
// Moves `from` into `to` when it is an M, else copies it there.
template <typename M>
void MoveInto(M& from, Message* to) {
  if (M* same = sim::MessageCast<M>(to)) {
    *same = std::move(from);
  } else {
    Deliver(from, to);
  }
}

// A synchronous core call as a handler: the shim-death draw, the call, the
// restart draw. The handler lives as long as the process (the table below),
// so its captures outlive every call.
template <typename Req, typename Resp, typename F>
UnaryMethod Bind(std::string method, F call) {
  return UnaryMethod{
      &Req::default_instance(), &Resp::default_instance(),
      [method = std::move(method), call](
          const Served& s, sim::RpcMetadata md, const Message& request,
          Message* response) -> sim::Task<absl::Status> {
        std::optional<Req> copy;
        const Req& req = As(request, &copy);
        const std::string ns = NamespaceOf(md);
        if constexpr (requires { req.container_id(); }) {
          if (s.faults->Draw(FaultPoint::kShimDies, method)) {
            (void)s.f->kernel().KillShim(
                ns, req.container_id());  // no task: nothing to kill
          }
        }
        std::optional<Resp> own;
        Resp* resp = ReplyTo(response, &own);
        absl::Status st = call(s.f, ns, req, resp);
        if (s.faults->Draw(FaultPoint::kContainerdRestart, method)) {
          s.f->Restart();
        }
        if (st.ok()) Deliver(*resp, response);
        co_return st;
      }};
}

// A method called in bytes: parsed into its request type, answered in
// messages, the reply serialized.
sim::Task<absl::StatusOr<std::string>> ServeBytes(const Served& s,
                                                  const UnaryMethod& m,
                                                  sim::RpcMetadata metadata,
                                                  std::string bytes) {
  std::unique_ptr<Message> request(m.request->New());
  if (!request->ParseFromString(bytes)) {
    co_return absl::InternalError("grpc: error unmarshalling request");
  }
  std::unique_ptr<Message> response(m.response->New());
  absl::Status st =
      co_await m.handler(s, std::move(metadata), *request, response.get());
  if (!st.ok()) co_return st;
  co_return response->SerializeAsString();
}

// A stream of envelopes over a Subscription.
class EnvelopeStream : public sim::RpcStream {
 public:
  explicit EnvelopeStream(std::unique_ptr<Subscription> sub)
      : sub_(std::move(sub)) {}
  sim::Task<absl::StatusOr<std::optional<std::string>>> Next() override {
    EnvelopePtr e = co_await sub_->Next();
    if (e == nullptr) {
      if (!sub_->final_status().ok()) co_return sub_->final_status();
      co_return std::optional<std::string>();
    }
    co_return std::optional<std::string>(e->SerializeAsString());
  }
  sim::Task<absl::StatusOr<bool>> NextMessage(Message* message) override {
    EnvelopePtr e = co_await sub_->Next();
    if (e == nullptr) {
      if (!sub_->final_status().ok()) co_return sub_->final_status();
      co_return false;
    }
    MoveInto(*e, message);
    co_return true;
  }

 private:
  std::unique_ptr<Subscription> sub_;
};

// Every method, bound once per process: ServeInProcess gives each transport
// its own Served over this table.
struct Table {
  // Looked up by full method name, never iterated.
  absl::flat_hash_map<std::string, UnaryMethod> unary;
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
  table.unary[k + "Create"] = [&] {
    UnaryMethod create = Bind<tpb::CreateTaskRequest, tpb::CreateTaskResponse>(
        k + "Create", [](FakeContainerd* f, const std::string& ns, auto& r,
                         auto* o) { return f->CreateTask(ns, r, o); });
    create.handler = [inner = std::move(create.handler)](
                         const Served& s, sim::RpcMetadata md,
                         const Message& request,
                         Message* response) -> sim::Task<absl::Status> {
      absl::Status st = co_await inner(s, std::move(md), request, response);
      const sim::Nanos wait = s.options.task_create_event_wait;
      if (st.ok() && wait > 0) (void)co_await s.f->events().AwaitTaken(wait);
      co_return st;
    };
    return create;
  }();
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
  table.unary[k + "Wait"] = UnaryMethod{
      &tpb::WaitRequest::default_instance(),
      &tpb::WaitResponse::default_instance(),
      [](const Served& s, sim::RpcMetadata md, const Message& request,
         Message* response) -> sim::Task<absl::Status> {
        std::optional<tpb::WaitRequest> copy;
        tpb::WaitRequest req = As(request, &copy);
        absl::StatusOr<tpb::WaitResponse> r =
            co_await s.f->Wait(NamespaceOf(md), std::move(req));
        if (!r.ok()) co_return r.status();
        MoveInto(*r, response);
        co_return absl::OkStatus();
      }};

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
    auto it = table_.unary.find(method);
    if (it == table_.unary.end()) return std::nullopt;
    return ServeBytes(served_, it->second, std::move(metadata),
                      std::move(request));
  }
  std::optional<sim::Task<absl::Status>> UnaryMessage(
      const std::string& method, sim::RpcMetadata metadata,
      const Message& request, Message* response) override {
    auto it = table_.unary.find(method);
    if (it == table_.unary.end()) return std::nullopt;
    return it->second.handler(served_, std::move(metadata), request, response);
  }
  std::optional<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      const std::string& method, sim::RpcMetadata metadata,
      std::string request) override {
    auto it = table_.streams.find(method);
    if (it == table_.streams.end()) return std::nullopt;
    return it->second(served_, std::move(metadata), std::move(request));
  }

 private:
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
