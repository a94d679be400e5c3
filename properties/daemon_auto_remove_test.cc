// The daemon model's AutoRemove (docker run --rm: after an exit, after a
// failed start, not after docker restart, at restore, refused with a restart
// policy) and its graceful stop (daemon.Shutdown, then restore), through the
// whole stack, for both libcontainerd designs and several schedules.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "daemon_core/daemon.h"
#include "properties/stack.h"
#include "properties/stack_run.h"

namespace {

using daemon_core::ContainerInspectResult;
using daemon_core::RestartPolicy;
using daemon_core::WaitCondition;
using daemon_core::libcontainerd::Design;

using World = properties::Stack;

constexpr uint64_t kSeeds = 10;

using properties::Body;
using properties::Describe;
using properties::RunSpec;
using properties::RunWorld;

class DaemonAutoRemoveTest : public ::testing::TestWithParam<Design> {};

// After the exit: a wait for removal returns the exit code, then the
// container is gone from the daemon, its disk and containerd.
TEST_P(DaemonAutoRemoveTest, RemovedAfterItsExit) {
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    std::optional<absl::StatusOr<daemon_core::StateStatus>> removed;
    absl::Status inspect = absl::OkStatus();
    bool root_left = true;
    size_t containerd_left = 99;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"exit", "3", "20"};
      EXPECT_TRUE(
          (co_await w.daemon->ContainerCreate("c1", args, {}, true)).ok());
      EXPECT_TRUE((co_await w.daemon->ContainerStart("c1")).ok());
      removed = co_await w.daemon->ContainerWait("c1", WaitCondition::kRemoved);
      inspect = (co_await w.daemon->ContainerInspect("c1")).status();
    };
    sim::RunResult r =
        RunWorld({.design = GetParam(), .seed = seed}, body, [&](World& w) {
          root_left = w.disk.Exists("c1");
          containerd_left = w.ContainerdContainers();
        });
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    ASSERT_TRUE(removed.has_value() && removed->ok());
    EXPECT_EQ((*removed)->exit_code, 3);
    EXPECT_TRUE(absl::IsNotFound(inspect)) << inspect;
    EXPECT_FALSE(root_left);
    EXPECT_EQ(containerd_left, 0u);
  }
}

// containerStart's error defer removes the container before the start
// replies.
TEST_P(DaemonAutoRemoveTest, RemovedByItsFailedStart) {
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    absl::Status start, inspect;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"no-such-binary"};
      (void)co_await w.daemon->ContainerCreate("c1", args, {}, true);
      start = co_await w.daemon->ContainerStart("c1");
      inspect = (co_await w.daemon->ContainerInspect("c1")).status();
    };
    sim::RunResult r = RunWorld({.design = GetParam(), .seed = seed}, body);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    EXPECT_TRUE(absl::IsInvalidArgument(start)) << start;
    EXPECT_TRUE(absl::IsNotFound(inspect)) << inspect;
  }
}

// docker restart marks it manually restarted: the exit its stop causes does
// not remove it; the next exit does.
TEST_P(DaemonAutoRemoveTest, KeptByDockerRestart) {
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    absl::Status restart;
    std::optional<ContainerInspectResult> after_restart;
    std::optional<absl::StatusOr<daemon_core::StateStatus>> removed;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      (void)co_await w.daemon->ContainerCreate("c1", args, {}, true);
      (void)co_await w.daemon->ContainerStart("c1");
      restart = co_await w.daemon->ContainerRestart("c1", sim::kSecond);
      co_await w.ex.Sleep(sim::kSecond);
      absl::StatusOr<ContainerInspectResult> v =
          co_await w.daemon->ContainerInspect("c1");
      if (v.ok()) after_restart = *v;
      (void)co_await w.daemon->ContainerKill("c1", 9);
      removed = co_await w.daemon->ContainerWait("c1", WaitCondition::kRemoved);
    };
    sim::RunResult r = RunWorld({.design = GetParam(), .seed = seed}, body);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    EXPECT_TRUE(restart.ok()) << restart;
    ASSERT_TRUE(after_restart.has_value());
    EXPECT_TRUE(after_restart->running);
    // The kill may be handled before the wait looks the container up.
    ASSERT_TRUE(removed.has_value());
    if (removed->ok()) {
      EXPECT_EQ((*removed)->exit_code, 137);
    } else {
      EXPECT_TRUE(absl::IsNotFound(removed->status()));
    }
  }
}

TEST_P(DaemonAutoRemoveTest, RefusedWithARestartPolicy) {
  absl::Status create, inspect;
  Body body = [&](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    create = co_await w.daemon->ContainerCreate(
        "c1", args, RestartPolicy{RestartPolicy::Name::kAlways}, true);
    inspect = (co_await w.daemon->ContainerInspect("c1")).status();
  };
  sim::RunResult r = RunWorld({.design = GetParam(), .seed = 0}, body);
  ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
  EXPECT_TRUE(absl::IsInvalidArgument(create)) << create;
  EXPECT_TRUE(absl::StrContains(create.message(), "AutoRemove"));
  EXPECT_TRUE(absl::IsNotFound(inspect)) << inspect;
}

// restore removes every AutoRemove container it does not restart: a created
// one, and with live-restore a running one too; others are left as they are.
TEST_P(DaemonAutoRemoveTest, RemovedByRestore) {
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    absl::Status running_rm, created_rm;
    std::optional<ContainerInspectResult> plain;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      (void)co_await w.daemon->ContainerCreate("rm-running", args, {}, true);
      (void)co_await w.daemon->ContainerStart("rm-running");
      (void)co_await w.daemon->ContainerCreate("rm-created", args, {}, true);
      (void)co_await w.daemon->ContainerCreate("plain", args);
      (void)co_await w.daemon->ContainerStart("plain");
      co_await w.RestartDaemon();
      running_rm = (co_await w.daemon->ContainerInspect("rm-running")).status();
      created_rm = (co_await w.daemon->ContainerInspect("rm-created")).status();
      absl::StatusOr<ContainerInspectResult> v =
          co_await w.daemon->ContainerInspect("plain");
      if (v.ok()) plain = *v;
      (void)co_await w.daemon->ContainerRm("plain", true);
    };
    sim::RunResult r = RunWorld(
        {.design = GetParam(), .live_restore = true, .seed = seed}, body);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    EXPECT_TRUE(absl::IsNotFound(running_rm)) << running_rm;
    EXPECT_TRUE(absl::IsNotFound(created_rm)) << created_rm;
    ASSERT_TRUE(plain.has_value());
    EXPECT_TRUE(plain->running);
  }
}

// dockerd stopped by SIGTERM, then started again. Without live-restore,
// daemon.Shutdown stops every running container (SIGTERM: 143; one that
// ignores it is SIGKILLed after the stop timeout: 137), restarts none, and
// does not mark them stopped by hand: restore starts restart=always again.
// With live-restore, they keep running.
TEST_P(DaemonAutoRemoveTest, GracefulShutdownThenRestore) {
  for (bool live_restore : {false, true}) {
    for (uint64_t seed = 0; seed < kSeeds; ++seed) {
      std::optional<ContainerInspectResult> always, plain, stubborn;
      absl::Status removed;
      Body body = [&](World& w) -> sim::Task<void> {
        std::vector<std::string> run{"run"}, sleep{"sleep"};
        (void)co_await w.daemon->ContainerCreate(
            "always", run, RestartPolicy{RestartPolicy::Name::kAlways});
        (void)co_await w.daemon->ContainerCreate("plain", run);
        (void)co_await w.daemon->ContainerCreate("stubborn", sleep);
        (void)co_await w.daemon->ContainerCreate("tmp", run, {}, true);
        for (const char* id : {"always", "plain", "stubborn", "tmp"}) {
          (void)co_await w.daemon->ContainerStart(id);
        }
        co_await w.ShutdownDaemon();
        co_await w.StartDaemon();
        always = *(co_await w.daemon->ContainerInspect("always"));
        plain = *(co_await w.daemon->ContainerInspect("plain"));
        stubborn = *(co_await w.daemon->ContainerInspect("stubborn"));
        removed = (co_await w.daemon->ContainerInspect("tmp")).status();
        for (const char* id : {"always", "plain", "stubborn"}) {
          (void)co_await w.daemon->ContainerRm(id, true);
        }
      };
      sim::RunResult r = RunWorld(
          {.design = GetParam(), .live_restore = live_restore, .seed = seed},
          body);
      SCOPED_TRACE("seed " + std::to_string(seed) +
                   (live_restore ? ", live restore" : ""));
      ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
      EXPECT_TRUE(always->running);
      EXPECT_EQ(plain->running, live_restore);
      EXPECT_EQ(stubborn->running, live_restore);
      if (!live_restore) {
        EXPECT_EQ(plain->exit_code, 143);
        EXPECT_EQ(stubborn->exit_code, 137);
        EXPECT_EQ(always->restart_count, 0);  // restore's start, not the policy
      }
      EXPECT_TRUE(absl::IsNotFound(removed)) << removed;
    }
  }
}

// A docker restart in flight when dockerd gets SIGTERM may start the
// container again after shutdownContainer's stop: its wait for the exit would
// never end, but cmd/dockerd gives daemon.Shutdown ShutdownTimeout() and then
// exits anyway (found by the generated workloads, seeds 2 and 3).
TEST_P(DaemonAutoRemoveTest, ShutdownEndsAfterItsTimeout) {
  int forced = 0;
  for (uint64_t seed = 0; seed < 3 * kSeeds; ++seed) {
    bool stopped = false;
    sim::Nanos took = 0;
    Body body = [&](World& w) -> sim::Task<void> {
      std::vector<std::string> sleep{"sleep"};
      (void)co_await w.daemon->ContainerCreate("c1", sleep);
      (void)co_await w.daemon->ContainerStart("c1");
      sim::JoinHandle<void> restart =
          w.ex.Spawn("restart", [](World& wd) -> sim::Task<void> {
            (void)co_await wd.daemon->ContainerRestart("c1", 10 * sim::kSecond);
          }(w));
      co_await w.ex.Sleep(sim::kMillisecond);
      const sim::Nanos from = w.ex.now();
      co_await w.ShutdownDaemon();
      took = w.ex.now() - from;
      w.ex.Cancel(restart.id);  // its handler dies with the process
      stopped = true;
      co_await w.StartDaemon();
      (void)co_await w.daemon->ContainerRm("c1", true);
    };
    sim::RunResult r = RunWorld({.design = GetParam(), .seed = seed}, body);
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_EQ(r.outcome, sim::RunOutcome::kCompleted) << Describe(r);
    EXPECT_TRUE(stopped);
    EXPECT_LE(took, 15 * sim::kSecond);
    if (took == 15 * sim::kSecond) ++forced;
  }
  EXPECT_GT(forced, 0);  // some schedule needed the timeout
}

INSTANTIATE_TEST_SUITE_P(BothDesigns, DaemonAutoRemoveTest,
                         ::testing::Values(Design::kObjects, Design::kLegacy),
                         [](const auto& info) {
                           return info.param == Design::kObjects ? "objects"
                                                                 : "legacy";
                         });

}  // namespace
