// properties/live_stack.h: the stack of a live run: the daemon model talking to
// a real containerd over gRPC, with the OCI specs of real busybox commands.
// The connection is tapped, so the run sees the events the daemon receives (as
// the fake's tap shows them in the simulation) and counts the RPCs it issues.
#ifndef DSIM_PROPERTIES_LIVE_STACK_H_
#define DSIM_PROPERTIES_LIVE_STACK_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon_core/daemon.h"
#include "daemon_core/disk.h"
#include "fake_containerd/event_exchange.h"
#include "fake_containerd/rpc_log.h"
#include "sim/rpc.h"
#include "wire/completion_loop.h"
#include "wire/grpc_connection.h"

namespace properties {

struct LiveOptions {
  std::string containerd;  // gRPC target, "unix:PATH"
  std::string ns = "dsim";
  std::string rootfs;  // absolute path of the busybox rootfs
};

// Counts every request (RpcLog), shows every request in messages to
// `send_check` in the sending task before it leaves, and shows every event
// envelope the daemon's subscriptions deliver to `tap`, before the daemon
// sees it.
class TappedConnection : public sim::RpcConnection {
 public:
  using Tap = std::function<void(const fake_containerd::Envelope&)>;
  // `count_rpcs` false: only the tap (the simulated stack, whose fake
  // containerd counts every RPC already).
  explicit TappedConnection(sim::RpcConnection& inner, bool count_rpcs = true)
      : inner_(inner), count_rpcs_(count_rpcs) {}
  void set_tap(Tap tap) { tap_ = std::move(tap); }
  using SendCheck = std::function<void(
      std::string_view method, const google::protobuf::Message& request)>;
  void set_send_check(SendCheck check) { send_check_ = std::move(check); }
  fake_containerd::RpcLog& rpcs() { return rpcs_; }

  sim::Task<absl::StatusOr<std::string>> Unary(std::string method,
                                               sim::RpcMetadata metadata,
                                               std::string request) override;
  sim::Task<absl::Status> UnaryMessage(
      std::string method, sim::RpcMetadata metadata,
      const google::protobuf::Message& request,
      google::protobuf::Message* response) override;
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      std::string method, sim::RpcMetadata metadata,
      std::string request) override;

 private:
  class Stream;
  sim::RpcConnection& inner_;
  const bool count_rpcs_;
  Tap tap_;
  SendCheck send_check_;
  fake_containerd::RpcLog rpcs_;
};

struct LiveStack {
  LiveStack(sim::Executor& ex, wire::CompletionLoop& loop,
            const LiveOptions& live, daemon_core::libcontainerd::Design design,
            daemon_core::Mutation mutation = daemon_core::Mutation::kNone);
  ~LiveStack();

  sim::Executor& ex;
  LiveOptions live;
  wire::GrpcConnection grpc;
  TappedConnection conn;
  daemon_core::Disk disk;
  daemon_core::Daemon::Options options;
  std::unique_ptr<daemon_core::Daemon> daemon;
  // The stdin FIFOs of containers whose program reads stdin (the shim holds
  // a writer, so `cat` reads until Tasks/CloseIO, as in the fake).
  std::string fifo_dir;
  std::vector<int> stdin_writers;  // our ends of those FIFOs
};

// Kills and deletes every task and container in `ns` (before and after a live
// run: a crashed run may have left some). The first error, if any.
sim::Task<absl::Status> RemoveEverything(sim::Executor& ex,
                                         sim::RpcConnection& conn,
                                         std::string ns);

}  // namespace properties

#endif  // DSIM_PROPERTIES_LIVE_STACK_H_
