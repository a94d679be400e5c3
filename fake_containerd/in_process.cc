#include "fake_containerd/in_process.h"

#include <google/protobuf/empty.pb.h>

#include <utility>

#include "absl/status/status.h"
#include "containerd/services/leases/v1/leases.pb.h"
#include "fake_containerd/errors.h"
#include "fake_containerd/identifiers.h"

namespace fake_containerd {

namespace {

namespace lpb = ::containerd::services::leases::v1;
using Empty = ::google::protobuf::Empty;

constexpr char kLeasesPrefix[] = "/containerd.services.leases.v1.Leases/";

std::string NamespaceOf(const sim::RpcMetadata& md) {
  for (const auto& [k, v] : md) {
    if (k == "containerd-namespace") return v;
  }
  return "";
}

// A synchronous core call as a handler: parse, call, serialize.
template <typename Req, typename Resp, typename F>
SimTransport::UnaryHandler Bind(F call) {
  return [call](sim::RpcMetadata md,
                std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
    Req req;
    if (!req.ParseFromString(bytes))
      co_return absl::InternalError("grpc: error unmarshalling request");
    Resp resp;
    absl::Status s = call(NamespaceOf(md), req, &resp);
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
    std::optional<Envelope> e = co_await sub_->events().Recv();
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

absl::Status LeaseTable::Create(const std::string& ns, const std::string& id) {
  if (ns.empty()) return ErrFailedPrecondition("namespace is required");
  if (absl::Status s = ValidateIdentifier(id); !s.ok()) return s;
  if (!by_namespace_[ns].insert(id).second) {
    return ErrAlreadyExists("lease \"" + id + "\"");
  }
  return absl::OkStatus();
}

absl::Status LeaseTable::Delete(const std::string& ns, const std::string& id) {
  if (ns.empty()) return ErrFailedPrecondition("namespace is required");
  if (by_namespace_[ns].erase(id) == 0)
    return ErrNotFound("lease \"" + id + "\"");
  return absl::OkStatus();
}

size_t LeaseTable::size() const {
  size_t n = 0;
  for (const auto& [ns, ids] : by_namespace_) n += ids.size();
  return n;
}

void ServeInProcess(FakeContainerd& fake, LeaseTable& leases, SimTransport& t) {
  FakeContainerd* f = &fake;
  const std::string c = method::kContainersPrefix;
  const std::string k = method::kTasksPrefix;
  const std::string e = method::kEventsPrefix;
  const std::string l = kLeasesPrefix;

  t.RegisterUnary(c + "Get",
                  Bind<cpb::GetContainerRequest, cpb::GetContainerResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->GetContainer(ns, r, o);
                      }));
  t.RegisterUnary(c + "List",
                  Bind<cpb::ListContainersRequest, cpb::ListContainersResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->ListContainers(ns, r, o);
                      }));
  t.RegisterUnary(
      c + "Create",
      Bind<cpb::CreateContainerRequest, cpb::CreateContainerResponse>(
          [f](const std::string& ns, auto& r, auto* o) {
            return f->CreateContainer(ns, r, o);
          }));
  t.RegisterUnary(
      c + "Update",
      Bind<cpb::UpdateContainerRequest, cpb::UpdateContainerResponse>(
          [f](const std::string& ns, auto& r, auto* o) {
            return f->UpdateContainer(ns, r, o);
          }));
  t.RegisterUnary(c + "Delete", Bind<cpb::DeleteContainerRequest, Empty>(
                                    [f](const std::string& ns, auto& r, auto*) {
                                      return f->DeleteContainer(ns, r);
                                    }));

  t.RegisterUnary(k + "Create",
                  Bind<tpb::CreateTaskRequest, tpb::CreateTaskResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->CreateTask(ns, r, o);
                      }));
  t.RegisterUnary(k + "Start",
                  Bind<tpb::StartRequest, tpb::StartResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->Start(ns, r, o);
                      }));
  t.RegisterUnary(k + "Delete",
                  Bind<tpb::DeleteTaskRequest, tpb::DeleteResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->DeleteTask(ns, r, o);
                      }));
  t.RegisterUnary(k + "DeleteProcess",
                  Bind<tpb::DeleteProcessRequest, tpb::DeleteResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->DeleteProcess(ns, r, o);
                      }));
  t.RegisterUnary(k + "Get", Bind<tpb::GetRequest, tpb::GetResponse>(
                                 [f](const std::string& ns, auto& r, auto* o) {
                                   return f->Get(ns, r, o);
                                 }));
  t.RegisterUnary(k + "List",
                  Bind<tpb::ListTasksRequest, tpb::ListTasksResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->ListTasks(ns, r, o);
                      }));
  t.RegisterUnary(k + "Kill", Bind<tpb::KillRequest, Empty>(
                                  [f](const std::string& ns, auto& r, auto*) {
                                    return f->Kill(ns, r);
                                  }));
  t.RegisterUnary(k + "Exec", Bind<tpb::ExecProcessRequest, Empty>(
                                  [f](const std::string& ns, auto& r, auto*) {
                                    return f->Exec(ns, r);
                                  }));
  t.RegisterUnary(k + "ResizePty",
                  Bind<tpb::ResizePtyRequest, Empty>(
                      [f](const std::string& ns, auto& r, auto*) {
                        return f->ResizePty(ns, r);
                      }));
  t.RegisterUnary(k + "CloseIO", Bind<tpb::CloseIORequest, Empty>(
                                     [f](const std::string& ns, auto& r,
                                         auto*) { return f->CloseIO(ns, r); }));
  t.RegisterUnary(k + "Pause", Bind<tpb::PauseTaskRequest, Empty>(
                                   [f](const std::string& ns, auto& r, auto*) {
                                     return f->Pause(ns, r);
                                   }));
  t.RegisterUnary(k + "Resume", Bind<tpb::ResumeTaskRequest, Empty>(
                                    [f](const std::string& ns, auto& r, auto*) {
                                      return f->Resume(ns, r);
                                    }));
  t.RegisterUnary(k + "ListPids",
                  Bind<tpb::ListPidsRequest, tpb::ListPidsResponse>(
                      [f](const std::string& ns, auto& r, auto* o) {
                        return f->ListPids(ns, r, o);
                      }));
  t.RegisterUnary(
      k + "Wait",
      [f](sim::RpcMetadata md,
          std::string bytes) -> sim::Task<absl::StatusOr<std::string>> {
        tpb::WaitRequest req;
        if (!req.ParseFromString(bytes))
          co_return absl::InternalError("grpc: error unmarshalling request");
        std::string ns = NamespaceOf(md);
        absl::StatusOr<tpb::WaitResponse> r =
            co_await f->Wait(std::move(ns), std::move(req));
        if (!r.ok()) co_return r.status();
        co_return r->SerializeAsString();
      });

  t.RegisterUnary(e + "Publish", Bind<epb::PublishRequest, Empty>(
                                     [f](const std::string& ns, auto& r,
                                         auto*) { return f->Publish(ns, r); }));
  t.RegisterUnary(e + "Forward", Bind<epb::ForwardRequest, Empty>(
                                     [f](const std::string&, auto& r, auto*) {
                                       return f->Forward(r);
                                     }));
  t.RegisterStream(
      e + "Subscribe",
      [f](sim::RpcMetadata, std::string bytes)
          -> absl::StatusOr<std::unique_ptr<sim::RpcStream>> {
        epb::SubscribeRequest req;
        if (!req.ParseFromString(bytes))
          return absl::InternalError("grpc: error unmarshalling request");
        absl::StatusOr<std::unique_ptr<Subscription>> sub = f->Subscribe(req);
        if (!sub.ok()) return sub.status();
        return std::unique_ptr<sim::RpcStream>(
            std::make_unique<EnvelopeStream>(std::move(*sub)));
      });

  LeaseTable* lt = &leases;
  t.RegisterUnary(l + "Create",
                  Bind<lpb::CreateRequest, lpb::CreateResponse>(
                      [f, lt, l](const std::string& ns, auto& r, auto* o) {
                        f->rpcs().Record(l + "Create");
                        absl::Status s = lt->Create(ns, r.id());
                        if (s.ok()) o->mutable_lease()->set_id(r.id());
                        return s;
                      }));
  t.RegisterUnary(l + "Delete",
                  Bind<lpb::DeleteRequest, Empty>(
                      [f, lt, l](const std::string& ns, auto& r, auto*) {
                        f->rpcs().Record(l + "Delete");
                        return lt->Delete(ns, r.id());
                      }));
}

}  // namespace fake_containerd
