// wire::GrpcProxy between a generic gRPC client and a small backend on unix
// sockets in the test's temp dir: what passes through (metadata, deadline,
// status with message and details, every message of a bidi stream, a message
// over gRPC's default 4 MiB limit), what a cancel does on each side, and what
// each call reports.
#include "wire/grpc_proxy.h"

#include <grpcpp/channel.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "wire/status.h"

namespace wire {
namespace {

using std::chrono::seconds;

// A backend of five methods under /t.T/: Meta (replies with the namespace
// header and the seconds left to the deadline), Fail (NOT_FOUND with a message
// and details), Echo (bidi: each message back), Big (the request back), and
// Forever (one message, then nothing until cancelled).
class Backend : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* ctx) override {
    return new Reactor(*this, ctx);
  }
  // Waits (bounded) until `n` calls were cancelled.
  bool WaitCancelled(int n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, seconds(10), [&] { return cancelled_ >= n; });
  }

 private:
  class Reactor : public grpc::ServerGenericBidiReactor {
   public:
    Reactor(Backend& b, grpc::GenericCallbackServerContext* ctx)
        : backend_(b), ctx_(ctx), method_(ctx->method()) {
      StartRead(&in_);
    }
    void OnReadDone(bool ok) override {
      if (!ok) return FinishOnce(grpc::Status::OK);  // the client half-closed
      if (method_ == "/t.T/Meta") {
        ReplyOnce(ToByteBuffer(Describe()));
      } else if (method_ == "/t.T/Fail") {
        FinishOnce(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such thing",
                                "details-bytes"));
      } else if (method_ == "/t.T/Big") {
        ReplyOnce(in_);
      } else {  // Echo, Forever
        out_ = method_ == "/t.T/Echo" ? in_ : ToByteBuffer("first");
        StartWrite(&out_);
      }
    }
    void OnWriteDone(bool ok) override {
      if (ok && method_ == "/t.T/Echo") StartRead(&in_);
    }
    void OnCancel() override {
      {
        std::lock_guard<std::mutex> l(backend_.mu_);
        ++backend_.cancelled_;
      }
      backend_.cv_.notify_all();
      FinishOnce(grpc::Status::CANCELLED);
    }
    void OnDone() override { delete this; }

   private:
    std::string Describe() {
      std::string ns;
      for (const auto& [k, v] : ctx_->client_metadata()) {
        if (k == "containerd-namespace") ns.assign(v.data(), v.size());
      }
      const auto left = std::chrono::duration_cast<seconds>(
          ctx_->deadline() - std::chrono::system_clock::now());
      return "ns=" + ns + " left=" + std::to_string(left.count());
    }
    // Each call is finished once, by its reply or by a cancel.
    bool TakeFinish() {
      std::lock_guard<std::mutex> l(mu_);
      const bool first = !finished_;
      finished_ = true;
      return first;
    }
    void FinishOnce(grpc::Status s) {
      if (TakeFinish()) Finish(std::move(s));
    }
    void ReplyOnce(const grpc::ByteBuffer& reply) {
      if (!TakeFinish()) return;
      out_ = reply;
      StartWriteAndFinish(&out_, grpc::WriteOptions(), grpc::Status::OK);
    }

    Backend& backend_;
    grpc::GenericCallbackServerContext* ctx_;
    std::string method_;
    grpc::ByteBuffer in_, out_;
    std::mutex mu_;
    bool finished_ = false;
  };

  std::mutex mu_;
  std::condition_variable cv_;
  int cancelled_ = 0;
};

// One client call driven step by step on its own completion queue.
class Call {
 public:
  Call(grpc::GenericStub& stub, const std::string& method,
       grpc::ClientContext* ctx) {
    rw_ = stub.PrepareCall(ctx, method, &cq_);
    rw_->StartCall(this);
    Await();
  }
  ~Call() {
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }
  bool Write(const std::string& m) {
    rw_->Write(ToByteBuffer(m), this);
    return Await();
  }
  void WritesDone() {
    rw_->WritesDone(this);
    Await();
  }
  // The next reply, or nullopt when there is none.
  std::optional<std::string> Read() {
    grpc::ByteBuffer b;
    rw_->Read(&b, this);
    if (!Await()) return std::nullopt;
    return FromByteBuffer(b);
  }
  grpc::Status Finish() {
    grpc::Status s;
    rw_->Finish(&s, this);
    Await();
    return s;
  }

 private:
  bool Await() {
    void* tag;
    bool ok = false;
    cq_.Next(&tag, &ok);
    return ok;
  }
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> rw_;
};

class GrpcProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/proxy-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    grpc::ServerBuilder builder;
    builder.SetMaxReceiveMessageSize(-1);
    builder.AddListeningPort("unix:" + dir_ + "/backend.sock",
                             grpc::InsecureServerCredentials());
    builder.RegisterCallbackGenericService(&backend_);
    backend_server_ = builder.BuildAndStart();
    ASSERT_NE(backend_server_, nullptr);
    absl::StatusOr<std::unique_ptr<GrpcProxy>> proxy =
        GrpcProxy::Start({.listen = "unix:" + dir_ + "/proxy.sock",
                          .backend = "unix:" + dir_ + "/backend.sock",
                          .on_call = [this](const ProxiedCall& c) {
                            std::lock_guard<std::mutex> l(mu_);
                            calls_.push_back(c);
                            cv_.notify_all();
                          }});
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = std::move(*proxy);
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    stub_ = std::make_unique<grpc::GenericStub>(
        grpc::CreateCustomChannel("unix:" + dir_ + "/proxy.sock",
                                  grpc::InsecureChannelCredentials(), args));
  }
  void TearDown() override {
    stub_.reset();
    if (proxy_) proxy_->Shutdown();
    if (backend_server_) backend_server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }
  // The n-th call reported (waits for it, bounded).
  ProxiedCall Reported(size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, seconds(10), [&] { return calls_.size() > n; });
    return calls_.size() > n ? calls_[n] : ProxiedCall{};
  }
  std::unique_ptr<Call> Unary(const std::string& method,
                              grpc::ClientContext* ctx,
                              const std::string& request) {
    auto call = std::make_unique<Call>(*stub_, method, ctx);
    call->Write(request);
    call->WritesDone();
    return call;
  }

  std::string dir_;
  Backend backend_;
  std::unique_ptr<grpc::Server> backend_server_;
  std::unique_ptr<GrpcProxy> proxy_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ProxiedCall> calls_;
};

TEST_F(GrpcProxyTest, NamespaceHeaderAndDeadlineReachTheBackend) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("containerd-namespace", "ns1");
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(30));
  std::unique_ptr<Call> call = Unary("/t.T/Meta", &ctx, "request-bytes");
  const std::optional<std::string> reply = call->Read();
  ASSERT_TRUE(reply.has_value());
  // The backend saw the header and a deadline 30 s out (not infinite).
  EXPECT_TRUE(*reply == "ns=ns1 left=29" || *reply == "ns=ns1 left=30")
      << *reply;
  EXPECT_TRUE(call->Finish().ok());
  const ProxiedCall c = Reported(0);
  EXPECT_EQ(c.method, "/t.T/Meta");
  EXPECT_EQ(c.ns, "ns1");
  EXPECT_EQ(c.first_request, "request-bytes");
  EXPECT_EQ(c.code, 0);
  EXPECT_EQ(c.replies, 1);
}

TEST_F(GrpcProxyTest, StatusMessageAndDetailsComeBack) {
  grpc::ClientContext ctx;
  std::unique_ptr<Call> call = Unary("/t.T/Fail", &ctx, "x");
  EXPECT_FALSE(call->Read().has_value());
  const grpc::Status s = call->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "no such thing");
  EXPECT_EQ(s.error_details(), "details-bytes");
  EXPECT_EQ(Reported(0).code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reported(0).replies, 0);
}

TEST_F(GrpcProxyTest, BidiStreamPassesEachMessageInTurn) {
  grpc::ClientContext ctx;
  Call call(*stub_, "/t.T/Echo", &ctx);
  for (const std::string m : {"one", "two", "three"}) {
    ASSERT_TRUE(call.Write(m));
    EXPECT_EQ(call.Read(), m);  // before the next is sent: no batching
  }
  call.WritesDone();
  EXPECT_FALSE(call.Read().has_value());
  EXPECT_TRUE(call.Finish().ok());
  EXPECT_EQ(Reported(0).replies, 3);
  EXPECT_EQ(Reported(0).first_request, "one");
}

TEST_F(GrpcProxyTest, MessagesOverFourMebibytesPass) {
  const std::string big(5 << 20, 'b');
  grpc::ClientContext ctx;
  std::unique_ptr<Call> call = Unary("/t.T/Big", &ctx, big);
  const std::optional<std::string> reply = call->Read();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->size(), big.size());
  EXPECT_TRUE(call->Finish().ok());
}

TEST_F(GrpcProxyTest, ClientCancelReachesTheBackend) {
  grpc::ClientContext ctx;
  std::unique_ptr<Call> call = Unary("/t.T/Forever", &ctx, "x");
  EXPECT_EQ(call->Read(), "first");
  ctx.TryCancel();
  EXPECT_EQ(call->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(backend_.WaitCancelled(1));
  EXPECT_EQ(Reported(0).code, grpc::StatusCode::CANCELLED);
}

TEST_F(GrpcProxyTest, ShutdownEndsOpenStreamsAndRemovesTheSocket) {
  grpc::ClientContext ctx;
  std::unique_ptr<Call> call = Unary("/t.T/Forever", &ctx, "x");
  EXPECT_EQ(call->Read(), "first");
  proxy_->Shutdown();  // returns: the stream does not keep it waiting
  EXPECT_FALSE(call->Finish().ok());
  EXPECT_TRUE(backend_.WaitCancelled(1));
  EXPECT_EQ(Reported(0).code, grpc::StatusCode::CANCELLED);
  struct stat st;
  EXPECT_NE(lstat((dir_ + "/proxy.sock").c_str(), &st), 0);
}

TEST_F(GrpcProxyTest, ALiveServersSocketIsRefused) {
  absl::StatusOr<std::unique_ptr<GrpcProxy>> second =
      GrpcProxy::Start({.listen = "unix:" + dir_ + "/backend.sock",
                        .backend = "unix:" + dir_ + "/proxy.sock",
                        .on_call = nullptr});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace wire
