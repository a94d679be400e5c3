// The order of /tasks/create and the Tasks/Create reply through the in-process
// serving (in_process.h): with task_create_event_wait set, as `dsim serve`
// sets it, an event subscriber has taken /tasks/create before the reply
// reaches the client, on every schedule; without it, simulated runs explore
// both orders.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "sim/notify.h"
#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

struct World {
  World(sim::Executor& ex, const ServeInProcessOptions& options)
      : fake(ex),
        faults(ex, FaultOptions{}),
        transport(ex, faults),
        subscribed(ex, "subscribed") {
    ServeInProcess(fake, transport, options);
  }
  FakeContainerd fake;
  Faults faults;
  SimTransport transport;
  sim::Notify subscribed;
  std::vector<std::string> log;  // what the client saw, in order
};

sim::Task<void> Subscriber(World& w) {
  epb::SubscribeRequest req;
  req.add_filters("topic==\"/tasks/create\"");
  absl::StatusOr<std::unique_ptr<sim::RpcStream>> stream =
      co_await w.transport.ServerStream(
          std::string(method::kEventsPrefix) + "Subscribe", {},
          req.SerializeAsString());
  w.subscribed.Fire();
  if (!stream.ok()) co_return;
  for (;;) {
    absl::StatusOr<std::optional<std::string>> m = co_await (*stream)->Next();
    if (!m.ok() || !m->has_value()) co_return;
    w.log.push_back("event");
  }
}

sim::Task<void> Creator(World& w) {
  co_await w.subscribed.Wait();
  sim::RpcMetadata md{{"containerd-namespace", "moby"}};
  cpb::CreateContainerRequest container;
  container.mutable_container()->set_id("c");
  container.mutable_container()->mutable_runtime()->set_name(
      "io.containerd.runc.v2");
  container.mutable_container()->mutable_spec()->set_value(
      R"({"process":{"args":["sleep"]}})");
  absl::StatusOr<std::string> r = co_await w.transport.Unary(
      std::string(method::kContainersPrefix) + "Create", md,
      container.SerializeAsString());
  EXPECT_TRUE(r.ok()) << r.status();
  tpb::CreateTaskRequest task;
  task.set_container_id("c");
  r = co_await w.transport.Unary(std::string(method::kTasksPrefix) + "Create",
                                 md, task.SerializeAsString());
  EXPECT_TRUE(r.ok()) << r.status();
  w.log.push_back("reply");
}

// The client's log of one run with `seed`.
std::vector<std::string> RunOnce(uint64_t seed,
                                 const ServeInProcessOptions& options) {
  sim::RandomStrategy strategy;
  sim::Executor ex({.seed = seed}, strategy);
  std::vector<std::string> log;
  {
    World w(ex, options);
    ex.Spawn("subscriber", Subscriber(w),
             sim::SpawnOptions{.background = true});
    ex.Spawn("creator", Creator(w));
    EXPECT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
    log = w.log;
    ex.DestroyAllTasks();
  }
  return log;
}

TEST(TaskCreateOrderTest, ServeDeliversTheCreateEventBeforeTheReply) {
  const ServeInProcessOptions serve{.task_create_event_wait = sim::kSecond};
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    EXPECT_EQ(RunOnce(seed, serve),
              (std::vector<std::string>{"event", "reply"}))
        << "seed " << seed;
  }
}

TEST(TaskCreateOrderTest, SimulatedRunsExploreBothOrders) {
  bool reply_first = false;
  for (uint64_t seed = 1; seed <= 40 && !reply_first; ++seed) {
    std::vector<std::string> log = RunOnce(seed, {});
    reply_first = !log.empty() && log.front() == "reply";
  }
  EXPECT_TRUE(reply_first)
      << "without the wait, no schedule replied before delivering the event";
}

}  // namespace
}  // namespace fake_containerd
