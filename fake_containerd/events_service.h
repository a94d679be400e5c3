// fake_containerd/events_service.h: the generated Events::Service over
// FakeContainerd. Publish and Forward delegate. Subscribe checks its filters (a
// bad one ends the stream with UNKNOWN "subscription error: failed parsing
// subscription filters: ...: invalid argument", as observed) but cannot stream
// inside the simulation: sim code calls FakeContainerd::Subscribe (envelopes
// through a sim::Chan); streaming over real gRPC is left to the `dsim serve`
// issue.
#ifndef DSIM_FAKE_CONTAINERD_EVENTS_SERVICE_H_
#define DSIM_FAKE_CONTAINERD_EVENTS_SERVICE_H_

#include "containerd/services/events/v1/events.grpc.pb.h"
#include "fake_containerd/fake_containerd.h"

namespace fake_containerd {

class EventsService final : public epb::Events::Service {
 public:
  explicit EventsService(FakeContainerd& fake) : fake_(fake) {}

  grpc::Status Publish(grpc::ServerContext* ctx, const epb::PublishRequest* req,
                       google::protobuf::Empty* resp) override;
  grpc::Status Forward(grpc::ServerContext* ctx, const epb::ForwardRequest* req,
                       google::protobuf::Empty* resp) override;
  grpc::Status Subscribe(grpc::ServerContext* ctx,
                         const epb::SubscribeRequest* req,
                         grpc::ServerWriter<epb::Envelope>* writer) override;

 private:
  FakeContainerd& fake_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_EVENTS_SERVICE_H_
