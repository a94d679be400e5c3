// The "restore" property: what restore left against the disk and containerd.
#include "properties/check_restore.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon_core/daemon.h"
#include "properties/containerd_state.h"
#include "properties/stack.h"
#include "properties/stack_run.h"

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;

class CheckRestoreTest : public ::testing::TestWithParam<Design> {};

Body PausedContainer() {
  return [](Stack& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    EXPECT_TRUE((co_await w.daemon->ContainerCreate("c1", args)).ok());
    EXPECT_TRUE((co_await w.daemon->ContainerStart("c1")).ok());
    EXPECT_TRUE((co_await w.daemon->ContainerPause("c1")).ok());
  };
}

TEST_P(CheckRestoreTest, PausedNeedsATaskThatDoesNotRun) {
  absl::Status agrees, task_runs;
  const sim::RunResult r =
      RunWorld(RunSpec{.design = GetParam()}, PausedContainer(), [&](Stack& w) {
        const std::vector<daemon_core::ContainerCheckpoint> saved =
            w.disk.Checkpoints();
        ContainerdState cs = StateOfFake(w.fake, "moby", {});
        agrees = CheckRestore(saved, cs, *w.daemon);
        // As if containerd resumed the task before the crash and restore
        // kept the saved Paused.
        cs.tasks["c1"] = ContainerdState::Status::kRunning;
        task_runs = CheckRestore(saved, cs, *w.daemon);
      });
  ASSERT_EQ(Describe(r), "");
  EXPECT_TRUE(agrees.ok()) << agrees;
  EXPECT_FALSE(task_runs.ok());
  EXPECT_NE(task_runs.message().find("restore left container c1 Paused, but "
                                     "containerd's task is running"),
            std::string::npos)
      << task_runs;
}

TEST_P(CheckRestoreTest, ACutRemovalComesBackDead) {
  absl::Status not_dead, dead;
  const sim::RunResult r =
      RunWorld(RunSpec{.design = GetParam()}, PausedContainer(), [&](Stack& w) {
        std::vector<daemon_core::ContainerCheckpoint> saved =
            w.disk.Checkpoints();
        ASSERT_EQ(saved.size(), 1u);
        saved[0].removal_in_progress = true;  // the crash cut an rm
        const ContainerdState cs = StateOfFake(w.fake, "moby", {});
        not_dead = CheckRestore(saved, cs, *w.daemon);
        w.daemon->containers().at("c1")->state.dead = true;
        dead = CheckRestore(saved, cs, *w.daemon);
      });
  ASSERT_EQ(Describe(r), "");
  EXPECT_FALSE(not_dead.ok());
  EXPECT_NE(not_dead.message().find("container c1 was saved with "
                                    "RemovalInProgress"),
            std::string::npos)
      << not_dead;
  EXPECT_TRUE(dead.ok()) << dead;
}

INSTANTIATE_TEST_SUITE_P(BothDesigns, CheckRestoreTest,
                         ::testing::Values(Design::kLegacy, Design::kObjects));

}  // namespace
}  // namespace properties
