// The gRPC adapters: the namespace comes from the `containerd-namespace`
// metadata, statuses keep the core's codes and texts, and a call through an
// adapter is counted like any other.
#include <grpcpp/test/server_context_test_spouse.h>
#include <gtest/gtest.h>

#include "fake_containerd/containers_service.h"
#include "fake_containerd/events_service.h"
#include "fake_containerd/leases_service.h"
#include "fake_containerd/tasks_service.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

class ServicesTest : public ::testing::Test {
 protected:
  ServicesTest()
      : ex({}, strategy),
        fake(ex),
        containers(fake),
        tasks(fake),
        events(fake),
        leases(fake) {}
  ~ServicesTest() override { ex.DestroyAllTasks(); }

  sim::RandomStrategy strategy;
  sim::Executor ex;
  FakeContainerd fake;
  ContainersService containers;
  TasksService tasks;
  EventsService events;
  LeasesService leases;
};

// The Go client's NewContainer: Leases/Create, then Delete; a second Delete is
// NOT_FOUND.
TEST_F(ServicesTest, LeaseCreateDelete) {
  grpc::ServerContext ctx;
  grpc::testing::ServerContextTestSpouse spouse(&ctx);
  spouse.AddClientMetadata("containerd-namespace", "moby");
  lpb::CreateRequest create;
  create.set_id("lease-1");
  lpb::CreateResponse created;
  ASSERT_TRUE(leases.Create(&ctx, &create, &created).ok());
  EXPECT_EQ(created.lease().id(), "lease-1");
  EXPECT_EQ(leases.Create(&ctx, &create, &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  lpb::DeleteRequest del;
  del.set_id("lease-1");
  google::protobuf::Empty empty;
  EXPECT_TRUE(leases.Delete(&ctx, &del, &empty).ok());
  grpc::Status again = leases.Delete(&ctx, &del, &empty);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(again.error_message(), "lease \"lease-1\": not found");
  EXPECT_EQ(fake.rpcs().count("/containerd.services.leases.v1.Leases/Create"),
            2u);
  grpc::ServerContext no_header;
  EXPECT_EQ(leases.Create(&no_header, &create, &created).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// Row: no `containerd-namespace` header -> FAILED_PRECONDITION, through the
// adapter.
TEST_F(ServicesTest, NamespaceComesFromMetadata) {
  grpc::ServerContext no_header;
  cpb::CreateContainerRequest req;
  req.mutable_container()->set_id("c1");
  req.mutable_container()->mutable_runtime()->set_name("io.containerd.runc.v2");
  req.mutable_container()->mutable_spec()->set_value(
      R"({"process":{"args":["run"]}})");
  cpb::CreateContainerResponse resp;
  grpc::Status s = containers.Create(&no_header, &req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "namespace is required: failed precondition");

  grpc::ServerContext ctx;
  grpc::testing::ServerContextTestSpouse spouse(&ctx);
  spouse.AddClientMetadata("containerd-namespace", "ns1");
  EXPECT_TRUE(containers.Create(&ctx, &req, &resp).ok());
  EXPECT_EQ(resp.container().id(), "c1");
  EXPECT_TRUE(resp.container().has_created_at());

  tpb::CreateTaskRequest create;
  create.set_container_id("c1");
  tpb::CreateTaskResponse created;
  EXPECT_TRUE(tasks.Create(&ctx, &create, &created).ok());
  EXPECT_EQ(created.pid(), Kernel::kFirstPid);
  tpb::GetRequest get;
  get.set_container_id("c1");
  tpb::GetResponse got;
  EXPECT_TRUE(tasks.Get(&ctx, &get, &got).ok());
  EXPECT_EQ(got.process().status(), containerd::v1::types::CREATED);
  // Not exited: exited_at is the Go zero time, present on the wire.
  EXPECT_TRUE(got.process().has_exited_at());
  EXPECT_EQ(got.process().exited_at().seconds(), -62135596800);

  // Row: Tasks.Create while a task exists -> ALREADY_EXISTS, code and text
  // kept.
  grpc::Status again = tasks.Create(&ctx, &create, &created);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(again.error_message(), "task c1: already exists");
  EXPECT_EQ(fake.rpcs().count("/containerd.services.tasks.v1.Tasks/Create"),
            2u);
  EXPECT_EQ(
      fake.rpcs().count("/containerd.services.containers.v1.Containers/Create"),
      2u);
}

// Row: Events.Subscribe with a bad filter -> UNKNOWN as the stream's final
// status.
TEST_F(ServicesTest, SubscribeBadFilterIsUnknown) {
  grpc::ServerContext ctx;
  epb::SubscribeRequest req;
  req.add_filters("event.container_id==c1");
  grpc::Status s = events.Subscribe(&ctx, &req, nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(s.error_message().rfind(
                "subscription error: failed parsing subscription filters: ", 0),
            0u);
  EXPECT_TRUE(s.error_message().ends_with(": invalid argument"));
}

TEST_F(ServicesTest, WaitIsUnimplementedSynchronously) {
  grpc::ServerContext ctx;
  tpb::WaitRequest req;
  tpb::WaitResponse resp;
  EXPECT_EQ(tasks.Wait(&ctx, &req, &resp).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace fake_containerd
