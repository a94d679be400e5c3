// fake_containerd/containers_service.h: the generated Containers::Service over
// FakeContainerd, so the fake can be served by a grpc::Server or called
// in-process with a ServerContext. Thin: it reads the namespace header and
// delegates. ListStream stays UNIMPLEMENTED, so the Go client falls back to
// List (as it does against 1.6 servers without it).
//
// Not thread-safe: a real gRPC server must serialize calls (left to the `dsim
// serve` issue).
#ifndef DSIM_FAKE_CONTAINERD_CONTAINERS_SERVICE_H_
#define DSIM_FAKE_CONTAINERD_CONTAINERS_SERVICE_H_

#include "containerd/services/containers/v1/containers.grpc.pb.h"
#include "fake_containerd/fake_containerd.h"

namespace fake_containerd {

class ContainersService final : public cpb::Containers::Service {
 public:
  explicit ContainersService(FakeContainerd& fake) : fake_(fake) {}

  grpc::Status Get(grpc::ServerContext* ctx,
                   const cpb::GetContainerRequest* req,
                   cpb::GetContainerResponse* resp) override;
  grpc::Status List(grpc::ServerContext* ctx,
                    const cpb::ListContainersRequest* req,
                    cpb::ListContainersResponse* resp) override;
  grpc::Status Create(grpc::ServerContext* ctx,
                      const cpb::CreateContainerRequest* req,
                      cpb::CreateContainerResponse* resp) override;
  grpc::Status Update(grpc::ServerContext* ctx,
                      const cpb::UpdateContainerRequest* req,
                      cpb::UpdateContainerResponse* resp) override;
  grpc::Status Delete(grpc::ServerContext* ctx,
                      const cpb::DeleteContainerRequest* req,
                      google::protobuf::Empty* resp) override;

 private:
  FakeContainerd& fake_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_CONTAINERS_SERVICE_H_
