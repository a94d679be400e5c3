// sim/rpc.h: the connection interface between an RPC client and a server, in
// serialized bytes, so the same client code runs over the simulated transport
// (fake_containerd) and over real gRPC (a generic stub). Method names are full
// gRPC names ("/pkg.Service/Method"); metadata carries headers such as
// "containerd-namespace". Status codes are gRPC's, as absl::Status (abseil's
// codes are numbered like gRPC's).
//
// A caller holding messages uses UnaryMessage and NextMessage: by default they
// serialize and parse around Unary and Next, and a connection within the
// process (the sim transport) overrides them to hand the messages over without
// the bytes, which were a fifth of a simulated run.
#ifndef DSIM_SIM_RPC_H_
#define DSIM_SIM_RPC_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/task.h"

namespace google::protobuf {
class Message;
}

namespace sim {

using RpcMetadata = std::vector<std::pair<std::string, std::string>>;

// A server-streaming call's replies, in order.
class RpcStream {
 public:
  virtual ~RpcStream() = default;
  // The next message; empty once the stream ended cleanly; an error when it
  // broke.
  virtual Task<absl::StatusOr<std::optional<std::string>>> Next() = 0;
  // The next message into `message` (replaced): true; false once the stream
  // ended cleanly; an error when it broke.
  virtual Task<absl::StatusOr<bool>> NextMessage(
      google::protobuf::Message* message);
};

class RpcConnection {
 public:
  virtual ~RpcConnection() = default;
  virtual Task<absl::StatusOr<std::string>> Unary(std::string method,
                                                  RpcMetadata metadata,
                                                  std::string request) = 0;
  virtual Task<absl::StatusOr<std::unique_ptr<RpcStream>>> ServerStream(
      std::string method, RpcMetadata metadata, std::string request) = 0;
  // Unary in messages: `response` (nullptr: the reply is dropped) is cleared,
  // and holds the reply when the status is OK.
  virtual Task<absl::Status> UnaryMessage(
      std::string method, RpcMetadata metadata,
      const google::protobuf::Message& request,
      google::protobuf::Message* response);
};

}  // namespace sim

#endif  // DSIM_SIM_RPC_H_
