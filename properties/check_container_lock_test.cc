// The "container-lock-held" property: which requests it judges, and that the
// sender must hold the container lock itself.
#include "properties/check_container_lock.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "containerd/services/tasks/v1/tasks.pb.h"
#include "properties/stack.h"
#include "properties/stack_run.h"

namespace properties {
namespace {

namespace tpb = ::containerd::services::tasks::v1;
using daemon_core::libcontainerd::Design;

constexpr char kKill[] = "/containerd.services.tasks.v1.Tasks/Kill";
constexpr char kPause[] = "/containerd.services.tasks.v1.Tasks/Pause";
constexpr char kDelete[] = "/containerd.services.tasks.v1.Tasks/Delete";

struct Seen {
  std::string unlocked, locked, exec_kill, other_rpc, unknown, other_holder;
  std::vector<std::string> each_unlocked;  // Create, Start, Pause, Resume
};

Body Judge(Seen* seen) {
  return [seen](Stack& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    EXPECT_TRUE((co_await w.daemon->ContainerCreate("c1", args)).ok());
    EXPECT_TRUE((co_await w.daemon->ContainerStart("c1")).ok());
    const daemon_core::Daemon& d = *w.daemon;
    sim::Mutex& mu = w.daemon->containers().at("c1")->state.mu;
    tpb::KillRequest kill;
    kill.set_container_id("c1");
    kill.set_signal(9);
    seen->unlocked = ContainerLockMissing(kKill, kill, d, w.ex);
    const std::string tasks = "/containerd.services.tasks.v1.Tasks/";
    tpb::CreateTaskRequest create;
    create.set_container_id("c1");
    tpb::StartRequest start;
    start.set_container_id("c1");
    tpb::PauseTaskRequest pause;
    pause.set_container_id("c1");
    tpb::ResumeTaskRequest resume;
    resume.set_container_id("c1");
    seen->each_unlocked = {
        ContainerLockMissing(tasks + "Create", create, d, w.ex),
        ContainerLockMissing(tasks + "Start", start, d, w.ex),
        ContainerLockMissing(kPause, pause, d, w.ex),
        ContainerLockMissing(tasks + "Resume", resume, d, w.ex)};
    tpb::DeleteTaskRequest del;
    del.set_container_id("c1");
    seen->other_rpc = ContainerLockMissing(kDelete, del, d, w.ex);
    tpb::KillRequest exec_kill = kill;
    exec_kill.set_exec_id("e1");
    seen->exec_kill = ContainerLockMissing(kKill, exec_kill, d, w.ex);
    tpb::PauseTaskRequest unknown;
    unknown.set_container_id("c2");
    seen->unknown = ContainerLockMissing(kPause, unknown, d, w.ex);
    co_await mu.Lock();
    seen->locked = ContainerLockMissing(kKill, kill, d, w.ex);
    // Another task holds it while this one sends.
    auto other =
        w.ex.Spawn("other",
                   [](Stack& w, tpb::KillRequest kill,
                      std::string* out) -> sim::Task<void> {
                     *out = ContainerLockMissing(kKill, kill, *w.daemon, w.ex);
                     co_return;
                   }(w, kill, &seen->other_holder));
    co_await w.ex.Join(other);
    mu.Unlock();
  };
}

class CheckContainerLockTest : public ::testing::TestWithParam<Design> {};

TEST_P(CheckContainerLockTest, TheSenderMustHoldTheContainerLock) {
  Seen seen;
  const sim::RunResult r =
      RunWorld(RunSpec{.design = GetParam()}, Judge(&seen), [](Stack&) {});
  ASSERT_EQ(Describe(r), "");
  EXPECT_NE(seen.unlocked.find("Tasks/Kill of container c1's init process "
                               "sent by '"),
            std::string::npos)
      << seen.unlocked;
  EXPECT_NE(seen.unlocked.find("' without the container lock"),
            std::string::npos)
      << seen.unlocked;
  EXPECT_EQ(seen.unlocked.find("held by"), std::string::npos) << seen.unlocked;
  const char* const rpcs[] = {"Create", "Start", "Pause", "Resume"};
  ASSERT_EQ(seen.each_unlocked.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NE(seen.each_unlocked[i].find(std::string("Tasks/") + rpcs[i] +
                                         " of container c1's init process"),
              std::string::npos)
        << seen.each_unlocked[i];
  }
  EXPECT_EQ(seen.locked, "");
  EXPECT_EQ(seen.exec_kill, "");  // an exec's kill needs no lock
  EXPECT_EQ(seen.other_rpc, "");  // Tasks/Delete is not judged
  EXPECT_EQ(seen.unknown, "");    // nor a container the daemon lacks
  EXPECT_NE(seen.other_holder.find("sent by 'other' without the container "
                                   "lock (held by '"),
            std::string::npos)
      << seen.other_holder;
}

INSTANTIATE_TEST_SUITE_P(Designs, CheckContainerLockTest,
                         ::testing::Values(Design::kLegacy, Design::kObjects));

}  // namespace
}  // namespace properties
