#include "wire/grpc_server.h"

#include <grpc/support/log.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "sim/outside.h"
#include "wire/status.h"
#include "wire/unix_listen.h"

namespace wire {

namespace {

// The containerd methods that stream replies; every other one is unary.
bool IsServerStreaming(const std::string& method) {
  return method == "/containerd.services.events.v1.Events/Subscribe";
}

// While alive, gRPC's own log lines are held back, not printed: a bind that
// fails logs several lines of its own before BuildAndStart returns null, and
// the caller reports the failure in one line. The first error is kept.
class QuietGrpcLog {
 public:
  QuietGrpcLog() {
    std::lock_guard<std::mutex> l(mu());
    first_error().clear();
    gpr_set_log_function(&Hold);
  }
  ~QuietGrpcLog() { gpr_set_log_function(nullptr); }  // gRPC's default again
  QuietGrpcLog(const QuietGrpcLog&) = delete;
  QuietGrpcLog& operator=(const QuietGrpcLog&) = delete;

  // The OS error of the first error line (os_error:"..."), else the line.
  static std::string FirstError() {
    std::lock_guard<std::mutex> l(mu());
    const std::string& e = first_error();
    const std::string key = "os_error:\"";
    const size_t at = e.find(key);
    if (at == std::string::npos) return e.substr(0, e.find('{'));
    const size_t from = at + key.size();
    return e.substr(from, e.find('"', from) - from);
  }

 private:
  static void Hold(gpr_log_func_args* args) {
    if (args->severity != GPR_LOG_SEVERITY_ERROR) return;
    std::lock_guard<std::mutex> l(mu());
    if (first_error().empty()) first_error() = args->message;
  }
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  static std::string& first_error() {
    static std::string e;
    return e;
  }
};

}  // namespace

// One accepted call. Owned by the callbacks and the task that refer to it.
class GrpcServer::Call : public std::enable_shared_from_this<Call> {
 public:
  Call(GrpcServer& server) : server_(server), stream_(&ctx_) {}

  // Arms the call for the next incoming request.
  void Accept() {
    std::shared_ptr<Call> self = shared_from_this();
    CompletionLoop& loop = server_.loop();
    // Not a self-owning tag: gRPC never delivers it for a call that was never
    // matched (the last one at shutdown), which would keep the Call alive.
    ctx_.AsyncNotifyWhenDone(loop.Expect(&done_tag_));
    server_.service_->RequestCall(
        &ctx_, &stream_, loop.cq(),
        static_cast<grpc::ServerCompletionQueue*>(loop.cq()),
        loop.Then([self](bool ok) {
          if (ok) self->OnAccepted();
        }));
  }

 private:
  void OnAccepted() {
    // Matched: the done tag will come, and the call lives until it does.
    alive_until_done_ = shared_from_this();
    ++server_.calls_;
    if (!server_.shut_down_) server_.AcceptNext();
    std::shared_ptr<Call> self = shared_from_this();
    stream_.Read(&request_, server_.loop().Then([self](bool ok) {
      if (ok) {
        self->Dispatch();
      } else {
        self->Finish(grpc::Status(grpc::StatusCode::INTERNAL,
                                  "the request never arrived"));
      }
    }));
  }

  void Dispatch() {
    sim::RpcMetadata md;
    for (const auto& [key, value] : ctx_.client_metadata()) {
      md.emplace_back(std::string(key.data(), key.size()),
                      std::string(value.data(), value.size()));
    }
    const std::string method = ctx_.method();
    std::string request = FromByteBuffer(request_);
    sim::Task<void> handler = IsServerStreaming(method)
                                  ? Stream(shared_from_this(), method,
                                           std::move(md), std::move(request))
                                  : Unary(shared_from_this(), method,
                                          std::move(md), std::move(request));
    task_ = server_.ex_
                .Spawn("serve " + method, std::move(handler),
                       sim::SpawnOptions{.background = true})
                .id;
  }

  static sim::Task<void> Unary(std::shared_ptr<Call> self, std::string method,
                               sim::RpcMetadata md, std::string request) {
    absl::StatusOr<std::string> reply = co_await self->server_.backend_.Unary(
        std::move(method), std::move(md), std::move(request));
    if (self->finished_) co_return;
    if (!reply.ok()) {
      self->Finish(ToGrpcStatus(reply.status()));
      co_return;
    }
    self->finished_ = true;
    std::shared_ptr<Call> keep = self;
    self->stream_.WriteAndFinish(ToByteBuffer(*reply), grpc::WriteOptions(),
                                 grpc::Status::OK,
                                 self->server_.loop().Then([keep](bool) {}));
  }

  static sim::Task<void> Stream(std::shared_ptr<Call> self, std::string method,
                                sim::RpcMetadata md, std::string request) {
    absl::StatusOr<std::unique_ptr<sim::RpcStream>> s =
        co_await self->server_.backend_.ServerStream(
            std::move(method), std::move(md), std::move(request));
    if (!s.ok()) {
      self->Finish(ToGrpcStatus(s.status()));
      co_return;
    }
    for (;;) {
      absl::StatusOr<std::optional<std::string>> m = co_await (*s)->Next();
      if (self->finished_) co_return;
      if (!m.ok()) {
        self->Finish(ToGrpcStatus(m.status()));
        co_return;
      }
      if (!m->has_value()) {
        self->Finish(grpc::Status::OK);
        co_return;
      }
      // Shared with the write's tag: the task may be cancelled before it.
      auto written = std::make_shared<Written>(self->server_.ex_);
      self->writing_ = true;
      std::shared_ptr<Call> keep = self;
      self->stream_.Write(ToByteBuffer(**m),
                          self->server_.loop().Then([keep, written](bool r) {
                            keep->writing_ = false;
                            if (keep->cancelled_) {
                              keep->Finish(grpc::Status::CANCELLED);
                              return;
                            }
                            written->ok = r;
                            written->done.Set();
                          }));
      co_await written->done.Wait();
      const bool ok = written->ok;
      if (!ok) {
        self->Finish(grpc::Status::CANCELLED);
        co_return;
      }
    }
  }

  struct Written {
    explicit Written(sim::Executor& ex) : done(ex, "stream write") {}
    sim::Completion done;
    bool ok = false;
  };

  // The client went away (or the call ended): stop its task if it still runs.
  void OnDone() {
    std::shared_ptr<Call> keep = std::move(alive_until_done_);
    if (!ctx_.IsCancelled() || finished_) return;
    cancelled_ = true;
    if (task_ != sim::kNoTask) server_.ex_.Cancel(task_);
    if (!writing_) Finish(grpc::Status::CANCELLED);
  }

  void Finish(grpc::Status status) {
    if (finished_ || server_.loop().draining()) return;
    finished_ = true;
    std::shared_ptr<Call> self = shared_from_this();
    stream_.Finish(status, server_.loop().Then([self](bool) {}));
  }

  class DoneTag : public CompletionLoop::Tag {
   public:
    explicit DoneTag(Call* call) : call_(call) {}
    void Done(bool) override { call_->OnDone(); }

   private:
    Call* call_;
  };

  GrpcServer& server_;
  DoneTag done_tag_{this};
  std::shared_ptr<Call> alive_until_done_;
  grpc::GenericServerContext ctx_;
  grpc::GenericServerAsyncReaderWriter stream_;
  grpc::ByteBuffer request_;
  sim::TaskId task_ = sim::kNoTask;
  bool finished_ = false;
  bool cancelled_ = false;
  bool writing_ = false;
};

GrpcServer::GrpcServer(sim::Executor& ex, sim::RpcConnection& backend)
    : ex_(ex),
      backend_(backend),
      service_(std::make_unique<grpc::AsyncGenericService>()) {}

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    sim::Executor& ex, const std::string& listen, sim::RpcConnection& backend) {
  if (!absl::StartsWith(listen, "unix:") || listen.size() <= 5) {
    return absl::InvalidArgumentError("--listen must be unix:PATH, not '" +
                                      listen + "'");
  }
  // Refuses a live server's socket and replaces a stale one; gRPC itself
  // would unlink any socket there, a live one included.
  const std::string path = UnixListenPathOf(listen);
  if (absl::Status s = PrepareUnixListen(path); !s.ok()) return s;
  std::unique_ptr<GrpcServer> server(new GrpcServer(ex, backend));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials());
  builder.RegisterAsyncGenericService(server->service_.get());
  std::unique_ptr<grpc::ServerCompletionQueue> cq =
      builder.AddCompletionQueue();
  {
    QuietGrpcLog quiet;
    server->server_ = builder.BuildAndStart();
  }
  if (server->server_ == nullptr) {
    const std::string why = QuietGrpcLog::FirstError();
    return absl::UnavailableError(
        "cannot listen on " + path + ": " +
        (why.empty() ? "gRPC could not bind it" : why));
  }
  server->loop_ = std::make_unique<CompletionLoop>(std::move(cq));
  server->loop_->set_listening(true);
  server->AcceptNext();
  return server;
}

void GrpcServer::AcceptNext() { std::make_shared<Call>(*this)->Accept(); }

void GrpcServer::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;  // never started
  shut_down_ = true;
  loop_->set_listening(false);
  server_->Shutdown(std::chrono::system_clock::now());
  loop_->Drain();
}

GrpcServer::~GrpcServer() { Shutdown(); }

}  // namespace wire
