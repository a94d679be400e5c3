#include "fake_containerd/events_service.h"

#include "fake_containerd/event_filter.h"
#include "fake_containerd/service_util.h"

namespace fake_containerd {

grpc::Status EventsService::Publish(grpc::ServerContext* ctx,
                                    const epb::PublishRequest* req,
                                    google::protobuf::Empty*) {
  return ToGrpc(fake_.Publish(NamespaceOf(ctx), *req));
}

grpc::Status EventsService::Forward(grpc::ServerContext*,
                                    const epb::ForwardRequest* req,
                                    google::protobuf::Empty*) {
  return ToGrpc(fake_.Forward(*req));
}

grpc::Status EventsService::Subscribe(grpc::ServerContext*,
                                      const epb::SubscribeRequest* req,
                                      grpc::ServerWriter<epb::Envelope>*) {
  fake_.rpcs().Record(std::string(method::kEventsPrefix) + "Subscribe");
  absl::StatusOr<EventFilter> f = EventFilter::Parse(
      std::vector<std::string>(req->filters().begin(), req->filters().end()));
  if (!f.ok()) {
    // containerd reports a bad filter as the stream's final status,
    // unclassified.
    return grpc::Status(
        grpc::StatusCode::UNKNOWN,
        "subscription error: " + std::string(f.status().message()));
  }
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      "Events/Subscribe streams only in the simulation: call "
                      "FakeContainerd::Subscribe");
}

}  // namespace fake_containerd
