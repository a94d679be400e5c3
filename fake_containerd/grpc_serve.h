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

namespace fake_containerd {

struct GrpcServeOptions {
  std::string listen;  // "unix:PATH"
  // Serving ends soon after this turns true (a signal handler, a test).
  const std::atomic<bool>* stop = nullptr;
  // Called once the socket accepts connections.
  std::function<void()> on_ready;
};

// Serves on the calling thread until *stop. An error when it cannot listen.
absl::Status ServeOverGrpc(const GrpcServeOptions& options);

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_GRPC_SERVE_H_
