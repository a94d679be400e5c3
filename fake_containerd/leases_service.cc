#include "fake_containerd/leases_service.h"

#include "fake_containerd/service_util.h"

namespace fake_containerd {

grpc::Status LeasesService::Create(grpc::ServerContext* ctx,
                                   const lpb::CreateRequest* req,
                                   lpb::CreateResponse* resp) {
  return ToGrpc(fake_.CreateLease(NamespaceOf(ctx), *req, resp));
}

grpc::Status LeasesService::Delete(grpc::ServerContext* ctx,
                                   const lpb::DeleteRequest* req,
                                   google::protobuf::Empty*) {
  return ToGrpc(fake_.DeleteLease(NamespaceOf(ctx), *req));
}

}  // namespace fake_containerd
