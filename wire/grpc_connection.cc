#include "wire/grpc_connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <utility>

#include "sim/outside.h"
#include "wire/status.h"

namespace wire {

// One unary call's state. It owns itself while gRPC holds its tag, so a task
// cancelled mid-call (a daemon crash) leaves nothing dangling.
struct GrpcConnection::UnaryCall : CompletionLoop::Tag {
  UnaryCall(sim::Executor& ex, const std::string& method)
      : done(ex, "reply " + method) {}
  void Done(bool) override {
    std::shared_ptr<UnaryCall> keep = std::move(self);
    done.Set();
  }
  grpc::ClientContext ctx;
  grpc::ByteBuffer request;
  grpc::ByteBuffer reply;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> rpc;
  sim::Completion done;
  std::shared_ptr<UnaryCall> self;
};

GrpcConnection::GrpcConnection(sim::Executor& ex, CompletionLoop& loop,
                               std::string target, sim::Nanos reconnect_window)
    : ex_(ex),
      loop_(loop),
      target_(std::move(target)),
      reconnect_window_(reconnect_window),
      channel_(
          grpc::CreateChannel(target_, grpc::InsecureChannelCredentials())),
      stub_(std::make_unique<grpc::GenericStub>(channel_)),
      containerd_(ex.NewObject("containerd")) {}

GrpcConnection::~GrpcConnection() = default;

sim::Task<absl::StatusOr<std::string>> GrpcConnection::UnaryOnce(
    const std::string& method, const sim::RpcMetadata& md,
    const std::string& request) {
  auto call = std::make_shared<UnaryCall>(ex_, method);
  for (const auto& [key, value] : md) call->ctx.AddMetadata(key, value);
  call->request = ToByteBuffer(request);
  call->rpc =
      stub_->PrepareUnaryCall(&call->ctx, method, call->request, loop_.cq());
  call->rpc->StartCall();
  call->self = call;
  call->rpc->Finish(&call->reply, &call->status, loop_.Expect(call.get()));
  co_await call->done.Wait();
  if (!call->status.ok()) co_return FromGrpcStatus(call->status);
  co_return FromByteBuffer(call->reply);
}

sim::Task<absl::StatusOr<std::string>> GrpcConnection::Unary(
    std::string method, sim::RpcMetadata metadata, std::string request) {
  co_await ex_.Point(sim::OpKind::kRpcSend, containerd_, sim::Access::kWrite);
  const sim::Nanos give_up = ex_.now() + reconnect_window_;
  for (;;) {
    absl::StatusOr<std::string> reply =
        co_await UnaryOnce(method, metadata, request);
    if (reply.status().code() != absl::StatusCode::kUnavailable ||
        ex_.now() >= give_up) {
      co_return reply;
    }
    ++retries_;
    co_await ex_.Sleep(100 * sim::kMillisecond);
  }
}

// A server stream over a generic call: the request goes out with the call,
// then each Next is one Read. The state owns itself while a tag is pending;
// dropping the stream cancels the call and lets gRPC finish it.
class GrpcConnection::Stream : public sim::RpcStream {
 public:
  struct State : CompletionLoop::Tag {
    explicit State(sim::Executor& ex) : ex(ex) {}
    void Done(bool ok) override {
      std::shared_ptr<State> keep = std::move(self);
      last_ok = ok;
      if (orphaned && !finishing && !loop->draining()) {
        // Nobody reads any more: finish the call so gRPC can free it.
        finishing = true;
        self = keep;
        rpc->Finish(&status, loop->Expect(this));
        return;
      }
      if (done != nullptr) done->Set();
    }
    sim::Executor& ex;
    CompletionLoop* loop = nullptr;
    grpc::ClientContext ctx;
    grpc::ByteBuffer message;
    grpc::Status status;
    std::unique_ptr<grpc::GenericClientAsyncReaderWriter> rpc;
    std::unique_ptr<sim::Completion> done;
    std::shared_ptr<State> self;
    bool last_ok = false;
    bool orphaned = false;
    bool finishing = false;
    bool ended = false;
  };

  explicit Stream(std::shared_ptr<State> state) : state_(std::move(state)) {}
  ~Stream() override {
    State& s = *state_;
    s.orphaned = true;
    if (s.ended || s.finishing) return;
    s.ctx.TryCancel();
    if (s.self == nullptr && !s.loop->draining()) {
      // Idle between reads: finish now; pending ones finish in Done.
      s.finishing = true;
      s.self = state_;
      s.rpc->Finish(&s.status, s.loop->Expect(&s));
    }
  }

  // Runs one operation and waits for its tag.
  static sim::Task<bool> Step(std::shared_ptr<State> s,
                              std::function<void(void*)> start) {
    s->done = std::make_unique<sim::Completion>(s->ex, "stream op");
    s->self = s;
    start(s->loop->Expect(s.get()));
    co_await s->done->Wait();
    co_return s->last_ok;
  }

  sim::Task<absl::StatusOr<std::optional<std::string>>> Next() override {
    std::shared_ptr<State> s = state_;
    if (s->ended) co_return std::optional<std::string>();
    std::function<void(void*)> read = [s](void* tag) {
      s->rpc->Read(&s->message, tag);
    };
    if (co_await Step(s, read)) {
      co_return std::optional<std::string>(FromByteBuffer(s->message));
    }
    s->ended = true;
    s->finishing = true;
    std::function<void(void*)> finish = [s](void* tag) {
      s->rpc->Finish(&s->status, tag);
    };
    co_await Step(s, finish);
    if (!s->status.ok()) co_return FromGrpcStatus(s->status);
    co_return std::optional<std::string>();
  }

 private:
  std::shared_ptr<State> state_;
};

sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>>
GrpcConnection::ServerStream(std::string method, sim::RpcMetadata metadata,
                             std::string request) {
  co_await ex_.Point(sim::OpKind::kRpcSend, containerd_, sim::Access::kWrite);
  auto s = std::make_shared<Stream::State>(ex_);
  s->loop = &loop_;
  for (const auto& [key, value] : metadata) s->ctx.AddMetadata(key, value);
  s->rpc = stub_->PrepareCall(&s->ctx, method, loop_.cq());
  std::function<void(void*)> start = [s](void* tag) { s->rpc->StartCall(tag); };
  bool ok = co_await Stream::Step(s, start);
  if (ok) {
    grpc::ByteBuffer message = ToByteBuffer(request);
    std::function<void(void*)> write = [s, message](void* tag) {
      s->rpc->WriteLast(message, grpc::WriteOptions(), tag);
    };
    ok = co_await Stream::Step(s, write);
  }
  if (!ok) {
    // The call never got going: its status says why (UNAVAILABLE when the
    // socket is not there).
    s->finishing = true;
    s->ended = true;
    std::function<void(void*)> finish = [s](void* tag) {
      s->rpc->Finish(&s->status, tag);
    };
    co_await Stream::Step(s, finish);
    co_return FromGrpcStatus(s->status.ok()
                                 ? grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                                "stream closed before it began")
                                 : s->status);
  }
  co_return std::unique_ptr<sim::RpcStream>(
      std::make_unique<Stream>(std::move(s)));
}

}  // namespace wire
