// wire/request_ids.h: the container id and exec id a containerd request
// names, read from its bytes by method (no generated message types), so that a
// pass-through (wire/grpc_proxy.h) can say which container each RPC was for.
#ifndef DSIM_WIRE_REQUEST_IDS_H_
#define DSIM_WIRE_REQUEST_IDS_H_

#include <string>
#include <string_view>

namespace wire {

// wire::RequestIds
//
// Empty strings where the request has no such field, the method is not one
// containerd 1.6 defines with it, or the bytes do not parse.
struct RequestIds {
  std::string container_id;
  std::string exec_id;
};

// wire::RequestIdsOf
//
// `method` is the full gRPC method ("/containerd.services.tasks.v1.Tasks/
// Start"), `request` the serialized request message.
RequestIds RequestIdsOf(std::string_view method, const std::string& request);

}  // namespace wire

#endif  // DSIM_WIRE_REQUEST_IDS_H_
