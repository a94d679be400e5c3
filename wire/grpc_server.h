// wire/grpc_server.h: serves a sim::RpcConnection (the fake containerd's
// in-process handlers) to real gRPC clients on a unix socket, so `ctr` and the
// Go client can talk to the fake. Every request becomes a task of the run;
// the server's completion queue is the run's sim::Outside.
#ifndef DSIM_WIRE_GRPC_SERVER_H_
#define DSIM_WIRE_GRPC_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "sim/executor.h"
#include "sim/rpc.h"
#include "wire/completion_loop.h"

namespace grpc {
class AsyncGenericService;
class Server;
}  // namespace grpc

namespace wire {

class GrpcServer {
 public:
  // Listens on `listen` ("unix:PATH"). Calls `backend` for every request, from
  // tasks spawned on `ex`; set `loop()` as ex's outside and run ex.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      sim::Executor& ex, const std::string& listen,
      sim::RpcConnection& backend);
  ~GrpcServer();

  CompletionLoop& loop() { return *loop_; }
  // Stops accepting, cancels calls in flight and delivers their tags. Call
  // after the run ended, before destroying the executor's tasks.
  void Shutdown();
  // Requests served so far.
  long calls() const { return calls_; }

 private:
  class Call;
  GrpcServer(sim::Executor& ex, sim::RpcConnection& backend);
  void AcceptNext();

  sim::Executor& ex_;
  sim::RpcConnection& backend_;
  std::unique_ptr<grpc::AsyncGenericService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<CompletionLoop> loop_;
  bool shut_down_ = false;
  long calls_ = 0;
};

}  // namespace wire

#endif  // DSIM_WIRE_GRPC_SERVER_H_
