// The daemon model over the in-process fake containerd: container start, exit,
// wait, OOM and failed starts, for both libcontainerd designs, with the checks
// that catch the planted bugs of this slice.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/sim_transport.h"
#include "properties/stack.h"
#include "properties/stack_run.h"
#include "sim/run.h"
#include "sim/strategy_random.h"

namespace {

using daemon_core::ContainerInspectResult;
using daemon_core::Daemon;
using daemon_core::Mutation;
using daemon_core::WaitCondition;
using daemon_core::libcontainerd::Design;

using World = properties::Stack;

// Runs `body` as the one client, then lets background work settle.
template <typename F>
sim::RunResult RunClient(sim::Executor& ex, World& w, F body) {
  ex.Spawn("client", properties::AsClient(w, std::move(body)));
  sim::RunResult r = ex.Run();
  EXPECT_EQ(r.outcome, sim::RunOutcome::kCompleted)
      << (r.violation ? r.violation->message : "");
  return r;
}

class DaemonStackTest : public ::testing::TestWithParam<Design> {};

TEST_P(DaemonStackTest, StartExitWaitInspect) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, GetParam());
  std::optional<daemon_core::StateStatus> waited;
  std::optional<ContainerInspectResult> inspected;
  RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
    std::vector<std::string> args{"exit", "3", "10ms"};
    EXPECT_TRUE(
        (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
    EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
    auto r =
        co_await wd.daemon->ContainerWait("c1", WaitCondition::kNotRunning);
    waited = *r;
    auto i = co_await wd.daemon->ContainerInspect("c1");
    inspected = *i;
  });
  ASSERT_TRUE(waited.has_value());
  EXPECT_EQ(waited->exit_code, 3);
  EXPECT_EQ(inspected->status, "exited");
  EXPECT_FALSE(inspected->running);
  EXPECT_EQ(inspected->exit_code, 3);
  EXPECT_EQ(w.ContainerdContainers(), 0u);  // the exit's Cleanup deleted it
  ex.DestroyAllTasks();
}

TEST_P(DaemonStackTest, FailedStartLeavesNothingBehindUnlessMutated) {
  for (Mutation m :
       {Mutation::kNone, Mutation::kFailedStartSkipsContainerDelete}) {
    sim::RandomStrategy strategy;
    sim::Executor ex({}, strategy);
    World w(ex, GetParam(), m);
    absl::Status started;
    std::optional<ContainerInspectResult> inspected;
    RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
      std::vector<std::string> args{"/no/such/binary"};
      EXPECT_TRUE(
          (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
      started = co_await wd.daemon->ContainerStart("c1");
      inspected = *(co_await wd.daemon->ContainerInspect("c1"));
    });
    EXPECT_TRUE(absl::IsInvalidArgument(started)) << started;
    EXPECT_FALSE(inspected->running);
    EXPECT_EQ(inspected->exit_code, 127);
    EXPECT_FALSE(inspected->error.empty());
    // The leak check an end-of-run property makes: containerd holds a container
    // the daemon does not run.
    EXPECT_EQ(w.ContainerdContainers(), m == Mutation::kNone ? 0u : 1u);
    ex.DestroyAllTasks();
  }
}

TEST_P(DaemonStackTest, OomKilledShowsAfterTheOomAndIsClearedByTheNextStart) {
  for (Mutation m : {Mutation::kNone, Mutation::kOomKilledNotClearedOnStart}) {
    sim::RandomStrategy strategy;
    sim::Executor ex({}, strategy);
    World w(ex, GetParam(), m);
    bool after_exit = false, after_restart = true;
    RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
      std::vector<std::string> args{"oom", "10ms"};
      EXPECT_TRUE(
          (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
      EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
      auto exit =
          co_await wd.daemon->ContainerWait("c1", WaitCondition::kNotRunning);
      EXPECT_EQ(exit->exit_code, 137);
      after_exit = (co_await wd.daemon->ContainerInspect("c1"))->oom_killed;
      EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
      after_restart = (co_await wd.daemon->ContainerInspect("c1"))->oom_killed;
      (void)co_await wd.daemon->ContainerWait("c1", WaitCondition::kNotRunning);
    });
    EXPECT_TRUE(after_exit);
    EXPECT_EQ(after_restart, m == Mutation::kOomKilledNotClearedOnStart);
    ex.DestroyAllTasks();
  }
}

TEST_P(DaemonStackTest, KillOfAStoppedContainerIsAConflict) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, GetParam());
  absl::Status before_start, after_kill_exit;
  std::optional<daemon_core::StateStatus> waited;
  RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    EXPECT_TRUE(
        (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
    before_start = co_await wd.daemon->ContainerKill("c1", 9);
    EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
    EXPECT_TRUE((co_await wd.daemon->ContainerKill("c1", 9)).ok());
    waited =
        *(co_await wd.daemon->ContainerWait("c1", WaitCondition::kNotRunning));
    after_kill_exit = co_await wd.daemon->ContainerKill("c1", 9);
  });
  EXPECT_TRUE(daemon_core::IsConflict(before_start)) << before_start;
  EXPECT_EQ(before_start.message(), "Container c1 is not running");
  EXPECT_EQ(waited->exit_code, 137);
  EXPECT_TRUE(daemon_core::IsConflict(after_kill_exit));
  ex.DestroyAllTasks();
}

TEST_P(DaemonStackTest, StopHonoursSigtermOrKillsAfterTheTimeout) {
  // "run" exits on SIGTERM (143); "sleep" as PID 1 ignores it and is killed
  // (137) only after the 10 s timeout, in virtual time.
  for (const char* program : {"run", "sleep"}) {
    sim::RandomStrategy strategy;
    sim::Executor ex({}, strategy);
    World w(ex, GetParam());
    std::optional<ContainerInspectResult> inspected;
    absl::Status stopped;
    sim::Nanos stopped_at = 0;
    RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
      std::vector<std::string> args{program};
      EXPECT_TRUE(
          (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
      EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
      stopped = co_await wd.daemon->ContainerStop("c1", 10 * sim::kSecond);
      stopped_at = wd.faults.executor().now();
      inspected = *(co_await wd.daemon->ContainerInspect("c1"));
      EXPECT_TRUE(
          (co_await wd.daemon->ContainerStop("c1", sim::kSecond)).ok());  // 304
    });
    EXPECT_TRUE(stopped.ok()) << stopped;
    EXPECT_FALSE(inspected->running);
    if (std::string(program) == "run") {
      EXPECT_EQ(inspected->exit_code, 143);
      EXPECT_LT(stopped_at, 10 * sim::kSecond);
    } else {
      EXPECT_EQ(inspected->exit_code, 137);
      EXPECT_GE(stopped_at, 10 * sim::kSecond);
    }
    ex.DestroyAllTasks();
  }
}

TEST_P(DaemonStackTest, PauseUnpauseAndTheirConflicts) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, GetParam());
  std::vector<absl::Status> got;
  std::optional<ContainerInspectResult> while_paused;
  RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    EXPECT_TRUE(
        (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
    got.push_back(co_await wd.daemon->ContainerPause("c1"));  // not running
    EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
    got.push_back(co_await wd.daemon->ContainerPause("c1"));  // ok
    // Let the /tasks/paused event land: handled after a later unpause, it
    // would set Paused again (moby's handler has that race too).
    co_await wd.ex.Sleep(sim::kMillisecond);
    got.push_back(co_await wd.daemon->ContainerPause("c1"));  // already paused
    while_paused = *(co_await wd.daemon->ContainerInspect("c1"));
    std::vector<std::string> exec_args{"exit", "0"};
    got.push_back(
        (co_await wd.daemon->ContainerExecCreate("c1", std::move(exec_args)))
            .status());
    got.push_back(co_await wd.daemon->ContainerUnpause("c1"));  // ok
    co_await wd.ex.Sleep(sim::kMillisecond);
    got.push_back(co_await wd.daemon->ContainerUnpause("c1"));  // not paused
    EXPECT_TRUE((co_await wd.daemon->ContainerKill("c1", 9)).ok());
  });
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0].message(), "Container c1 is not running");
  EXPECT_TRUE(got[1].ok()) << got[1];
  EXPECT_EQ(got[2].message(), "Container c1 is already paused");
  EXPECT_TRUE(while_paused->paused);
  EXPECT_EQ(while_paused->status, "paused");
  EXPECT_EQ(got[3].message(),
            "Container c1 is paused, unpause the container before exec");
  EXPECT_TRUE(got[4].ok()) << got[4];
  EXPECT_EQ(got[5].message(), "Container c1 is not paused");
  EXPECT_TRUE(absl::IsInternal(got[5])) << got[5];  // moby: a plain error, 500
  ex.DestroyAllTasks();
}

// TestCorrectStateWaitResultAfterRestart at the daemon level: a next-exit
// waiter gets the exit code of the run that ended although the restart policy
// starts the next run at once; the #39352 mutation reads the code after the
// wakeup and may see the new run's 0.
TEST_P(DaemonStackTest, WaitGetsTheCodeOfTheExitEvenWhenThePolicyRestarts) {
  for (Mutation m :
       {Mutation::kNone, Mutation::kWaitReadsExitCodeAfterWakeup}) {
    int wrong = 0, restarts = 0;
    for (uint64_t seed = 0; seed < 1000; ++seed) {
      sim::ExecutorOptions o;
      o.seed = seed;
      o.fire_timers_early = true;
      sim::RandomStrategy strategy;
      std::optional<daemon_core::StateStatus> waited;
      int restart_count = 0;
      sim::RunRecord rec = sim::RunOnce(
          o, strategy, [&](sim::Executor& ex) -> std::shared_ptr<void> {
            auto w = std::make_shared<World>(ex, GetParam(), m);
            ex.Spawn("client",
                     [](World& wd, std::optional<daemon_core::StateStatus>* out)
                         -> sim::Task<void> {
                       // dockerd serves the API once its events are
                       // subscribed; an exit before that would be lost.
                       co_await wd.daemon->EventMonitorReady();
                       std::vector<std::string> args{"exit", "10", "5ms"};
                       daemon_core::RestartPolicy always{
                           daemon_core::RestartPolicy::Name::kAlways};
                       (void)co_await wd.daemon->ContainerCreate(
                           "c1", std::move(args), always);
                       (void)co_await wd.daemon->ContainerStart("c1");
                       auto r = co_await wd.daemon->ContainerWait(
                           "c1", WaitCondition::kNextExit);
                       if (r.ok()) *out = *r;
                     }(*w, &waited));
            return std::shared_ptr<void>(w.get(), [w, &restart_count](void*) {
              restart_count = w->daemon->containers().at("c1")->restart_count;
            });
          });
      EXPECT_EQ(rec.result.outcome, sim::RunOutcome::kCompleted)
          << "seed " << seed;
      ASSERT_TRUE(waited.has_value()) << "seed " << seed;
      wrong += waited->exit_code != 10;
      restarts += restart_count > 0;
    }
    EXPECT_GT(restarts, 0);  // the policy did restart the container
    if (m == Mutation::kNone) {
      EXPECT_EQ(wrong, 0);
    } else {
      EXPECT_GT(wrong, 0);
    }
  }
}

TEST_P(DaemonStackTest, RestartStopsThenStarts) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, GetParam());
  absl::Status restarted;
  std::optional<ContainerInspectResult> after;
  RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    EXPECT_TRUE(
        (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
    EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
    restarted = co_await wd.daemon->ContainerRestart("c1", 10 * sim::kSecond);
    after = *(co_await wd.daemon->ContainerInspect("c1"));
    EXPECT_TRUE((co_await wd.daemon->ContainerKill("c1", 9)).ok());
  });
  EXPECT_TRUE(restarted.ok()) << restarted;
  EXPECT_TRUE(after->running);
  EXPECT_EQ(after->exit_code, 0);  // SetRunning reset the previous run's 143
  ex.DestroyAllTasks();
}

INSTANTIATE_TEST_SUITE_P(
    BothDesigns, DaemonStackTest,
    ::testing::Values(Design::kObjects, Design::kLegacy), [](const auto& info) {
      return std::string(daemon_core::libcontainerd::DesignName(info.param));
    });

// A start that fails after the container ran: containerStart's error defer
// runs Cleanup, which (legacy) deletes by id or (objects) deletes through the
// previous run's retained handle; either way containerd has nothing left to
// delete and answers NOT_FOUND, and nothing leaks.
TEST_P(DaemonStackTest, FailedRestartCleansUpThroughTheStaleHandle) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  World w(ex, GetParam());
  w.faults.set_armed(true);
  absl::Status started;
  std::vector<std::string> rpcs;
  RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
    std::vector<std::string> args{"exit", "0"};
    EXPECT_TRUE(
        (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
    EXPECT_TRUE((co_await wd.daemon->ContainerStart("c1")).ok());
    EXPECT_TRUE(
        (co_await wd.daemon->ContainerWait("c1", WaitCondition::kNotRunning))
            .ok());
    wd.faults.Force(fake_containerd::FaultPoint::kRpcUnavailable, 1,
                    "/containerd.services.tasks.v1.Tasks/Create");
    fake_containerd::RpcLog::Scope scope(wd.fake.rpcs());
    started = co_await wd.daemon->ContainerStart("c1");
    rpcs = scope.short_calls();
  });
  EXPECT_FALSE(started.ok());
  EXPECT_EQ(w.ContainerdContainers(), 0u);
  // The failed start's own delete of the container it made, then Cleanup's:
  // legacy looks the id up (Containers/Get), objects' stale handle checks for
  // a task, then looks its container up; both are answered NOT_FOUND.
  const std::vector<std::string> cleanup =
      GetParam() == Design::kLegacy
          ? std::vector<std::string>{"Containers/Delete", "Containers/Get"}
          : std::vector<std::string>{"Containers/Delete", "Tasks/Get",
                                     "Containers/Get"};
  ASSERT_GE(rpcs.size(), cleanup.size());
  EXPECT_EQ(std::vector<std::string>(rpcs.end() - cleanup.size(), rpcs.end()),
            cleanup);
  EXPECT_EQ(std::count(rpcs.begin(), rpcs.end(), "Containers/Delete"), 1);
  ex.DestroyAllTasks();
}

// 6a2f385a: a containerd container left over with a live task (the daemon was
// killed) is replaced by start with the objects design; without the fix the
// Conflict comes back.
TEST(DaemonStaleContainerTest, StartReplacesAStaleContainer) {
  for (Mutation m :
       {Mutation::kNone, Mutation::kStartDoesNotReplaceStaleContainer}) {
    sim::RandomStrategy strategy;
    sim::Executor ex({}, strategy);
    World w(ex, Design::kObjects, m);
    const std::vector<std::string> run{"run"};
    ASSERT_TRUE(w.LeaveStaleContainer("c1", run, /*task=*/true).ok());
    absl::Status started;
    RunClient(ex, w, [&](World& wd) -> sim::Task<void> {
      std::vector<std::string> args{"run"};
      EXPECT_TRUE(
          (co_await wd.daemon->ContainerCreate("c1", std::move(args))).ok());
      started = co_await wd.daemon->ContainerStart("c1");
    });
    if (m == Mutation::kNone) {
      EXPECT_TRUE(started.ok()) << started;
    } else {
      EXPECT_TRUE(daemon_core::IsConflict(started)) << started;
    }
    ex.DestroyAllTasks();
  }
}

}  // namespace

namespace {

// Two concurrent clients over the whole stack: every seed run twice gives the
// same trace hash, and different seeds explore different schedules.
sim::RunRecord RunTwoClients(uint64_t seed, Design design) {
  sim::ExecutorOptions o;
  o.seed = seed;
  o.fire_timers_early = true;
  sim::RandomStrategy strategy;
  return sim::RunOnce(
      o, strategy, [design](sim::Executor& ex) -> std::shared_ptr<void> {
        auto w = std::make_shared<World>(ex, design);
        for (const char* id : {"c1", "c2"}) {
          ex.Spawn(std::string("client ") + id,
                   [](World& wd, std::string cid) -> sim::Task<void> {
                     co_await wd.daemon->EventMonitorReady();
                     std::vector<std::string> args{"exit", "1", "5ms"};
                     (void)co_await wd.daemon->ContainerCreate(cid,
                                                               std::move(args));
                     (void)co_await wd.daemon->ContainerStart(cid);
                     (void)co_await wd.daemon->ContainerInspect(cid);
                     (void)co_await wd.daemon->ContainerKill(cid, 9);
                     (void)co_await wd.daemon->ContainerWait(
                         cid, WaitCondition::kNotRunning);
                   }(*w, id));
        }
        return w;
      });
}

TEST(DaemonDeterminismTest, SameSeedSameHashAcrossTheWholeStack) {
  std::set<uint64_t> hashes;
  for (Design d : {Design::kObjects, Design::kLegacy}) {
    for (uint64_t seed = 0; seed < 40; ++seed) {
      sim::RunRecord a = RunTwoClients(seed, d);
      sim::RunRecord b = RunTwoClients(seed, d);
      ASSERT_EQ(a.result.trace_hash, b.result.trace_hash) << "seed " << seed;
      EXPECT_EQ(a.result.outcome, sim::RunOutcome::kCompleted)
          << (a.result.violation ? a.result.violation->message : "");
      hashes.insert(a.result.trace_hash);
    }
  }
  EXPECT_GT(hashes.size(), 10u);
}

}  // namespace
