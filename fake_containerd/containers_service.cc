#include "fake_containerd/containers_service.h"

#include "fake_containerd/service_util.h"

namespace fake_containerd {

grpc::Status ContainersService::Get(grpc::ServerContext* ctx,
                                    const cpb::GetContainerRequest* req,
                                    cpb::GetContainerResponse* resp) {
  return ToGrpc(fake_.GetContainer(NamespaceOf(ctx), *req, resp));
}

grpc::Status ContainersService::List(grpc::ServerContext* ctx,
                                     const cpb::ListContainersRequest* req,
                                     cpb::ListContainersResponse* resp) {
  return ToGrpc(fake_.ListContainers(NamespaceOf(ctx), *req, resp));
}

grpc::Status ContainersService::Create(grpc::ServerContext* ctx,
                                       const cpb::CreateContainerRequest* req,
                                       cpb::CreateContainerResponse* resp) {
  return ToGrpc(fake_.CreateContainer(NamespaceOf(ctx), *req, resp));
}

grpc::Status ContainersService::Update(grpc::ServerContext* ctx,
                                       const cpb::UpdateContainerRequest* req,
                                       cpb::UpdateContainerResponse* resp) {
  return ToGrpc(fake_.UpdateContainer(NamespaceOf(ctx), *req, resp));
}

grpc::Status ContainersService::Delete(grpc::ServerContext* ctx,
                                       const cpb::DeleteContainerRequest* req,
                                       google::protobuf::Empty*) {
  return ToGrpc(fake_.DeleteContainer(NamespaceOf(ctx), *req));
}

}  // namespace fake_containerd
