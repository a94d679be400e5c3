// End to end through every layer: daemon_core's libcontainerd (both designs) ->
// the containerd client layer -> sim::RpcConnection bytes -> the sim transport
// -> the fake containerd core -> its simulated kernel, and events back through
// a subscription.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "containerd/events/task.pb.h"
#include "daemon_core/containerd_client.h"
#include "daemon_core/libcontainerd.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/sim_transport.h"
#include "sim/run.h"
#include "sim/strategy_random.h"

namespace {

using daemon_core::c8d::ContainerInfo;
using daemon_core::libcontainerd::Design;

struct Stack {
  Stack(sim::Executor& ex, Design design)
      : fake(ex),
        faults(ex, {}),
        transport(ex, faults),
        c8d(ex, transport, "moby"),
        client(daemon_core::libcontainerd::NewClient(design, c8d)) {
    fake_containerd::ServeInProcess(fake, transport);
  }
  fake_containerd::FakeContainerd fake;
  fake_containerd::Faults faults;
  fake_containerd::SimTransport transport;
  daemon_core::c8d::Client c8d;
  std::unique_ptr<daemon_core::libcontainerd::Client> client;
};

std::string Spec(const std::string& args) {
  return "{\"process\":{\"args\":[" + args + "]}}";
}

sim::Task<void> RunToExit(Stack& s, std::vector<std::string>* rpcs,
                          uint32_t* exit_code,
                          std::vector<std::string>* topics) {
  std::vector<std::string> filters{
      "namespace==moby,topic~=|^/tasks/|"};  // moby's filter
  absl::StatusOr<std::unique_ptr<sim::RpcStream>> events =
      co_await s.c8d.Subscribe(std::move(filters));
  EXPECT_TRUE(events.ok()) << events.status();
  ContainerInfo info;
  info.id = "c1";
  info.spec_json = Spec("\"exit\", \"3\", \"10ms\"");
  fake_containerd::RpcLog::Scope start(s.fake.rpcs());
  auto ctr = co_await s.client->NewContainer(std::move(info));
  EXPECT_TRUE(ctr.ok()) << ctr.status();
  auto task = co_await (*ctr)->Start(false);
  EXPECT_TRUE(task.ok()) << task.status();
  *rpcs = start.short_calls();
  // Wait for the exit event, as the daemon's event monitor does.
  for (;;) {
    absl::StatusOr<std::optional<std::string>> m = co_await (*events)->Next();
    if (!m.ok() || !m->has_value()) break;
    containerd::services::events::v1::Envelope env;
    env.ParseFromString(**m);
    topics->push_back(env.topic());
    if (env.topic() == "/tasks/exit") {
      // containerd's type_url is the bare name, which Any::UnpackTo does not
      // accept.
      EXPECT_EQ(env.event().type_url(), "containerd.events.TaskExit");
      containerd::events::TaskExit exit;
      exit.ParseFromString(env.event().value());
      *exit_code = exit.exit_status();
      break;
    }
  }
  auto deleted = co_await (*task)->Delete();
  EXPECT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE((co_await (*ctr)->Delete()).ok());
}

TEST(InProcessStackTest, ContainerRunsToItsExitCodeWithTheReferenceRpcs) {
  for (Design d : {Design::kObjects, Design::kLegacy}) {
    sim::RandomStrategy strategy;
    sim::Executor ex({}, strategy);
    Stack s(ex, d);
    std::vector<std::string> rpcs, topics;
    uint32_t code = 0;
    ex.Spawn("daemon", RunToExit(s, &rpcs, &code, &topics));
    sim::RunResult r = ex.Run();
    EXPECT_EQ(r.outcome, sim::RunOutcome::kCompleted)
        << (r.violation ? r.violation->message : "");
    EXPECT_EQ(code, 3u);
    EXPECT_EQ(topics, (std::vector<std::string>{"/tasks/create", "/tasks/start",
                                                "/tasks/exit"}));
    const std::vector<std::string> expected =
        d == Design::kObjects
            ? std::vector<std::string>{"Leases/Create", "Containers/Create",
                                       "Leases/Delete", "Containers/Get",
                                       "Tasks/Create",  "Tasks/Start"}
            : std::vector<std::string>{
                  "Leases/Create",  "Containers/Create", "Leases/Delete",
                  "Containers/Get", "Containers/Get",    "Containers/Get",
                  "Containers/Get", "Tasks/Create",      "Tasks/Start"};
    EXPECT_EQ(rpcs, expected) << daemon_core::libcontainerd::DesignName(d);
    EXPECT_TRUE(
        s.fake.containers().List("moby", {})->empty());  // nothing leaked
    ex.DestroyAllTasks();
  }
}

sim::Task<void> StartRunning(
    Stack& s, std::unique_ptr<daemon_core::libcontainerd::Task>* out) {
  ContainerInfo info;
  info.id = "c1";
  info.spec_json = Spec("\"run\"");
  auto ctr = co_await s.client->NewContainer(std::move(info));
  EXPECT_TRUE(ctr.ok()) << ctr.status();
  auto task = co_await (*ctr)->Start(false);
  EXPECT_TRUE(task.ok()) << task.status();
  *out = std::move(*task);
}

TEST(InProcessStackTest, ShimDeathFaultRemovesTheTask) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Stack s(ex, Design::kObjects);
  absl::Status before, after;
  ex.Spawn("daemon",
           [](Stack& st, absl::Status* b, absl::Status* a) -> sim::Task<void> {
             std::unique_ptr<daemon_core::libcontainerd::Task> t;
             co_await StartRunning(st, &t);
             *b = (co_await t->Status()).status();
             st.faults.Force(fake_containerd::FaultPoint::kShimDies, 1,
                             "/containerd.services.tasks.v1.Tasks/Get");
             *a = (co_await t->Status()).status();
           }(s, &before, &after));
  EXPECT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_TRUE(before.ok()) << before;
  EXPECT_TRUE(absl::IsNotFound(after) || absl::IsUnknown(after)) << after;
  EXPECT_EQ(s.faults.fired(fake_containerd::FaultPoint::kShimDies), 1);
  ex.DestroyAllTasks();
}

TEST(InProcessStackTest, ContainerdRestartEndsSubscriptionsButTasksSurvive) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Stack s(ex, Design::kObjects);
  absl::Status stream_end, task_after;
  ex.Spawn(
      "daemon",
      [](Stack& st, absl::Status* end, absl::Status* task) -> sim::Task<void> {
        std::vector<std::string> filters{"namespace==moby,topic~=|^/tasks/|"};
        auto events = co_await st.c8d.Subscribe(std::move(filters));
        std::unique_ptr<daemon_core::libcontainerd::Task> t;
        co_await StartRunning(st, &t);
        st.faults.Force(fake_containerd::FaultPoint::kContainerdRestart);
        (void)co_await st.client->LoadContainer(
            "c1");  // containerd restarts after this one
        for (;;) {
          absl::StatusOr<std::optional<std::string>> m =
              co_await (*events)->Next();
          if (!m.ok() || !m->has_value()) {
            *end = m.status();
            break;
          }
        }
        *task = (co_await t->Status()).status();
      }(s, &stream_end, &task_after));
  EXPECT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  EXPECT_TRUE(absl::IsUnavailable(stream_end)) << stream_end;
  EXPECT_TRUE(task_after.ok()) << task_after;
  ex.DestroyAllTasks();
}

}  // namespace
