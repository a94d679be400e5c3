// fake_containerd/leases_service.h: the generated Leases::Service over
// FakeContainerd (Create and Delete; the rest of the service is UNIMPLEMENTED,
// as the daemon never calls it).
#ifndef DSIM_FAKE_CONTAINERD_LEASES_SERVICE_H_
#define DSIM_FAKE_CONTAINERD_LEASES_SERVICE_H_

#include "containerd/services/leases/v1/leases.grpc.pb.h"
#include "fake_containerd/fake_containerd.h"

namespace fake_containerd {

namespace lpb = ::containerd::services::leases::v1;

class LeasesService final : public lpb::Leases::Service {
 public:
  explicit LeasesService(FakeContainerd& fake) : fake_(fake) {}

  grpc::Status Create(grpc::ServerContext* ctx, const lpb::CreateRequest* req,
                      lpb::CreateResponse* resp) override;
  grpc::Status Delete(grpc::ServerContext* ctx, const lpb::DeleteRequest* req,
                      google::protobuf::Empty* resp) override;

 private:
  FakeContainerd& fake_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_LEASES_SERVICE_H_
