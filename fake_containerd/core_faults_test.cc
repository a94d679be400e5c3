// Environment events and fault points handled by the core: an exec start that
// fails, a shim that dies, containerd restarting.
#include <gtest/gtest.h>

#include "containerd/events/task.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

const std::string kNs = "ns1";

struct Harness {
  Harness() : ex({}, strategy), fake(ex), faults(ex, FaultOptions{}) {
    fake.set_faults(&faults);
    fake.events().set_tap(
        [this](const Envelope& e) { topics.push_back(e.topic()); });
  }
  ~Harness() { ex.DestroyAllTasks(); }

  void NewRunningTask(const std::string& id) {
    cpb::CreateContainerRequest c;
    c.mutable_container()->set_id(id);
    c.mutable_container()->mutable_runtime()->set_name("io.containerd.runc.v2");
    c.mutable_container()->mutable_spec()->set_value(
        R"({"process":{"args":["run"]}})");
    cpb::CreateContainerResponse cr;
    ASSERT_TRUE(fake.CreateContainer(kNs, c, &cr).ok());
    ASSERT_TRUE(fake.kernel()
                    .CreateTask(kNs, id, Program::RunUntilSignalled(), {})
                    .ok());
    ASSERT_TRUE(fake.kernel().Start(kNs, id, "").ok());
  }

  sim::RandomStrategy strategy;
  sim::Executor ex;
  std::vector<std::string> topics;
  FakeContainerd fake;
  Faults faults;
};

TEST(CoreFaultsTest, ForcedExecStartFailurePublishesTheDeadProcesssExit) {
  Harness h;
  h.NewRunningTask("c1");
  ASSERT_TRUE(h.fake.kernel()
                  .Exec(kNs, "c1", "e1", Program::RunUntilSignalled(), {})
                  .ok());
  h.faults.Force(FaultPoint::kExecStartFails);
  tpb::StartRequest req;
  req.set_container_id("c1");
  req.set_exec_id("e1");
  tpb::StartResponse resp;
  absl::Status s = h.fake.Start(kNs, req, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_NE(std::string(s.message()).find("died during start"),
            std::string::npos);
  // Unlike a missing binary (CREATED, no exit): the process existed and died.
  EXPECT_EQ((*h.fake.kernel().Get(kNs, "c1", "e1"))->state,
            ProcessState::kStopped);
  EXPECT_EQ((*h.fake.kernel().Get(kNs, "c1", "e1"))->exit_status, 127u);
  EXPECT_EQ(std::count(h.topics.begin(), h.topics.end(), "/tasks/exit"), 1);
  EXPECT_EQ(h.faults.fired(FaultPoint::kExecStartFails), 1);
}

TEST(CoreFaultsTest, ShimDeathPublishesInitExitAndDeleteAndForgetsTheTask) {
  Harness h;
  absl::StatusOr<ExitResult> waited;
  h.ex.Spawn(
      "client",
      [](Harness& h, absl::StatusOr<ExitResult>* out) -> sim::Task<void> {
        h.NewRunningTask("c1");
        (void)h.fake.kernel().Exec(kNs, "c1", "e1",
                                   Program::RunUntilSignalled(), {});
        (void)h.fake.kernel().Start(kNs, "c1", "e1");
        auto killer =
            h.ex.Spawn("shim-killer", [](Harness& h) -> sim::Task<void> {
              co_await h.ex.Sleep(sim::kSecond);
              EXPECT_TRUE(h.fake.kernel().KillShim(kNs, "c1").ok());
            }(h));
        *out = co_await h.fake.kernel().Wait(kNs, "c1", "e1");
        co_await h.ex.Join(killer);
        tpb::GetRequest get;
        get.set_container_id("c1");
        tpb::GetResponse resp;
        EXPECT_EQ(h.fake.Get(kNs, get, &resp).message(), "task c1 not found");
      }(h, &waited));
  ASSERT_EQ(h.ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_EQ(waited.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(waited.status().message(), "ttrpc: closed: unknown");
  // containerd's dead-shim cleanup: init's exit (not the exec's), then the
  // task's deletion (observed, 1.6.20: differential_test.cc ShimDeath).
  ASSERT_GE(h.topics.size(), 2u);
  EXPECT_EQ(h.topics[h.topics.size() - 2], "/tasks/exit");
  EXPECT_EQ(h.topics.back(), "/tasks/delete");
  EXPECT_EQ(std::count(h.topics.begin(), h.topics.end(), "/tasks/exit"), 1);
}

TEST(CoreFaultsTest, RestartEndsSubscriptionsButTasksSurvive) {
  Harness h;
  epb::SubscribeRequest req;
  absl::StatusOr<std::unique_ptr<Subscription>> sub = h.fake.Subscribe(req);
  ASSERT_TRUE(sub.ok());
  bool ended = false;
  h.ex.Spawn("client",
             [](Harness& h, Subscription& s, bool* ended) -> sim::Task<void> {
               h.NewRunningTask("c1");
               for (int i = 0; i < 1; ++i)
                 co_await s.events().Recv();  // /containers/create
               h.fake.Restart();
               for (;;) {
                 std::optional<EnvelopePtr> e = co_await s.events().Recv();
                 if (!e.has_value()) break;
               }
               *ended = true;
               tpb::GetRequest get;
               get.set_container_id("c1");
               tpb::GetResponse resp;
               EXPECT_TRUE(h.fake.Get(kNs, get, &resp).ok());
               EXPECT_EQ(resp.process().status(),
                         containerd::v1::types::RUNNING);
             }(h, **sub, &ended));
  ASSERT_EQ(h.ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_TRUE(ended);
  EXPECT_EQ((*sub)->final_status().code(), absl::StatusCode::kUnavailable);
  sub->reset();
}

}  // namespace
}  // namespace fake_containerd
