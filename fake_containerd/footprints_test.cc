// The fake containerd's footprints, as partial-order reduction sees them: a
// call about one container commutes with a call about another, so DPOR runs
// one execution for both orders; calls about the same container, or a lookup
// of a task racing its creation, are dependent, so DPOR runs each order.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "containerd/services/tasks/v1/tasks.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "sim/run.h"
#include "sim/strategy_dpor.h"

namespace fake_containerd {
namespace {

struct World {
  explicit World(sim::Executor& ex)
      : fake(ex), faults(ex, FaultOptions{}), transport(ex, faults) {
    ServeInProcess(fake, transport);
  }
  FakeContainerd fake;
  Faults faults;
  SimTransport transport;
};

// A container with a created task, made directly on the fake (no RPC).
void Plant(World& w, const std::string& id, bool task) {
  ContainerRecord c;
  c.set_id(id);
  c.mutable_runtime()->set_name("io.containerd.runc.v2");
  c.mutable_spec()->set_value(R"({"process":{"args":["run"]}})");
  ASSERT_TRUE(w.fake.containers().Create("moby", c, 0).ok());
  if (task) {
    ASSERT_TRUE(w.fake.kernel()
                    .CreateTask("moby", id, Program::RunUntilSignalled(), {})
                    .ok());
  }
}

sim::Task<absl::StatusOr<std::string>> Call(
    World& w, const char* name, const google::protobuf::Message& req) {
  // Built before the co_await (GCC 12 and temporaries inside one).
  sim::RpcMetadata md{{"containerd-namespace", "moby"}};
  std::string m = std::string(method::kTasksPrefix) + name;
  std::string body = req.SerializeAsString();
  co_return co_await w.transport.Unary(std::move(m), std::move(md),
                                       std::move(body));
}

std::string Code(const absl::StatusOr<std::string>& r) {
  return std::to_string(static_cast<int>(r.status().code()));
}

// What a client saw: the status code, and for Tasks/Get the process status.
sim::Task<void> Get(World& w, std::string id, std::string* saw) {
  tpb::GetRequest req;
  req.set_container_id(id);
  absl::StatusOr<std::string> r = co_await Call(w, "Get", req);
  tpb::GetResponse resp;
  if (r.ok()) resp.ParseFromString(*r);
  *saw = Code(r) + "/" + std::to_string(resp.process().status());
}

sim::Task<void> Kill(World& w, std::string id, std::string* saw) {
  tpb::KillRequest req;
  req.set_container_id(id);
  req.set_signal(9);
  *saw = Code(co_await Call(w, "Kill", req));
}

sim::Task<void> CreateTask(World& w, std::string id, std::string* saw) {
  tpb::CreateTaskRequest req;
  req.set_container_id(id);
  *saw = Code(co_await Call(w, "Create", req));
}

using Client = sim::Task<void> (*)(World&, std::string, std::string*);

struct Explored {
  uint64_t executions = 0;
  std::set<std::string> outcomes;  // "first's view | second's view"
};

// Every execution DPOR runs of two clients, each making one call.
Explored Explore(std::set<std::string> planted_tasks, Client first,
                 std::string first_id, Client second, std::string second_id) {
  Explored out;
  sim::DporStrategy dpor;
  while (dpor.HasMore()) {
    auto saw = std::make_shared<std::pair<std::string, std::string>>();
    sim::RunRecord rec =
        sim::RunOnce({}, dpor, [&](sim::Executor& ex) -> std::shared_ptr<void> {
          auto w = std::make_shared<World>(ex);
          for (const char* id : {"c1", "c2"}) {
            Plant(*w, id, planted_tasks.contains(id));
          }
          ex.Spawn("first", first(*w, first_id, &saw->first));
          ex.Spawn("second", second(*w, second_id, &saw->second));
          return w;
        });
    EXPECT_EQ(rec.result.outcome, sim::RunOutcome::kCompleted);
    out.outcomes.insert(saw->first + " | " + saw->second);
  }
  out.executions = dpor.complete_executions();
  return out;
}

TEST(FakeFootprintsTest, CallsAboutDifferentContainersCommute) {
  Explored e = Explore({"c1", "c2"}, Get, "c1", Kill, "c2");
  EXPECT_EQ(e.executions, 1u);
  EXPECT_EQ(e.outcomes.size(), 1u);
}

TEST(FakeFootprintsTest, CallsAboutOneContainerAreOrdered) {
  // The get sees the task created (status 1) or, after the kill, stopped (3).
  Explored e = Explore({"c1", "c2"}, Get, "c1", Kill, "c1");
  EXPECT_EQ(e.outcomes, (std::set<std::string>{"0/1 | 0", "0/3 | 0"}));
  EXPECT_EQ(e.executions, 2u);
}

TEST(FakeFootprintsTest, ALookupOfAMissingTaskRacesItsCreation) {
  // NOT_FOUND (5) before the create, the created task after it.
  Explored e = Explore({}, Get, "c1", CreateTask, "c1");
  EXPECT_EQ(e.outcomes, (std::set<std::string>{"5/0 | 0", "0/1 | 0"}));
}

TEST(FakeFootprintsTest, CreatingTasksOfTwoContainersIsOrdered) {
  // Both write the task table and take pids: both orders are run.
  Explored e = Explore({}, CreateTask, "c1", CreateTask, "c2");
  EXPECT_EQ(e.executions, 2u);
}

}  // namespace
}  // namespace fake_containerd
