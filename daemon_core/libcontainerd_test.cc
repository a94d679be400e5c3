// Each libcontainerd design issues exactly the RPC sequence moby-daemon.md §2
// gives for it
// ("before" = legacy, "after" = objects), row by row.
#include "daemon_core/libcontainerd.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "sim/strategy_random.h"

namespace daemon_core::libcontainerd {
namespace {

namespace tasks = ::containerd::services::tasks::v1;

// A containerd with one container whose task and exec answer by a small state
// machine.
class ScriptedContainerd : public sim::RpcConnection {
 public:
  bool task_exists = true;
  containerd::v1::types::Status task_status = containerd::v1::types::RUNNING;
  containerd::v1::types::Status exec_status = containerd::v1::types::STOPPED;
  bool fail_start = false;
  std::vector<std::string> calls;

  sim::Task<absl::StatusOr<std::string>> Unary(std::string method,
                                               sim::RpcMetadata,
                                               std::string request) override {
    const std::string name =
        method.substr(method.rfind('.') + 1);  // "Tasks/Get"
    std::string exec_id;
    if (name == "Tasks/Get" || name == "Tasks/Start" || name == "Tasks/Kill" ||
        name == "Tasks/DeleteProcess" || name == "Tasks/CloseIO") {
      tasks::GetRequest r;  // container_id = 1, exec_id = 2 in all of these
      r.ParseFromString(request);
      exec_id = r.exec_id();
    }
    calls.push_back(name.substr(0, 1) + "/" + name.substr(name.find('/') + 1) +
                    (exec_id.empty() ? "" : "{e}"));
    if (name == "Tasks/Get") {
      if (!task_exists)
        co_return absl::NotFoundError("task c1 not found: not found");
      tasks::GetResponse resp;
      resp.mutable_process()->set_status(exec_id.empty() ? task_status
                                                         : exec_status);
      resp.mutable_process()->set_pid(100);
      co_return resp.SerializeAsString();
    }
    if (name == "Tasks/Start" && fail_start) {
      task_status = containerd::v1::types::STOPPED;
      exec_status = containerd::v1::types::STOPPED;
      co_return absl::UnknownError(
          "exec: \"nope\": executable file not found in $PATH: unknown");
    }
    if (name == "Tasks/Delete") task_exists = false;
    if (name == "Tasks/Create") task_exists = true;
    co_return std::string();
  }
  sim::Task<absl::StatusOr<std::unique_ptr<sim::RpcStream>>> ServerStream(
      std::string, sim::RpcMetadata, std::string) override {
    co_return absl::UnimplementedError("no streams");
  }
};

using V = std::vector<std::string>;
using Body = std::function<sim::Task<void>(Client&, ScriptedContainerd&)>;

V RunRpcs(Design design, ScriptedContainerd& containerd, Body body) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  c8d::Client c8d(ex, containerd, "moby");
  std::unique_ptr<Client> client = NewClient(design, c8d);
  ex.Spawn("daemon", body(*client, containerd));
  EXPECT_EQ(ex.Run().outcome, sim::RunOutcome::kCompleted);
  ex.DestroyAllTasks();
  return containerd.calls;
}

// Runs the setup part, then returns only the RPCs of the part under test.
sim::Task<std::unique_ptr<Task>> Started(Client& client) {
  c8d::ContainerInfo info("c1");
  auto ctr = co_await client.NewContainer(std::move(info));
  auto t = co_await (*ctr)->Start(false);
  co_return std::move(*t);
}

struct Row {
  const char* what;
  V legacy, objects;
  Body body;
};

TEST(LibcontainerdTest, RpcsPerOperationMatchTheReference) {
  const Row rows[] = {
      {"start",
       {"L/Create", "C/Create", "L/Delete", "C/Get", "C/Get", "C/Get", "C/Get",
        "T/Create", "T/Start"},
       {"L/Create", "C/Create", "L/Delete", "C/Get", "T/Create", "T/Start"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         s.task_exists = false;
         c8d::ContainerInfo info("c1");
         auto ctr = co_await c.NewContainer(std::move(info));
         EXPECT_TRUE((co_await (*ctr)->Start(false)).ok());
       }},
      {"start fails at Tasks/Start, then the daemon deletes the container",
       {"L/Create", "C/Create", "L/Delete", "C/Get", "C/Get", "C/Get", "C/Get",
        "T/Create", "T/Start", "T/Get", "T/Delete", "C/Get", "C/Get", "T/Get",
        "C/Get", "C/Delete"},
       {"L/Create", "C/Create", "L/Delete", "C/Get", "T/Create", "T/Start",
        "T/Get", "T/Delete", "T/Get", "C/Get", "C/Delete"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         s.task_exists = false;
         s.fail_start = true;
         c8d::ContainerInfo info("c1");
         auto ctr = co_await c.NewContainer(std::move(info));
         EXPECT_FALSE((co_await (*ctr)->Start(false)).ok());
         EXPECT_TRUE((co_await (*ctr)->Delete()).ok());
       }},
      {"exec start (daemon Load + Spec, then lcd Exec)",
       {"C/Get", "C/Get", "C/Get", "T/Get", "C/Get", "T/Exec", "T/Start{e}"},
       {"C/Get", "T/Exec", "T/Start{e}"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         s.calls.clear();
         auto ctr = co_await c.LoadContainer("c1");
         (void)co_await (*ctr)->Spec();
         EXPECT_TRUE((co_await t->Exec("e1", "{}", false)).ok());
       }},
      {"exec Tasks/Start failure deletes the process",
       {"C/Get", "T/Get", "C/Get", "T/Exec", "T/Start{e}", "T/Get{e}",
        "T/DeleteProcess{e}"},
       {"T/Exec", "T/Start{e}", "T/Get{e}", "T/DeleteProcess{e}"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         s.calls.clear();
         s.fail_start = true;
         s.task_status = containerd::v1::types::RUNNING;
         EXPECT_FALSE((co_await t->Exec("e1", "{}", false)).ok());
       }},
      {"exec stdin close",
       {"C/Get", "T/Get", "T/Get{e}", "T/CloseIO{e}"},
       {"T/CloseIO{e}"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         auto p = co_await t->Exec("e1", "{}", true);
         s.calls.clear();
         EXPECT_TRUE((co_await (*p)->CloseStdin()).ok());
       }},
      {"exec kill (ctx cancel)",
       {"C/Get", "T/Get", "T/Get{e}", "T/Kill{e}"},
       {"T/Kill{e}"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         auto p = co_await t->Exec("e1", "{}", false);
         s.calls.clear();
         EXPECT_TRUE((co_await (*p)->Kill(9)).ok());
       }},
      {"exec exit: process delete",
       {"C/Get", "T/Get", "T/Get{e}", "C/Get", "C/Get", "T/Get{e}",
        "T/DeleteProcess{e}"},
       {"T/Get{e}", "T/DeleteProcess{e}"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         auto p = co_await t->Exec("e1", "{}", false);
         s.calls.clear();
         EXPECT_TRUE((co_await (*p)->Delete()).ok());
       }},
      {"init exit: task delete, then container delete",
       {"C/Get", "T/Get", "T/Get", "T/Delete", "C/Get", "C/Get", "T/Get",
        "C/Get", "C/Delete"},
       {"T/Get", "T/Delete", "T/Get", "C/Get", "C/Delete"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         s.calls.clear();
         s.task_status = containerd::v1::types::STOPPED;
         EXPECT_TRUE((co_await t->Delete()).ok());
         auto ctr = co_await c.LoadContainer("c1");
         s.calls
             .pop_back();  // the test's own LoadContainer, not part of the row
         EXPECT_TRUE((co_await (*ctr)->Delete()).ok());
       }},
      {"kill",
       {"C/Get", "T/Get", "T/Kill"},
       {"T/Kill"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         s.calls.clear();
         EXPECT_TRUE((co_await t->Kill(15)).ok());
       }},
      {"pause / unpause",
       {"C/Get", "T/Get", "T/Pause", "C/Get", "T/Get", "T/Resume"},
       {"T/Pause", "T/Resume"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         auto t = co_await Started(c);
         s.calls.clear();
         EXPECT_TRUE((co_await t->Pause()).ok());
         EXPECT_TRUE((co_await t->Resume()).ok());
       }},
      {"restore: attach and status; a paused container's status again",
       {"C/Get", "T/Get", "T/Get", "C/Get", "T/Get", "T/Get"},
       {"C/Get", "T/Get", "T/Get", "T/Get"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         s.calls.clear();
         auto ctr = co_await c.LoadContainer("c1");
         auto r = co_await (*ctr)->Restore();
         EXPECT_EQ(*r->status, c8d::ProcessStatus::kRunning);
         EXPECT_EQ(*(co_await r->task->Status()), c8d::ProcessStatus::kRunning);
       }},
      {"restore without a task",
       {"C/Get", "T/Get"},
       {"C/Get", "T/Get"},
       [](Client& c, ScriptedContainerd& s) -> sim::Task<void> {
         s.task_exists = false;
         auto ctr = co_await c.LoadContainer("c1");
         auto r = co_await (*ctr)->Restore();
         EXPECT_TRUE(r.ok());
         EXPECT_EQ(r->task, nullptr);
       }},
  };
  for (const Row& row : rows) {
    ScriptedContainerd legacy, objects;
    EXPECT_EQ(RunRpcs(Design::kLegacy, legacy, row.body), row.legacy)
        << "legacy: " << row.what;
    EXPECT_EQ(RunRpcs(Design::kObjects, objects, row.body), row.objects)
        << "objects: " << row.what;
  }
}

TEST(LibcontainerdTest, NewContainerConflictIsIdAlreadyInUse) {
  for (Design d : {Design::kLegacy, Design::kObjects}) {
    struct Conflicting : ScriptedContainerd {
      sim::Task<absl::StatusOr<std::string>> Unary(
          std::string method, sim::RpcMetadata md,
          std::string request) override {
        if (method.find("Containers/Create") != std::string::npos) {
          co_return absl::AlreadyExistsError(
              "container \"c1\": already exists");
        }
        co_return co_await ScriptedContainerd::Unary(
            std::move(method), std::move(md), std::move(request));
      }
    } containerd;
    RunRpcs(d, containerd,
            [](Client& c, ScriptedContainerd&) -> sim::Task<void> {
              c8d::ContainerInfo info("c1");
              auto r = co_await c.NewContainer(std::move(info));
              EXPECT_TRUE(absl::IsAlreadyExists(r.status()));
              EXPECT_EQ(r.status().message(), "id already in use");
            });
  }
}

}  // namespace
}  // namespace daemon_core::libcontainerd
