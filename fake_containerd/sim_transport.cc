#include "fake_containerd/sim_transport.h"

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace fake_containerd {

namespace {

absl::Status LostReply(sim::Executor& ex, const std::string& method) {
  // A client cannot tell a lost reply from a dead connection or a timeout.
  if (ex.Choose(2, sim::Stream::kFault) == 0) {
    return absl::UnavailableError("error reading from server: EOF (" + method +
                                  ")");
  }
  return absl::DeadlineExceededError("context deadline exceeded (" + method +
                                     ")");
}

// The container a containerd request is about: its `container_id`, its
// `id` (Containers/Get, Delete), or its `container`'s id (Containers/Create);
// empty if none. Reflection, as it runs only when a fault fired.
std::string ContainerOf(const google::protobuf::Message& m) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  for (const char* name : {"container_id", "id"}) {
    const google::protobuf::FieldDescriptor* f = d->FindFieldByName(name);
    if (f != nullptr && !f->is_repeated() &&
        f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      return r->GetString(m, f);
    }
  }
  const google::protobuf::FieldDescriptor* c = d->FindFieldByName("container");
  if (c != nullptr && !c->is_repeated() &&
      c->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
    return ContainerOf(r->GetMessage(m, c));
  }
  return "";
}

}  // namespace

SimTransport::SimTransport(sim::Executor& ex, Faults& faults)
    : ex_(ex), faults_(faults) {}

void SimTransport::RegisterUnary(std::string method, UnaryHandler handler) {
  unary_[std::move(method)] = std::move(handler);
}

void SimTransport::RegisterStream(std::string method, StreamHandler handler) {
  streams_[std::move(method)] = std::move(handler);
}

sim::ObjectId SimTransport::MethodObject(const std::string& method) {
  auto [it, added] = method_objects_.try_emplace(method, sim::kNoObject);
  if (added) it->second = ex_.NewObject(method);
  return it->second;
}

sim::Task<absl::Status> SimTransport::Exchange(
    const std::string& method, size_t request_size, StartCall serve,
    const google::protobuf::Message* request) {
  const sim::ObjectId rpc = MethodObject(method);
  ex_.Record(sim::EventKind::kRpcRequest, rpc, request_size);
  // The handler runs in this step and touches what it reads and writes (the
  // fake's store, kernel and tables keep an object per container and per
  // table), so calls about different containers commute.
  co_await ex_.Point(sim::OpKind::kRpcSend, rpc, sim::Access::kRead);
  if (faults_.Draw(FaultPoint::kRpcUnavailable, method)) {
    if (request != nullptr) faults_.SetLastContainer(ContainerOf(*request));
    co_await ex_.Point(sim::OpKind::kRpcReply, rpc, sim::Access::kRead);
    co_return absl::UnavailableError(
        "connection error: transport is closing (" + method + ")");
  }
  if (observer_) observer_(method);
  std::optional<sim::Task<absl::Status>> call = serve();
  absl::Status reply;
  if (call.has_value()) {
    reply = co_await *std::move(call);
  } else {
    reply = absl::UnimplementedError("unknown method " + method);
  }
  if (faults_.Draw(FaultPoint::kReplyLost, method)) {
    if (request != nullptr) faults_.SetLastContainer(ContainerOf(*request));
    reply = LostReply(ex_, method);
  } else if (faults_.Draw(FaultPoint::kReplyDelayed, method)) {
    const sim::Nanos max = faults_.options().reply_delay_max;
    co_await ex_.Sleep(1 + ex_.Choose(max > 0 ? max : 1, sim::Stream::kFault));
  }
  co_await ex_.Point(sim::OpKind::kRpcReply, rpc, sim::Access::kRead);
  ex_.Record(sim::EventKind::kRpcReply, rpc,
             static_cast<uint64_t>(reply.code()));
  co_return reply;
}

namespace {

// A bytes handler's call as a status, its reply kept in `reply`.
sim::Task<absl::Status> KeepReply(sim::Task<absl::StatusOr<std::string>> call,
                                  std::string* reply) {
  absl::StatusOr<std::string> r = co_await std::move(call);
  if (!r.ok()) co_return r.status();
  *reply = *std::move(r);
  co_return absl::OkStatus();
}

}  // namespace

sim::Task<absl::StatusOr<std::string>> SimTransport::Unary(
    std::string method, sim::RpcMetadata metadata, std::string request) {
  std::string reply;
  auto serve = [&]() -> std::optional<sim::Task<absl::Status>> {
    std::optional<sim::Task<absl::StatusOr<std::string>>> call;
    if (auto handler = unary_.find(method); handler != unary_.end()) {
      call = handler->second(std::move(metadata), std::move(request));
    } else if (services_ != nullptr) {
      call = services_->Unary(method, std::move(metadata), std::move(request));
    }
    if (!call.has_value()) return std::nullopt;
    return KeepReply(*std::move(call), &reply);
  };
  absl::Status s =
      co_await Exchange(method, request.size(), serve, /*request=*/nullptr);
  if (!s.ok()) co_return s;
  co_return reply;
}

sim::Task<absl::Status> SimTransport::UnaryMessage(
    std::string method, sim::RpcMetadata metadata,
    const google::protobuf::Message& request,
    google::protobuf::Message* response) {
  if (services_ == nullptr || unary_.contains(method)) {
    // A handler registered one by one takes bytes.
    co_return co_await RpcConnection::UnaryMessage(
        std::move(method), std::move(metadata), request, response);
  }
  if (response != nullptr) response->Clear();
  auto serve = [&]() -> std::optional<sim::Task<absl::Status>> {
    return services_->UnaryMessage(method, std::move(metadata), request,
                                   response);
  };
  absl::Status s =
      co_await Exchange(method, request.ByteSizeLong(), serve, &request);
  // As over bytes, a failed call leaves no reply.
  if (!s.ok() && response != nullptr) response->Clear();
  co_return s;
}

// Each message of a server stream reaches the client through a scheduling
// point.
class SimTransport::Stream : public sim::RpcStream {
 public:
  Stream(sim::Executor& ex, sim::ObjectId rpc,
         std::unique_ptr<sim::RpcStream> inner)
      : ex_(ex), rpc_(rpc), inner_(std::move(inner)) {}
  sim::Task<absl::StatusOr<std::optional<std::string>>> Next() override {
    absl::StatusOr<std::optional<std::string>> m = co_await inner_->Next();
    co_await ex_.Point(sim::OpKind::kRpcReply, rpc_, sim::Access::kRead);
    co_return m;
  }
  sim::Task<absl::StatusOr<bool>> NextMessage(
      google::protobuf::Message* message) override {
    absl::StatusOr<bool> got = co_await inner_->NextMessage(message);
    co_await ex_.Point(sim::OpKind::kRpcReply, rpc_, sim::Access::kRead);
    co_return got;
  }

 private:
  sim::Executor& ex_;
  sim::ObjectId rpc_;
  std::unique_ptr<sim::RpcStream> inner_;
};

sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>>
SimTransport::ServerStream(std::string method, sim::RpcMetadata metadata,
                           std::string request) {
  const sim::ObjectId rpc = MethodObject(method);
  ex_.Record(sim::EventKind::kRpcRequest, rpc, request.size());
  // The handler runs in this step and touches what it reads and writes (the
  // fake's store, kernel and tables keep an object per container and per
  // table), so calls about different containers commute.
  co_await ex_.Point(sim::OpKind::kRpcSend, rpc, sim::Access::kRead);
  if (faults_.Draw(FaultPoint::kRpcUnavailable, method)) {
    co_return absl::UnavailableError(
        "connection error: transport is closing (" + method + ")");
  }
  if (observer_) observer_(method);
  std::optional<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> served;
  if (auto handler = streams_.find(method); handler != streams_.end()) {
    served = handler->second(std::move(metadata), std::move(request));
  } else if (services_ != nullptr) {
    served = services_->ServerStream(method, std::move(metadata),
                                     std::move(request));
  }
  if (!served.has_value())
    co_return absl::UnimplementedError("unknown method " + method);
  absl::StatusOr<std::unique_ptr<sim::RpcStream>> inner = std::move(*served);
  co_await ex_.Point(sim::OpKind::kRpcReply, rpc, sim::Access::kRead);
  if (!inner.ok()) co_return inner.status();
  co_return std::unique_ptr<sim::RpcStream>(
      std::make_unique<Stream>(ex_, rpc, std::move(*inner)));
}

}  // namespace fake_containerd
