// Fixed-outcome tests for the planted bugs of the exit path (moby-daemon.md
// §4): each runs one client over many seeds, expects no failure with the fix,
// and at least one with the mutation.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon_core/daemon.h"
#include "properties/stack.h"
#include "properties/stack_run.h"
#include "sim/run.h"
#include "sim/strategy_random.h"

namespace {

using daemon_core::ContainerInspectResult;
using daemon_core::Mutation;
using daemon_core::libcontainerd::Design;

using World = properties::Stack;
using Body = std::function<sim::Task<void>(World&)>;

// Runs `body` under seeds 0..runs-1. `failed` judges one run (its result and
// what the body recorded, which `reset` clears before each run). Returns how
// many runs failed.
int CountFailures(Design design, Mutation m, int runs, const Body& body,
                  const std::function<void()>& reset,
                  const std::function<bool(const sim::RunResult&)>& failed,
                  const std::function<void(World&)>& setup = {}) {
  int n = 0;
  for (int seed = 0; seed < runs; ++seed) {
    reset();
    sim::ExecutorOptions o;
    o.seed = static_cast<uint64_t>(seed);
    sim::RandomStrategy strategy;
    sim::RunRecord rec = sim::RunOnce(
        o, strategy, [&](sim::Executor& ex) -> std::shared_ptr<void> {
          auto w = std::make_shared<World>(ex, design, m);
          if (setup) setup(*w);
          ex.Spawn("client", properties::AsClient(*w, body));
          return w;
        });
    n += failed(rec.result);
  }
  std::printf(
      "%s, %s: %d/%d runs failed\n",
      std::string(daemon_core::libcontainerd::DesignName(design)).c_str(),
      std::string(daemon_core::Info(m).name).c_str(), n, runs);
  return n;
}

bool Violated(const sim::RunResult& r, const std::string& invariant) {
  return r.outcome == sim::RunOutcome::kViolation && r.violation &&
         r.violation->invariant == invariant;
}

class DaemonMutationTest : public ::testing::TestWithParam<Design> {};

// I3 (3b28a24e): a failed exec start publishes the exec's TaskExit while
// ExecStart still owns the exec; the exit handler must cope with a nil
// Process. The planted bug dereferences it (moby panicked).
TEST_P(DaemonMutationTest, ExitHandlerToleratesANilProcess) {
  Body body = [](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    // The process dies during its start and its exit is published (a
    // missing binary publishes none with containerd 1.6.20).
    std::vector<std::string> exec_args{"run"};
    auto id = co_await w.daemon->ContainerExecCreate("c1", exec_args);
    w.faults.Force(fake_containerd::FaultPoint::kExecStartFails);
    (void)co_await w.daemon->ContainerExecStart(*id);
    co_await w.ex.Sleep(sim::kSecond);
    (void)co_await w.daemon->ContainerKill("c1", 9);
  };
  auto failed = [](const sim::RunResult& r) {
    return r.outcome != sim::RunOutcome::kCompleted;
  };
  EXPECT_EQ(CountFailures(
                GetParam(), Mutation::kNone, 200, body, [] {}, failed),
            0);
  EXPECT_GT(CountFailures(
                GetParam(), Mutation::kExitHandlerNilProcess, 200, body, [] {},
                failed),
            0);
}

// I14 (0e4d3feb): with every process reporting the init's pid (kata), an exec's
// exit classified by pid is taken for the container's: the container is shown
// stopped while it runs.
TEST_P(DaemonMutationTest, InitExitIsToldByProcessIdNotByPid) {
  std::optional<ContainerInspectResult> after;
  Body body = [&after](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    std::vector<std::string> exec_args{"exit", "0", "1ms"};
    auto id = co_await w.daemon->ContainerExecCreate("c1", exec_args);
    (void)co_await w.daemon->ContainerExecStart(*id);
    co_await w.ex.Sleep(100 * sim::kMillisecond);
    after = *(co_await w.daemon->ContainerInspect("c1"));
    (void)co_await w.daemon->ContainerKill("c1", 9);
  };
  auto reset = [&after] { after.reset(); };
  auto failed = [&after](const sim::RunResult& r) {
    return r.outcome != sim::RunOutcome::kCompleted || !after ||
           !after->running;
  };
  auto shared_pids = [](World& w) { w.fake.kernel().set_shared_pids(true); };
  EXPECT_EQ(CountFailures(GetParam(), Mutation::kNone, 50, body, reset, failed,
                          shared_pids),
            0);
  EXPECT_EQ(CountFailures(GetParam(), Mutation::kInitExitClassifiedByPid, 50,
                          body, reset, failed, shared_pids),
            50);
}

// I6 (57d2d6ef): OOMKilled shows as soon as the OOM event is handled, here
// with an exec as the victim while the container keeps running. The planted
// bug (the legacy client's behaviour) applies it only at the exit.
TEST(DaemonOomTest, OomKilledIsSetAtOnce) {
  std::optional<ContainerInspectResult> after;
  Body body = [&after](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    std::vector<std::string> exec_args{"oom", "1ms"};
    auto id = co_await w.daemon->ContainerExecCreate("c1", exec_args);
    (void)co_await w.daemon->ContainerExecStart(*id);
    co_await w.ex.Sleep(100 * sim::kMillisecond);
    after = *(co_await w.daemon->ContainerInspect("c1"));
    (void)co_await w.daemon->ContainerKill("c1", 9);
  };
  auto reset = [&after] { after.reset(); };
  auto failed = [&after](const sim::RunResult& r) {
    return r.outcome != sim::RunOutcome::kCompleted || !after ||
           !after->running || !after->oom_killed;
  };
  EXPECT_EQ(
      CountFailures(Design::kObjects, Mutation::kNone, 50, body, reset, failed),
      0);
  EXPECT_EQ(CountFailures(Design::kObjects, Mutation::kOomKilledOnlyAtExit, 50,
                          body, reset, failed),
            50);
  // The legacy design is the old client: the same outcome without a mutation.
  EXPECT_EQ(
      CountFailures(Design::kLegacy, Mutation::kNone, 50, body, reset, failed),
      50);
}

// I1(c) (a09f8dbe): exec inspect reads Running and ExitCode under the exec
// lock. The planted bug reads them without it; the race detector reports the
// read against the exit handler's locked write.
TEST_P(DaemonMutationTest, ExecInspectTakesTheExecLock) {
  Body body = [](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon->ContainerCreate("c1", args);
    (void)co_await w.daemon->ContainerStart("c1");
    std::vector<std::string> exec_args{"exit", "0", "1ms"};
    auto id = co_await w.daemon->ContainerExecCreate("c1", exec_args);
    (void)co_await w.daemon->ContainerExecStart(*id);
    for (int i = 0; i < 20; ++i) {
      (void)co_await w.daemon->ContainerExecInspect(*id);
      co_await w.ex.Sleep(sim::kMillisecond / 4);
    }
    (void)co_await w.daemon->ContainerKill("c1", 9);
  };
  auto raced = [](const sim::RunResult& r) { return Violated(r, "data-race"); };
  auto failed = [](const sim::RunResult& r) {
    return r.outcome != sim::RunOutcome::kCompleted;
  };
  EXPECT_EQ(CountFailures(
                GetParam(), Mutation::kNone, 100, body, [] {}, failed),
            0);
  EXPECT_GT(CountFailures(
                GetParam(), Mutation::kExecInspectWithoutLock, 100, body, [] {},
                raced),
            0);
}

INSTANTIATE_TEST_SUITE_P(
    BothDesigns, DaemonMutationTest,
    ::testing::Values(Design::kLegacy, Design::kObjects), [](const auto& info) {
      return std::string(daemon_core::libcontainerd::DesignName(info.param));
    });

}  // namespace
