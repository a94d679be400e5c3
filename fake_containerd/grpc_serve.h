// fake_containerd/grpc_serve.h: the fake containerd served over real gRPC on a
// unix socket (`dsim serve`), for ctr and other real clients. Its kernel runs
// in real time: virtual time follows the wall clock in this mode only. No
// faults are drawn. The stdio FIFOs clients pass are opened as a shim opens
// them (stdio_fifos.h).
#ifndef DSIM_FAKE_CONTAINERD_GRPC_SERVE_H_
#define DSIM_FAKE_CONTAINERD_GRPC_SERVE_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/status.h"

namespace sim {
class Executor;
class RpcConnection;
}  // namespace sim

namespace fake_containerd {

class FakeContainerd;

struct GrpcServeOptions {
  std::string listen;  // "unix:PATH"
  // Serving ends soon after this turns true (a signal handler, a test).
  const std::atomic<bool>* stop = nullptr;
  // Called once the socket accepts connections.
  std::function<void()> on_ready;
  // `dsim drive` (properties/drive_gate.h): called once the fake exists,
  // before serving; returns what the server serves in place of the fake's
  // transport (a gate in front of it) and may spawn tasks on `ex`. Unset:
  // the transport itself.
  std::function<sim::RpcConnection&(sim::Executor& ex, FakeContainerd& fake,
                                    sim::RpcConnection& transport)>
      front;
};

// Serves on the calling thread until *stop. An error when it cannot listen.
absl::Status ServeOverGrpc(const GrpcServeOptions& options);

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_GRPC_SERVE_H_
