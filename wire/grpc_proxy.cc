// wire/grpc_proxy.cc: each call is two linked reactors, one per side: the
// server side faces the client, the client side faces the backend. Two chains
// run independently, each with one operation in flight at a time:
//   up:   read from the client -> write to the backend -> read ... ;
//         the client's half-close becomes the backend's WritesDone;
//   down: read from the backend -> write to the client -> read ... ;
// and the backend's status, once both chains are over, finishes the call.
// The client side holds two holds (one per chain) so that the backend call,
// and with it the stream each chain writes to, stays alive while a chain may
// still use it: its OnDone, which finishes the server side, comes only after
// both holds are released. The server side is finished only from that OnDone,
// so it too is alive whenever a chain touches it.
#include "wire/grpc_proxy.h"

#include <grpc/support/time.h>
#include <grpcpp/channel.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "wire/status.h"
#include "wire/unix_listen.h"

namespace wire {

namespace {

// Headers gRPC sets itself on the outgoing call (or that name the transport);
// every other request header is the client's and is passed on.
bool IsTransportHeader(const std::string& key) {
  return absl::StartsWith(key, ":") || absl::StartsWith(key, "grpc-") ||
         key == "user-agent" || key == "content-type" || key == "te" ||
         key == "host";
}

constexpr char kNamespaceHeader[] = "containerd-namespace";

}  // namespace

class GrpcProxy::Call {
 public:
  Call(GrpcProxy& proxy, grpc::GenericCallbackServerContext* ctx)
      : proxy_(proxy), server_(*this), client_(*this) {
    record_.start = std::chrono::steady_clock::now();
    record_.method = ctx->method();
    for (const auto& [key, value] : ctx->client_metadata()) {
      const std::string k(key.data(), key.size());
      const std::string v(value.data(), value.size());
      if (k == kNamespaceHeader) record_.ns = v;
      if (!IsTransportHeader(k)) client_ctx_.AddMetadata(k, v);
    }
    const gpr_timespec deadline = ctx->raw_deadline();
    if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) != 0) {
      client_ctx_.set_deadline(deadline);
      deadline_ = deadline;
    }
    proxy_.stub_->PrepareBidiStreamingCall(&client_ctx_, record_.method,
                                           grpc::StubOptions(), &client_);
    client_.AddMultipleHolds(2);  // the up chain's and the down chain's
    client_.StartRead(&reply_);
    client_.StartCall();
    server_.StartRead(&request_);
  }

  grpc::ServerGenericBidiReactor* server_side() { return &server_; }

 private:
  enum class Up { kReadingClient, kWritingBackend, kOver };

  class ServerSide : public grpc::ServerGenericBidiReactor {
   public:
    explicit ServerSide(Call& call) : call_(call) {}
    void OnReadDone(bool ok) override { call_.UpReadDone(ok); }
    void OnWriteDone(bool ok) override { call_.DownWriteDone(ok); }
    void OnCancel() override { call_.ClientCancelled(); }
    void OnDone() override { call_.Release(); }

   private:
    Call& call_;
  };

  class ClientSide
      : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    explicit ClientSide(Call& call) : call_(call) {}
    void OnWriteDone(bool ok) override { call_.UpWriteDone(ok); }
    void OnReadDone(bool ok) override { call_.DownReadDone(ok); }
    void OnDone(const grpc::Status& status) override {
      call_.BackendDone(status);
    }

   private:
    Call& call_;
  };

  // The client cancelled, or its deadline passed: the backend call has the
  // same deadline and ends by itself then, with the status it gives
  // (DEADLINE_EXCEEDED, as the client would have had without the proxy).
  void ClientCancelled() {
    if (deadline_.has_value() &&
        gpr_time_cmp(gpr_now(deadline_->clock_type), *deadline_) >= 0) {
      return;
    }
    client_ctx_.TryCancel();
  }

  // up: a request message from the client, or its half-close (!ok).
  void UpReadDone(bool ok) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (up_ != Up::kReadingClient) return;  // the backend ended first
      if (ok && !read_one_) {
        read_one_ = true;
        record_.first_request = FromByteBuffer(request_);
      }
      up_ = ok ? Up::kWritingBackend : Up::kOver;
    }
    if (ok) {
      client_.StartWrite(&request_);
    } else {
      client_.StartWritesDone();
      client_.RemoveHold();
    }
  }

  void UpWriteDone(bool ok) {
    bool more = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      more = ok && !backend_ended_;
      up_ = more ? Up::kReadingClient : Up::kOver;
    }
    // Never under mu_: a reaction may run inline.
    if (more) {
      server_.StartRead(&request_);
    } else {
      client_.RemoveHold();
    }
  }

  // down: a reply from the backend, or the end of its replies (!ok).
  void DownReadDone(bool ok) {
    if (ok) {
      ++record_.replies;
      server_.StartWrite(&reply_);
      return;
    }
    bool release_up = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      backend_ended_ = true;
      // A client that never half-closes must not keep the call open: its
      // pending read ends when the server side is finished.
      release_up = up_ == Up::kReadingClient;
      if (release_up) up_ = Up::kOver;
    }
    if (release_up) client_.RemoveHold();
    client_.RemoveHold();
  }

  void DownWriteDone(bool ok) {
    if (ok) {
      client_.StartRead(&reply_);
      return;
    }
    client_ctx_.TryCancel();  // the client is gone; so is the backend call
    client_.RemoveHold();
  }

  void BackendDone(const grpc::Status& status) {
    {
      std::lock_guard<std::mutex> l(mu_);
      record_.code = status.error_code();
    }
    if (proxy_.options_.on_call) proxy_.options_.on_call(record_);
    server_.Finish(status);
    Release();
  }

  // Each side releases once, after its OnDone: the second one frees the call.
  void Release() {
    if (refs_.fetch_sub(1) != 1) return;
    GrpcProxy& proxy = proxy_;
    delete this;
    proxy.CallEnded();
  }

  GrpcProxy& proxy_;
  ServerSide server_;
  ClientSide client_;
  grpc::ClientContext client_ctx_;
  grpc::ByteBuffer request_;  // owned by the up chain
  grpc::ByteBuffer reply_;    // owned by the down chain
  std::atomic<int> refs_{2};
  std::mutex mu_;
  Up up_ = Up::kReadingClient;  // guarded by mu_
  bool backend_ended_ = false;  // guarded by mu_
  bool read_one_ = false;       // guarded by mu_
  ProxiedCall record_;
  std::optional<gpr_timespec> deadline_;  // the client's, when it set one
};

class GrpcProxy::Service : public grpc::CallbackGenericService {
 public:
  explicit Service(GrpcProxy& proxy) : proxy_(proxy) {}
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* ctx) override {
    proxy_.CallStarted();
    return (new Call(proxy_, ctx))->server_side();
  }

 private:
  GrpcProxy& proxy_;
};

GrpcProxy::GrpcProxy(Options options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<GrpcProxy>> GrpcProxy::Start(Options options) {
  if (!absl::StartsWith(options.listen, "unix:") ||
      options.listen.size() <= 5) {
    return absl::InvalidArgumentError("--listen must be unix:PATH, not '" +
                                      options.listen + "'");
  }
  const std::string path = UnixListenPathOf(options.listen);
  if (absl::Status s = PrepareUnixListen(path); !s.ok()) return s;
  std::unique_ptr<GrpcProxy> proxy(new GrpcProxy(std::move(options)));
  proxy->socket_path_ = path;
  // A pass-through has no message size limit of its own (containerd's is
  // larger than gRPC's default 4 MiB).
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  proxy->channel_ = grpc::CreateCustomChannel(
      proxy->options_.backend, grpc::InsecureChannelCredentials(), args);
  proxy->stub_ = std::make_unique<
      grpc::TemplatedGenericStub<grpc::ByteBuffer, grpc::ByteBuffer>>(
      proxy->channel_);
  proxy->service_ = std::make_unique<Service>(*proxy);
  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(-1);
  builder.AddListeningPort(proxy->options_.listen,
                           grpc::InsecureServerCredentials());
  builder.RegisterCallbackGenericService(proxy->service_.get());
  proxy->server_ = builder.BuildAndStart();
  if (proxy->server_ == nullptr) {
    return absl::UnavailableError("cannot listen on " + path +
                                  ": gRPC could not bind it");
  }
  return proxy;
}

void GrpcProxy::CallStarted() {
  std::lock_guard<std::mutex> l(mu_);
  ++calls_in_flight_;
}

void GrpcProxy::CallEnded() {
  std::lock_guard<std::mutex> l(mu_);
  if (--calls_in_flight_ == 0) all_ended_.notify_all();
}

void GrpcProxy::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  // A deadline of now cancels every call in flight at once; each cancels its
  // backend call, whose status then finishes it.
  server_->Shutdown(std::chrono::system_clock::now());
  {
    std::unique_lock<std::mutex> l(mu_);
    all_ended_.wait(l, [this] { return calls_in_flight_ == 0; });
  }
  struct stat st;
  if (lstat(socket_path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
    unlink(socket_path_.c_str());
  }
}

GrpcProxy::~GrpcProxy() { Shutdown(); }

}  // namespace wire
