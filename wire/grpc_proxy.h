// wire/grpc_proxy.h: a transparent gRPC pass-through on a unix socket. Every
// method is forwarded as bytes (generic API, no protos), whatever its kind:
// unary, server-streaming (Events/Subscribe streams until the client
// cancels), client- or bidi-streaming. Request metadata (containerd-namespace)
// and the deadline go to the backend; replies, status code, message and error
// details come back. Each finished call is reported once, for logging.
//
// Threading: calls run on gRPC's callback threads; `on_call` may be called
// from several threads at once, and must be thread-safe.
#ifndef DSIM_WIRE_GRPC_PROXY_H_
#define DSIM_WIRE_GRPC_PROXY_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"

namespace grpc {
class ByteBuffer;
class CallbackGenericService;
class Channel;
class Server;
template <class RequestType, class ResponseType>
class TemplatedGenericStub;
}  // namespace grpc

namespace wire {

// wire::ProxiedCall
//
// One call that went through, as reported when it ended.
struct ProxiedCall {
  std::chrono::steady_clock::time_point start;
  std::string method;         // "/containerd.services.tasks.v1.Tasks/Start"
  std::string ns;             // its containerd-namespace header, or ""
  std::string first_request;  // the first request message's bytes
  int code = 0;               // the gRPC status code the client got
  long replies = 0;           // reply messages passed back
};

class GrpcProxy {
 public:
  struct Options {
    std::string listen;   // "unix:PATH"
    std::string backend;  // "unix:PATH"
    std::function<void(const ProxiedCall&)> on_call;
  };
  // Listens (wire::PrepareUnixListen's checks first: a live server's socket
  // is refused, a stale one replaced) and forwards until Shutdown.
  static absl::StatusOr<std::unique_ptr<GrpcProxy>> Start(Options options);
  ~GrpcProxy();

  // Cancels the calls in flight (their clients see UNAVAILABLE, their backend
  // calls are cancelled and reported CANCELLED), waits until
  // each has been reported, and removes the socket. Idempotent.
  void Shutdown();

 private:
  class Call;
  class Service;
  explicit GrpcProxy(Options options);
  void CallStarted();
  void CallEnded();

  Options options_;
  std::string socket_path_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<
      grpc::TemplatedGenericStub<grpc::ByteBuffer, grpc::ByteBuffer>>
      stub_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::condition_variable all_ended_;
  long calls_in_flight_ = 0;  // guarded by mu_
  bool shut_down_ = false;
};

}  // namespace wire

#endif  // DSIM_WIRE_GRPC_PROXY_H_
