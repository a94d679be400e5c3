// fake_containerd/service_util.h: what the gRPC adapters share: the namespace
// from the `containerd-namespace` client metadata, and absl::Status ->
// grpc::Status (the codes are numbered alike). Includes gRPC headers: only
// adapters include this.
#ifndef DSIM_FAKE_CONTAINERD_SERVICE_UTIL_H_
#define DSIM_FAKE_CONTAINERD_SERVICE_UTIL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace fake_containerd {

inline constexpr char kNamespaceHeader[] = "containerd-namespace";

// Empty when the header is missing (the core then answers FAILED_PRECONDITION).
inline std::string NamespaceOf(const grpc::ServerContext* ctx) {
  if (ctx == nullptr) return "";
  const auto& md = ctx->client_metadata();
  auto it = md.find(kNamespaceHeader);
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

inline grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message()));
}

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_SERVICE_UTIL_H_
