// The client layer issues exactly the Go client's RPCs per call (containerd-api
// reference §4), checked against a scripted connection that records every call.
#include "daemon_core/containerd_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "sim/strategy_random.h"

namespace daemon_core::c8d {
namespace {

namespace tasks = ::containerd::services::tasks::v1;
namespace containers = ::containerd::services::containers::v1;

const std::string kC = "/containerd.services.containers.v1.Containers/";
const std::string kT = "/containerd.services.tasks.v1.Tasks/";
const std::string kL = "/containerd.services.leases.v1.Leases/";

// Answers by method; a method with no script replies OK with an empty message.
class ScriptedConnection : public sim::RpcConnection {
 public:
  using Script =
      std::function<absl::StatusOr<std::string>(const std::string& request)>;
  std::map<std::string, Script> scripts;
  std::vector<std::string> calls;  // short names: "C/Get", "T/Kill"...
  std::vector<sim::RpcMetadata> metadata;

  sim::Task<absl::StatusOr<std::string>> Unary(std::string method,
                                               sim::RpcMetadata md,
                                               std::string request) override {
    calls.push_back(Short(method));
    metadata.push_back(md);
    auto it = scripts.find(method);
    co_return it == scripts.end() ? absl::StatusOr<std::string>(std::string())
                                  : it->second(request);
  }
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      std::string method, sim::RpcMetadata, std::string) override {
    calls.push_back(Short(method));
    co_return absl::UnimplementedError("no streams here");
  }
  static std::string Short(const std::string& m) {
    const size_t slash = m.rfind('/');
    const size_t dot = m.rfind('.', slash);
    return m.substr(dot + 1, 1) + "/" + m.substr(slash + 1);
  }
};

std::string TaskState(containerd::v1::types::Status status, uint32_t pid = 42) {
  tasks::GetResponse r;
  r.mutable_process()->set_status(status);
  r.mutable_process()->set_pid(pid);
  return r.SerializeAsString();
}

// Runs `body` as the only task and returns the RPCs it issued.
template <typename F>
std::vector<std::string> Rpcs(ScriptedConnection& conn, F body) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Client client(ex, conn, "moby");
  ex.Spawn("daemon", body(client));
  sim::RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::kCompleted)
      << (r.violation ? r.violation->message : "");
  ex.DestroyAllTasks();
  return conn.calls;
}

using V = std::vector<std::string>;

TEST(ContainerdClientTest, LoadContainerIsOneGet) {
  ScriptedConnection conn;
  EXPECT_EQ(Rpcs(conn,
                 [](Client& c) -> sim::Task<void> {
                   EXPECT_TRUE((co_await c.LoadContainer("c1")).ok());
                 }),
            (V{"C/Get"}));
  ASSERT_EQ(conn.metadata[0].size(), 1u);
  EXPECT_EQ(conn.metadata[0][0], (std::pair<std::string, std::string>{
                                     "containerd-namespace", "moby"}));
}

TEST(ContainerdClientTest, NewContainerIsWrappedInALease) {
  ScriptedConnection conn;
  EXPECT_EQ(
      Rpcs(conn,
           [](Client& c) -> sim::Task<void> {
             ContainerInfo info("c1");  // not inline: see sim/task.h on GCC 12
             EXPECT_TRUE((co_await c.NewContainer(std::move(info))).ok());
           }),
      (V{"L/Create", "C/Create", "L/Delete"}));
  bool leased = false;
  for (auto& [k, v] : conn.metadata[1])
    leased |= k == "containerd-lease" && !v.empty();
  EXPECT_TRUE(leased);
}

TEST(ContainerdClientTest, NewContainerConflictStillDeletesTheLease) {
  ScriptedConnection conn;
  conn.scripts[kC + "Create"] = [](const std::string&) {
    return absl::AlreadyExistsError("container \"c1\": already exists");
  };
  EXPECT_EQ(Rpcs(conn,
                 [](Client& c) -> sim::Task<void> {
                   ContainerInfo info("c1");
                   auto r = co_await c.NewContainer(std::move(info));
                   EXPECT_TRUE(absl::IsAlreadyExists(r.status()));
                 }),
            (V{"L/Create", "C/Create", "L/Delete"}));
}

TEST(ContainerdClientTest, NewTaskGetsTheContainerThenCreates) {
  ScriptedConnection conn;
  EXPECT_EQ(Rpcs(conn,
                 [](Client& c) -> sim::Task<void> {
                   ContainerHandle ctr(&c, ContainerInfo("c1"));
                   ProcessIO io;
                   auto t = co_await ctr.NewTask(io);
                   EXPECT_TRUE(t.ok());
                   EXPECT_TRUE((co_await t->Start()).ok());
                 }),
            (V{"C/Get", "T/Create", "T/Start"}));
}

TEST(ContainerdClientTest, TaskDeleteChecksStatusFirst) {
  ScriptedConnection running;
  running.scripts[kT + "Get"] = [](const std::string&) {
    return TaskState(containerd::v1::types::RUNNING);
  };
  EXPECT_EQ(Rpcs(running,
                 [](Client& c) -> sim::Task<void> {
                   TaskHandle t(&c, "c1", 42);
                   auto r = co_await t.Delete();
                   EXPECT_TRUE(absl::IsFailedPrecondition(r.status()));
                   EXPECT_EQ(r.status().message(),
                             "task must be stopped before deletion: running: "
                             "failed precondition");
                 }),
            (V{"T/Get"}));
  ScriptedConnection stopped;
  stopped.scripts[kT + "Get"] = [](const std::string&) {
    return TaskState(containerd::v1::types::STOPPED);
  };
  stopped.scripts[kT + "Delete"] = [](const std::string&) {
    tasks::DeleteResponse d;
    d.set_exit_status(137);
    return d.SerializeAsString();
  };
  EXPECT_EQ(Rpcs(stopped,
                 [](Client& c) -> sim::Task<void> {
                   TaskHandle t(&c, "c1", 42);
                   auto r = co_await t.Delete();
                   EXPECT_EQ(r->code, 137u);
                 }),
            (V{"T/Get", "T/Delete"}));
}

TEST(ContainerdClientTest, ProcessDeleteIsGetThenDeleteProcessWithTheExecId) {
  ScriptedConnection conn;
  std::string seen_exec;
  conn.scripts[kT + "Get"] = [](const std::string&) {
    return TaskState(containerd::v1::types::STOPPED);
  };
  conn.scripts[kT + "DeleteProcess"] = [&seen_exec](const std::string& req) {
    tasks::DeleteProcessRequest r;
    r.ParseFromString(req);
    seen_exec = r.exec_id();
    return std::string();
  };
  EXPECT_EQ(Rpcs(conn,
                 [](Client& c) -> sim::Task<void> {
                   ProcessHandle p(&c, "c1", "e1", 7);
                   EXPECT_TRUE((co_await p.Delete()).ok());
                 }),
            (V{"T/Get", "T/DeleteProcess"}));
  EXPECT_EQ(seen_exec, "e1");
}

TEST(ContainerdClientTest, ContainerDeleteRefusesWhileATaskExists) {
  ScriptedConnection with_task;
  EXPECT_EQ(Rpcs(with_task,
                 [](Client& c) -> sim::Task<void> {
                   ContainerHandle ctr(&c, ContainerInfo("c1"));
                   absl::Status s = co_await ctr.Delete();
                   EXPECT_EQ(
                       s.message(),
                       "cannot delete running task c1: failed precondition");
                 }),
            (V{"T/Get"}));
  ScriptedConnection no_task;
  no_task.scripts[kT + "Get"] = [](const std::string&) {
    return absl::NotFoundError("task c1 not found: not found");
  };
  EXPECT_EQ(Rpcs(no_task,
                 [](Client& c) -> sim::Task<void> {
                   ContainerHandle ctr(&c, ContainerInfo("c1"));
                   EXPECT_TRUE((co_await ctr.Delete()).ok());
                 }),
            (V{"T/Get", "C/Get", "C/Delete"}));
}

TEST(ContainerdClientTest, TaskNotFoundSaysNoRunningTask) {
  ScriptedConnection conn;
  conn.scripts[kT + "Get"] = [](const std::string&) {
    return absl::NotFoundError("task c1 not found: not found");
  };
  Rpcs(conn, [](Client& c) -> sim::Task<void> {
    ContainerHandle ctr(&c, ContainerInfo("c1"));
    auto t = co_await ctr.Task();
    EXPECT_TRUE(absl::IsNotFound(t.status()));
    EXPECT_EQ(t.status().message(),
              "no running task found: task c1 not found: not found");
  });
}

TEST(ContainerdClientTest, ForceDeleteWaitsKillsThenDeletes) {
  ScriptedConnection conn;
  conn.scripts[kT + "Get"] = [](const std::string&) {
    return TaskState(containerd::v1::types::STOPPED);
  };
  V calls = Rpcs(conn, [](Client& c) -> sim::Task<void> {
    TaskHandle t(&c, "c1", 42);
    EXPECT_TRUE((co_await t.ForceDelete()).ok());
  });
  // The Wait runs in its own task (the Go client's goroutine): it may be sent
  // before or after the Kill, but the delete comes last.
  std::vector<std::string> sorted(calls.begin(), calls.begin() + 2);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (V{"T/Kill", "T/Wait"}));
  EXPECT_EQ(V(calls.begin() + 2, calls.end()), (V{"T/Get", "T/Delete"}));
}

TEST(ContainerdClientTest, ExecIsOneRpcAndStartCarriesTheExecId) {
  ScriptedConnection conn;
  std::string started_exec;
  conn.scripts[kT + "Start"] = [&started_exec](const std::string& req) {
    tasks::StartRequest r;
    r.ParseFromString(req);
    started_exec = r.exec_id();
    tasks::StartResponse resp;
    resp.set_pid(1001);
    return resp.SerializeAsString();
  };
  EXPECT_EQ(Rpcs(conn,
                 [](Client& c) -> sim::Task<void> {
                   TaskHandle t(&c, "c1", 42);
                   ProcessIO io;
                   auto p = co_await t.Exec("e1", "{}", io);
                   EXPECT_TRUE(p.ok());
                   auto pid = co_await p->Start();
                   EXPECT_EQ(*pid, 1001u);
                 }),
            (V{"T/Exec", "T/Start"}));
  EXPECT_EQ(started_exec, "e1");
}

}  // namespace
}  // namespace daemon_core::c8d
