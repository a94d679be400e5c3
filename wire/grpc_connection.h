// wire/grpc_connection.h: sim::RpcConnection over a real gRPC channel (a
// generic stub: bytes in, bytes out), so daemon_core drives a real containerd
// exactly as it drives the fake. Calls complete through a CompletionLoop on the
// executor's thread. A call that fails UNAVAILABLE (containerd restarting, the
// socket not there yet) is retried as the channel reconnects, for up to
// `reconnect_window`.
#ifndef DSIM_WIRE_GRPC_CONNECTION_H_
#define DSIM_WIRE_GRPC_CONNECTION_H_

#include <memory>
#include <string>

#include "sim/executor.h"
#include "sim/rpc.h"
#include "wire/completion_loop.h"

namespace grpc {
class ByteBuffer;
class Channel;
template <class RequestType, class ResponseType>
class TemplatedGenericStub;
}  // namespace grpc

namespace wire {

class GrpcConnection : public sim::RpcConnection {
 public:
  // `target` is a gRPC target, e.g. "unix:/run/containerd/containerd.sock".
  GrpcConnection(sim::Executor& ex, CompletionLoop& loop, std::string target,
                 sim::Nanos reconnect_window = 10 * sim::kSecond);
  ~GrpcConnection() override;

  sim::Task<absl::StatusOr<std::string>> Unary(std::string method,
                                               sim::RpcMetadata metadata,
                                               std::string request) override;
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      std::string method, sim::RpcMetadata metadata,
      std::string request) override;

  // Calls answered UNAVAILABLE and retried.
  int retries() const { return retries_; }

 private:
  class Stream;
  struct UnaryCall;
  sim::Task<absl::StatusOr<std::string>> UnaryOnce(const std::string& method,
                                                   const sim::RpcMetadata& md,
                                                   const std::string& request);

  sim::Executor& ex_;
  CompletionLoop& loop_;
  std::string target_;
  sim::Nanos reconnect_window_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<
      grpc::TemplatedGenericStub<grpc::ByteBuffer, grpc::ByteBuffer>>
      stub_;
  sim::ObjectId containerd_;
  int retries_ = 0;
};

}  // namespace wire

#endif  // DSIM_WIRE_GRPC_CONNECTION_H_
