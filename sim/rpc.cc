#include "sim/rpc.h"

#include <google/protobuf/message.h>

namespace sim {

Task<absl::StatusOr<bool>> RpcStream::NextMessage(
    google::protobuf::Message* message) {
  absl::StatusOr<std::optional<std::string>> m = co_await Next();
  if (!m.ok()) co_return m.status();
  if (!m->has_value()) co_return false;
  if (!message->ParseFromString(**m)) {
    co_return absl::InternalError("cannot parse a stream message");
  }
  co_return true;
}

Task<absl::Status> RpcConnection::UnaryMessage(
    std::string method, RpcMetadata metadata,
    const google::protobuf::Message& request,
    google::protobuf::Message* response) {
  if (response != nullptr) response->Clear();
  absl::StatusOr<std::string> reply = co_await Unary(
      std::move(method), std::move(metadata), request.SerializeAsString());
  if (!reply.ok()) co_return reply.status();
  if (response != nullptr && !response->ParseFromString(*reply)) {
    co_return absl::InternalError("cannot parse the reply");
  }
  co_return absl::OkStatus();
}

}  // namespace sim
