// The daemon model's rm, attached exec, daemon restart (restore) and containerd
// restart, through the whole stack, for both libcontainerd designs; and the
// fixed-outcome tests of the root-dir (I10) and restore (I12) planted bugs.
// Over 400 lines: one whole-stack harness, and a test per lifecycle sequence.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "containerd/services/tasks/v1/tasks.pb.h"
#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"
#include "properties/stack.h"
#include "properties/stack_run.h"

namespace {

using daemon_core::ContainerInspectResult;
using daemon_core::EventType;
using daemon_core::Mutation;
using daemon_core::RestartPolicy;
using daemon_core::WaitCondition;
using daemon_core::libcontainerd::Design;

using World = properties::Stack;

using properties::Body;
using properties::Describe;
using properties::RunSpec;
using properties::RunWorld;

class DaemonLifecycleTest : public ::testing::TestWithParam<Design> {};

TEST_P(DaemonLifecycleTest, RmNeedsForceForARunningContainerAndCleansUp) {
  std::vector<absl::Status> got;
  std::optional<daemon_core::StateStatus> removed_wait;
  absl::Status inspect_after;
  bool root_left = true;
  size_t containerd_left = 99;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerCreate("c2", args);
    got.push_back(co_await w.daemon->ContainerRm("c2", false));  // created
    EXPECT_TRUE((co_await w.daemon->ContainerStart("c1")).ok());
    auto waiter = w.ex.Spawn(
        "waiter",
        [](World& wd) -> sim::Task<absl::StatusOr<daemon_core::StateStatus>> {
          co_return co_await wd.daemon->ContainerWait("c1",
                                                      WaitCondition::kRemoved);
        }(w));
    got.push_back(co_await w.daemon->ContainerRm("c1", false));  // running
    got.push_back(co_await w.daemon->ContainerRm("c1", true));   // forced
    co_await w.ex.Join(waiter);
    if (waiter.result->has_value() && (*waiter.result)->ok()) {
      removed_wait = ***waiter.result;
    }
    inspect_after = (co_await w.daemon->ContainerInspect("c1")).status();
    got.push_back(co_await w.daemon->ContainerRm("c1", true));  // gone
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body, [&](World& w) {
    root_left = w.disk.Exists("c1") || w.disk.Exists("c2");
    containerd_left = w.ContainerdContainers();
  });
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_TRUE(got[0].ok()) << got[0];
  EXPECT_TRUE(daemon_core::IsConflict(got[1])) << got[1];
  EXPECT_EQ(got[1].message(),
            "cannot remove container \"c1\": container is running: stop the "
            "container before removing or force remove");
  EXPECT_TRUE(got[2].ok()) << got[2];
  EXPECT_TRUE(absl::IsNotFound(got[3])) << got[3];
  EXPECT_TRUE(absl::IsNotFound(inspect_after)) << inspect_after;
  ASSERT_TRUE(removed_wait.has_value());
  EXPECT_EQ(removed_wait->exit_code, 137);  // the SIGKILL of rm -f
  EXPECT_FALSE(root_left);
  EXPECT_EQ(containerd_left, 0u);
}

// I10 (18e322bc): rm removes the root dir under the container lock, so a
// CheckpointTo (here: a late OOM event's) never has a file open in it. The
// planted bug removes it unlocked: the removal then fails ("being used by
// another process") or races the write. The OOM event checkpoints at once
// only in the objects design.
TEST(DaemonRmTest, RootDirRemovalIsExclusiveWithCheckpointTo) {
  for (Mutation m : {Mutation::kNone, Mutation::kRootDirRemovedWithoutLock}) {
    int failed = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
      absl::Status rm;
      bool rm_done = false;
      Body body = [&](World& w) -> sim::Task<void> {
        std::vector<std::string> args{"run"};
        (void)co_await w.daemon->ContainerCreate("c1", args);
        (void)co_await w.daemon->ContainerStart("c1");
        // OOM notifications keep coming until rm is done.
        auto oom = w.ex.Spawn(
            "late oom", [](World& wd, bool* done) -> sim::Task<void> {
              while (!*done) {
                daemon_core::EventInfo info;  // not inline: GCC 12
                co_await wd.daemon->ProcessEvent("c1", EventType::kOom, info);
                co_await wd.ex.Yield();
              }
            }(w, &rm_done));
        rm = co_await w.daemon->ContainerRm("c1", true);
        rm_done = true;
        co_await w.ex.Join(oom);
      };
      sim::RunResult r = RunWorld({.mutation = m, .seed = seed}, body);
      const bool bad = r.outcome != sim::RunOutcome::kCompleted || !rm.ok();
      if (m == Mutation::kNone) {
        EXPECT_FALSE(bad) << "seed " << seed << ": " << Describe(r) << rm;
      }
      failed += bad;
    }
    if (m != Mutation::kNone) {
      EXPECT_GT(failed, 0);
    }
    std::printf("%s: %d/200 runs failed\n",
                std::string(daemon_core::Info(m).name).c_str(), failed);
  }
}

TEST_P(DaemonLifecycleTest, AttachedExecEndsWhenTheProcessExits) {
  absl::Status started;
  std::optional<daemon_core::ExecInspectResult> after;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    std::vector<std::string> exec_args{"exit", "4", "5ms"};
    auto id = co_await w.daemon->ContainerExecCreate("c1", exec_args);
    auto ctx = std::make_shared<daemon_core::Context>();
    started = co_await w.daemon->ContainerExecStart(*id, ctx);
    after = *(co_await w.daemon->ContainerExecInspect(*id));
    (void)co_await w.daemon->ContainerKill("c1", 9);
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body);
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  EXPECT_TRUE(started.ok()) << started;
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->running);
  EXPECT_EQ(after->exit_code, 4);
  EXPECT_GE(r.virtual_time, 5 * sim::kMillisecond);
}

// The client goes away: moby SIGKILLs the exec, returns ctx.Err(), and its
// error defer marks the exec exited with 126 although the exit event has not
// come yet. That event then finds no exec, so no Tasks/DeleteProcess is ever
// issued for it: moby's behaviour, asserted here so that a change shows.
TEST_P(DaemonLifecycleTest, CancelledAttachKillsTheExecAndSkipsDeleteProcess) {
  absl::Status started;
  std::optional<daemon_core::ExecInspectResult> after;
  std::vector<std::string> exec_ids;
  uint64_t delete_process = 99, kills = 0;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    std::vector<std::string> exec_args{"run"};
    auto id = co_await w.daemon->ContainerExecCreate("c1", exec_args);
    auto ctx = std::make_shared<daemon_core::Context>();
    auto cancel = w.ex.Spawn(
        "client goes away",
        [](World& wd,
           std::shared_ptr<daemon_core::Context> c) -> sim::Task<void> {
          co_await wd.ex.Sleep(10 * sim::kMillisecond);
          c->Cancel();
        }(w, ctx));
    started = co_await w.daemon->ContainerExecStart(*id, ctx);
    co_await w.ex.Join(cancel);
    after = *(co_await w.daemon->ContainerExecInspect(*id));
    co_await w.ex.Sleep(sim::kSecond);  // the exit event is handled
    exec_ids = (co_await w.daemon->ContainerInspect("c1"))->exec_ids;
    (void)co_await w.daemon->ContainerKill("c1", 9);
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body, [&](World& w) {
    delete_process = w.fake.rpcs().count(
        "/containerd.services.tasks.v1.Tasks/DeleteProcess");
    kills = w.fake.rpcs().count("/containerd.services.tasks.v1.Tasks/Kill");
  });
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  EXPECT_TRUE(absl::IsCancelled(started)) << started;
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->running);
  EXPECT_EQ(after->exit_code, 126);
  EXPECT_TRUE(exec_ids.empty());
  EXPECT_EQ(kills, 2u);  // the exec's SIGKILL, then the container's
  EXPECT_EQ(delete_process, 0u);
}

// TestDaemonRestartKillContainers: {live-restore off, on} x {no policy,
// always, created}: what runs after dockerd is killed and restarted.
TEST_P(DaemonLifecycleTest, DaemonRestartKeepsOrStopsContainers) {
  for (bool live_restore : {false, true}) {
    std::optional<ContainerInspectResult> plain, always, created;
    uint32_t pid_before = 0;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      RestartPolicy always_policy{RestartPolicy::Name::kAlways};
      (void)co_await w.daemon->ContainerCreate("plain", args);
      (void)co_await w.daemon->ContainerCreate("always", args, always_policy);
      (void)co_await w.daemon->ContainerCreate("created", args);
      (void)co_await w.daemon->ContainerStart("plain");
      (void)co_await w.daemon->ContainerStart("always");
      pid_before = (co_await w.daemon->ContainerInspect("plain"))->pid;
      co_await w.RestartDaemon();
      plain = *(co_await w.daemon->ContainerInspect("plain"));
      always = *(co_await w.daemon->ContainerInspect("always"));
      created = *(co_await w.daemon->ContainerInspect("created"));
      (void)co_await w.daemon->ContainerRm("plain", true);
      (void)co_await w.daemon->ContainerRm("always", true);
    };
    sim::RunResult r =
        RunWorld({.design = GetParam(), .live_restore = live_restore}, body);
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    SCOPED_TRACE(live_restore ? "live-restore" : "no live-restore");
    ASSERT_TRUE(plain && always && created);
    EXPECT_EQ(plain->running, live_restore);
    if (live_restore) {
      EXPECT_EQ(plain->pid, pid_before);
    } else {
      EXPECT_EQ(plain->exit_code, 143);  // SIGTERM
    }
    EXPECT_TRUE(always->running);
    EXPECT_FALSE(created->running);
    EXPECT_EQ(created->status, "created");
  }
}

// What containerd runs as c1's task: its pid when running, 0 otherwise.
uint32_t ContainerdRunningPid(World& w, const std::string& id) {
  containerd::services::tasks::v1::GetRequest get;
  get.set_container_id(id);
  containerd::services::tasks::v1::GetResponse got;
  if (!w.fake.Get("moby", get, &got).ok()) return 0;
  return got.process().status() == containerd::v1::types::RUNNING
             ? got.process().pid()
             : 0;
}

// moby's killWithSignal calls ExitOnNext, which cancels the restart manager.
// So restore's shutdownContainer (live restore off) stops a restart=always
// container without the event monitor restarting it behind restore's back:
// the exit is handled as a stop, and restore starts the container once more
// with a fresh restart manager. One Tasks/Create before the daemon restart,
// one after; the daemon's pid is the task containerd runs.
TEST_P(DaemonLifecycleTest,
       RestoreStopsARestartAlwaysContainerWithoutItsPolicy) {
  for (uint64_t seed = 0; seed < 40; ++seed) {
    std::optional<ContainerInspectResult> after;
    uint32_t containerd_pid = 0;
    uint64_t creates = 0;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      RestartPolicy always{RestartPolicy::Name::kAlways};
      (void)co_await w.daemon->ContainerCreate("c1", args, always);
      (void)co_await w.daemon->ContainerStart("c1");
      co_await w.RestartDaemon();
      co_await w.ex.Sleep(sim::kSecond);
      after = *(co_await w.daemon->ContainerInspect("c1"));
      containerd_pid = ContainerdRunningPid(w, "c1");
      (void)co_await w.daemon->ContainerRm("c1", true);
    };
    // No early timers: a stop whose waits all time out before the exit is
    // handled fails, and restore then leaves the container alone (see
    // RestoreLeavesAContainerItCannotShutDown).
    sim::RunResult r =
        RunWorld({.design = GetParam(), .seed = seed}, body, [&](World& w) {
          creates = w.fake.rpcs().count(
              "/containerd.services.tasks.v1.Tasks/"
              "Create");
        });
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    ASSERT_TRUE(after.has_value());
    EXPECT_TRUE(after->running);
    EXPECT_EQ(after->status, "running");
    EXPECT_NE(containerd_pid, 0u);
    EXPECT_EQ(after->pid, containerd_pid);
    EXPECT_EQ(creates, 2u);
  }
}

// A `docker stop` or `docker kill` cancels only the current restart manager:
// the container stays stopped while the daemon runs, but restore asks a fresh
// one, and moby's ShouldRestart says yes to `always` whether or not the
// container was stopped by hand ("restarted only when Docker daemon
// restarts"), and to on-failure for a non-zero exit (here 143, SIGTERM) under
// its retry count. A container with no policy stays stopped.
TEST_P(DaemonLifecycleTest, ManuallyStoppedContainersAcrossADaemonRestart) {
  for (bool live_restore : {false, true}) {
    std::optional<ContainerInspectResult> stopped_before, killed_before,
        stopped_after, killed_after, on_failure_after, plain_after;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      RestartPolicy always{RestartPolicy::Name::kAlways};
      RestartPolicy on_failure{RestartPolicy::Name::kOnFailure};
      (void)co_await w.daemon->ContainerCreate("stopped", args, always);
      (void)co_await w.daemon->ContainerCreate("killed", args, always);
      (void)co_await w.daemon->ContainerCreate("onfailure", args, on_failure);
      (void)co_await w.daemon->ContainerCreate("plain", args);
      for (const char* id : {"stopped", "killed", "onfailure", "plain"}) {
        EXPECT_TRUE((co_await w.daemon->ContainerStart(id)).ok()) << id;
      }
      EXPECT_TRUE(
          (co_await w.daemon->ContainerStop("stopped", sim::kSecond)).ok());
      EXPECT_TRUE((co_await w.daemon->ContainerKill("killed", 9)).ok());
      EXPECT_TRUE(
          (co_await w.daemon->ContainerStop("onfailure", sim::kSecond)).ok());
      EXPECT_TRUE(
          (co_await w.daemon->ContainerStop("plain", sim::kSecond)).ok());
      co_await w.ex.Sleep(sim::kSecond);  // well past the policy's delay
      stopped_before = *(co_await w.daemon->ContainerInspect("stopped"));
      killed_before = *(co_await w.daemon->ContainerInspect("killed"));
      co_await w.RestartDaemon();
      co_await w.ex.Sleep(sim::kSecond);
      stopped_after = *(co_await w.daemon->ContainerInspect("stopped"));
      killed_after = *(co_await w.daemon->ContainerInspect("killed"));
      on_failure_after = *(co_await w.daemon->ContainerInspect("onfailure"));
      plain_after = *(co_await w.daemon->ContainerInspect("plain"));
      for (const char* id : {"stopped", "killed", "onfailure", "plain"}) {
        (void)co_await w.daemon->ContainerRm(id, true);
      }
    };
    sim::RunResult r =
        RunWorld({.design = GetParam(), .live_restore = live_restore}, body);
    SCOPED_TRACE(live_restore ? "live-restore" : "no live-restore");
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    ASSERT_TRUE(stopped_before && killed_before && stopped_after &&
                killed_after && on_failure_after && plain_after);
    EXPECT_EQ(stopped_before->status, "exited");
    EXPECT_EQ(stopped_before->exit_code, 143);
    EXPECT_EQ(killed_before->status, "exited");
    EXPECT_EQ(killed_before->exit_code, 137);
    EXPECT_EQ(stopped_after->status, "running");
    EXPECT_EQ(killed_after->status, "running");
    EXPECT_EQ(on_failure_after->status, "running");
    EXPECT_EQ(plain_after->status, "exited");
    EXPECT_EQ(plain_after->exit_code, 143);
  }
}

// Exec start reads the container's task under the container lock, then sends
// Tasks/Exec only after taking the exec lock again. Here the test holds that
// exec lock while the container's init is killed behind the daemon's back and
// the restart policy starts a new task, replacing the handle exec start read.
// The request holds its own reference (moby's `tsk` variable), so the old
// handle is still valid when Tasks/Exec goes out, and containerd (which knows
// tasks by container id) runs the exec in the new task. Exec start kept a raw
// pointer before: the generated workloads segfaulted in ContainerExecStart.
TEST_P(DaemonLifecycleTest, ExecStartSurvivesTheTaskBeingReplacedMidStart) {
  absl::Status started;
  std::optional<ContainerInspectResult> restarted;
  uint32_t pid_before = 0;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    RestartPolicy always{RestartPolicy::Name::kAlways};
    (void)co_await w.daemon->ContainerCreate("c1", args, always);
    (void)co_await w.daemon->ContainerStart("c1");
    pid_before = (co_await w.daemon->ContainerInspect("c1"))->pid;
    std::vector<std::string> exec_args{"exit", "0"};
    absl::StatusOr<std::string> id =
        co_await w.daemon->ContainerExecCreate("c1", exec_args);
    EXPECT_TRUE(id.ok()) << id.status();
    if (!id.ok()) co_return;
    std::shared_ptr<daemon_core::Container> c = w.daemon->containers().at("c1");
    std::shared_ptr<daemon_core::ExecConfig> ec =
        co_await c->exec_commands.Get(*id);
    auto start =
        w.ex.Spawn("exec start",
                   [](World& wd, std::string exec) -> sim::Task<absl::Status> {
                     co_return co_await wd.daemon->ContainerExecStart(exec);
                   }(w, *id));
    // Take the exec lock once exec start has marked the exec running (its first
    // critical section), so that it blocks at the second, holding the task.
    for (;;) {
      co_await ec->mu.Lock();
      if (ec->running.Get()) break;
      ec->mu.Unlock();
      co_await w.ex.Yield();
    }
    co_await w.ex.Sleep(10 * sim::kMillisecond);  // it reads the task, blocks
    containerd::services::tasks::v1::KillRequest kill;
    kill.set_container_id("c1");
    kill.set_signal(9);
    EXPECT_TRUE(w.fake.Kill("moby", kill).ok());
    co_await w.ex.Sleep(sim::kSecond);  // the policy starts a new task
    restarted = *(co_await w.daemon->ContainerInspect("c1"));
    ec->mu.Unlock();
    std::optional<absl::Status> joined = co_await w.ex.Join(start);
    if (joined.has_value()) started = *joined;
    (void)co_await w.daemon->ContainerRm("c1", true);
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body);
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  ASSERT_TRUE(restarted.has_value());
  EXPECT_TRUE(restarted->running);
  EXPECT_NE(restarted->pid, pid_before);  // a new task
  EXPECT_TRUE(started.ok()) << started.ToString();
}

// The init dies between Tasks/Create and Tasks/Start (a kill behind the
// daemon's back), so the start fails, and its exit arrives once the failed
// start let go of the container lock. dockerd 20.10 takes it for an exec's
// (its pid is not the stopped container's 0); since 0e4d3feb (the objects
// design) handleContainerExit runs for it, and `always` restarts the
// container.
TEST_P(DaemonLifecycleTest, ExitOfAnInitWhoseStartFailed) {
  absl::Status started;
  std::optional<ContainerInspectResult> after;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    RestartPolicy always{RestartPolicy::Name::kAlways};
    (void)co_await w.daemon->ContainerCreate("c1", args, always);
    bool killed = false;
    w.transport.SetObserver([&w, &killed](const std::string& method) {
      if (killed || method != "/containerd.services.tasks.v1.Tasks/Start") {
        return;
      }
      killed = true;
      containerd::services::tasks::v1::KillRequest kill;
      kill.set_container_id("c1");
      kill.set_signal(9);
      EXPECT_TRUE(w.fake.Kill("moby", kill).ok());
    });
    started = co_await w.daemon->ContainerStart("c1");
    co_await w.ex.Sleep(sim::kSecond);  // the exit, then any restart
    after = *(co_await w.daemon->ContainerInspect("c1"));
    (void)co_await w.daemon->ContainerRm("c1", true);
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body);
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  EXPECT_FALSE(started.ok());
  ASSERT_TRUE(after.has_value());
  if (GetParam() == Design::kLegacy) {
    EXPECT_FALSE(after->running);
    EXPECT_EQ(after->restart_count, 0);
  } else {
    EXPECT_TRUE(after->running);
    EXPECT_EQ(after->restart_count, 1);
  }
}

// An attached exec start whose request is abandoned while it waits (the
// scenario runner cancels in-flight calls when dockerd restarts, and gives up
// on calls that cannot return): its frame is destroyed at the wait. Neither the
// exec nor the client's context may keep a pointer to the request's notify:
// the client's later cancel and the exec's exit (CloseStreams) fired a freed
// one, which ended generated runs with "exception escaped a sim::Task".
TEST_P(DaemonLifecycleTest, AbandonedAttachedExecStartLeavesNoDanglingWatcher) {
  size_t watchers_left = 99;
  std::optional<ContainerInspectResult> after;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    std::vector<std::string> exec_args{"run"};
    absl::StatusOr<std::string> id =
        co_await w.daemon->ContainerExecCreate("c1", exec_args);
    EXPECT_TRUE(id.ok()) << id.status();
    if (!id.ok()) co_return;
    std::shared_ptr<daemon_core::Container> c = w.daemon->containers().at("c1");
    std::shared_ptr<daemon_core::ExecConfig> ec =
        co_await c->exec_commands.Get(*id);
    auto ctx = std::make_shared<daemon_core::Context>();
    auto start =
        w.ex.Spawn("attached exec start",
                   [](World& wd, std::string exec,
                      std::shared_ptr<daemon_core::Context> cx)
                       -> sim::Task<absl::Status> {
                     co_return co_await wd.daemon->ContainerExecStart(exec, cx);
                   }(w, *id, ctx));
    co_await w.ex.Sleep(10 * sim::kMillisecond);  // it waits for the attach
    w.ex.Cancel(start.id);                        // the client is gone
    co_await w.ex.Yield();
    co_await ec->mu.Lock();
    watchers_left = ec->attach_watchers.size();
    ec->mu.Unlock();
    ctx->Cancel();  // the client's own timer, later
    (void)co_await w.daemon->ContainerKill("c1", 9);  // the exec exits too
    co_await w.ex.Sleep(sim::kSecond);
    after = *(co_await w.daemon->ContainerInspect("c1"));
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body);
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  EXPECT_EQ(watchers_left, 0u);
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->running);
}

// dockerd dies between a pause's Tasks/Pause and its CheckpointTo: containerd
// has the task frozen, the disk says running and not paused. Restore without
// live restore stops it: SIGTERM waits in the frozen task, and after the stop
// timeout SIGKILL, for which runc thaws the cgroup, kills it (137, as runc 1.1
// does: Kernel::set_sigkill_thaws_frozen). The container ends exited, its
// task deleted.
TEST_P(DaemonLifecycleTest, RestoreStopsATaskPausedBehindItsBack) {
  std::optional<ContainerInspectResult> after;
  bool task_left = true;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    containerd::services::tasks::v1::PauseTaskRequest pause;
    pause.set_container_id("c1");
    EXPECT_TRUE(w.fake.Pause("moby", pause).ok());
    co_await w.RestartDaemon();
    after = *(co_await w.daemon->ContainerInspect("c1"));
    containerd::services::tasks::v1::GetRequest get;
    get.set_container_id("c1");
    containerd::services::tasks::v1::GetResponse got;
    task_left = w.fake.Get("moby", get, &got).ok();
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body);
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->running);
  EXPECT_EQ(after->status, "exited");
  EXPECT_EQ(after->exit_code, 137);
  EXPECT_FALSE(task_left);
}

// The same under a runtime whose frozen task survives SIGKILL too (the fake
// with set_sigkill_thaws_frozen(false); runc 1.1 thaws): containerStop fails,
// and moby logs "error shutting down container" and leaves the container as
// it is (Running, with its task handle) rather than marking it stopped and
// leaking containerd's container and task.
TEST_P(DaemonLifecycleTest, RestoreLeavesAContainerItCannotShutDown) {
  std::optional<ContainerInspectResult> after;
  uint32_t containerd_pid = 0;
  Body body = [&](World& w) -> sim::Task<void> {
    w.fake.kernel().set_sigkill_thaws_frozen(false);
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    containerd::services::tasks::v1::PauseTaskRequest pause;
    pause.set_container_id("c1");
    EXPECT_TRUE(w.fake.Pause("moby", pause).ok());
    co_await w.RestartDaemon();
    after = *(co_await w.daemon->ContainerInspect("c1"));
    containerd::services::tasks::v1::GetRequest get;
    get.set_container_id("c1");
    containerd::services::tasks::v1::GetResponse got;
    if (w.fake.Get("moby", get, &got).ok())
      containerd_pid = got.process().pid();
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body);
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->running);
  EXPECT_EQ(after->status, "running");
  EXPECT_NE(containerd_pid, 0u);
  EXPECT_EQ(after->pid, containerd_pid);
}

// TestDaemonRestartWithKilledRunningContainer: the task is killed (SIGTERM)
// while dockerd is down; restore finds it stopped and takes 143 from its
// Tasks/Delete. The planted bug treats the dead task as alive: the container
// stays "running" with nothing behind it.
TEST_P(DaemonLifecycleTest, TaskKilledWhileTheDaemonIsDown) {
  for (Mutation m :
       {Mutation::kNone, Mutation::kRestoreTreatsDeadTaskAsAlive}) {
    std::optional<ContainerInspectResult> after;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      (void)co_await w.daemon->ContainerCreate("c1", args);
      (void)co_await w.daemon->ContainerStart("c1");
      w.daemon->Crash();
      containerd::services::tasks::v1::KillRequest kill;
      kill.set_container_id("c1");
      kill.set_signal(15);
      EXPECT_TRUE(w.fake.Kill("moby", kill).ok());
      co_await w.ex.Sleep(sim::kSecond);
      co_await w.RestartDaemon();
      after = *(co_await w.daemon->ContainerInspect("c1"));
    };
    sim::RunResult r = RunWorld(
        {.design = GetParam(), .mutation = m, .live_restore = true}, body);
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    ASSERT_TRUE(after.has_value());
    if (m == Mutation::kNone) {
      EXPECT_FALSE(after->running);
      EXPECT_EQ(after->exit_code, 143);
    } else {
      EXPECT_TRUE(after->running);  // the bug: I12 is violated
    }
  }
}

// TestDaemonRestartWithPausedContainer: a paused container stays paused with
// live-restore, and can be unpaused; without it, it is stopped and can start.
TEST_P(DaemonLifecycleTest, PausedContainerAcrossADaemonRestart) {
  for (bool live_restore : {false, true}) {
    std::optional<ContainerInspectResult> after;
    absl::Status next;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      (void)co_await w.daemon->ContainerCreate("c1", args);
      (void)co_await w.daemon->ContainerStart("c1");
      EXPECT_TRUE((co_await w.daemon->ContainerPause("c1")).ok());
      co_await w.ex.Sleep(sim::kMillisecond);
      co_await w.RestartDaemon();
      after = *(co_await w.daemon->ContainerInspect("c1"));
      next = live_restore ? co_await w.daemon->ContainerUnpause("c1")
                          : co_await w.daemon->ContainerStart("c1");
      (void)co_await w.daemon->ContainerRm("c1", true);
    };
    sim::RunResult r =
        RunWorld({.design = GetParam(), .live_restore = live_restore}, body);
    SCOPED_TRACE(live_restore ? "live-restore" : "no live-restore");
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(after->paused, live_restore);
    EXPECT_EQ(after->running, live_restore);
    EXPECT_TRUE(next.ok()) << next;
  }
}

// containerd restarts: the event stream breaks, the daemon subscribes again,
// and a later exit still reaches ContainerWait.
TEST_P(DaemonLifecycleTest, ExitAfterAContainerdRestartReachesTheWaiter) {
  std::optional<daemon_core::StateStatus> waited;
  uint64_t subscribes = 0;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"exit", "3", "3s"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    co_await w.ex.Sleep(10 * sim::kMillisecond);
    w.fake.Restart();
    auto r = co_await w.daemon->ContainerWait("c1", WaitCondition::kNotRunning);
    if (r.ok()) waited = *r;
  };
  sim::RunResult r = RunWorld({.design = GetParam()}, body, [&](World& w) {
    subscribes =
        w.fake.rpcs().count("/containerd.services.events.v1.Events/Subscribe");
  });
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  ASSERT_TRUE(waited.has_value());
  EXPECT_EQ(waited->exit_code, 3);
  EXPECT_EQ(subscribes, 2u);
}

INSTANTIATE_TEST_SUITE_P(
    BothDesigns, DaemonLifecycleTest,
    ::testing::Values(Design::kLegacy, Design::kObjects), [](const auto& info) {
      return std::string(daemon_core::libcontainerd::DesignName(info.param));
    });

}  // namespace
