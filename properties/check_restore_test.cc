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
        RestoreSeen seen;
        seen.saved = w.disk.Checkpoints();
        seen.after = StateOfFake(w.fake, "moby", {});
        agrees = CheckRestore(seen, *w.daemon);
        // As if containerd resumed the task before the crash and restore
        // kept the saved Paused.
        seen.after.tasks["c1"] = ContainerdState::Status::kRunning;
        task_runs = CheckRestore(seen, *w.daemon);
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
        RestoreSeen seen;
        seen.saved = w.disk.Checkpoints();
        ASSERT_EQ(seen.saved.size(), 1u);
        seen.saved[0].removal_in_progress = true;  // the crash cut an rm
        seen.after = StateOfFake(w.fake, "moby", {});
        not_dead = CheckRestore(seen, *w.daemon);
        w.daemon->containers().at("c1")->state.dead = true;
        dead = CheckRestore(seen, *w.daemon);
      });
  ASSERT_EQ(Describe(r), "");
  EXPECT_FALSE(not_dead.ok());
  EXPECT_NE(not_dead.message().find("container c1 was saved with "
                                    "RemovalInProgress"),
            std::string::npos)
      << not_dead;
  EXPECT_TRUE(dead.ok()) << dead;
}

Body RunningContainer() {
  return [](Stack& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    EXPECT_TRUE((co_await w.daemon->ContainerCreate("c1", args)).ok());
    EXPECT_TRUE((co_await w.daemon->ContainerStart("c1")).ok());
  };
}

// The daemon as it was at the crash stands for a restore that changed
// nothing: Running on the task it had.
TEST_P(CheckRestoreTest, WithoutLiveRestoreTheOldTaskIsStopped) {
  absl::Status kept, live, paused;
  const sim::RunResult r = RunWorld(
      RunSpec{.design = GetParam()}, RunningContainer(), [&](Stack& w) {
        RestoreSeen seen;
        seen.saved = w.disk.Checkpoints();
        seen.before = StateOfFake(w.fake, "moby", {});
        seen.after = seen.before;
        kept = CheckRestore(seen, *w.daemon);
        seen.live_restore = true;
        live = CheckRestore(seen, *w.daemon);
        seen.live_restore = false;
        seen.before.tasks["c1"] = ContainerdState::Status::kPaused;
        paused = CheckRestore(seen, *w.daemon);
      });
  ASSERT_EQ(Describe(r), "");
  EXPECT_FALSE(kept.ok());
  EXPECT_NE(kept.message().find("restore left container c1 Running on the "
                                "task it had at the crash"),
            std::string::npos)
      << kept;
  EXPECT_TRUE(live.ok()) << live;
  EXPECT_TRUE(paused.ok()) << paused;
}

TEST_P(CheckRestoreTest, AnExitWhileDownShowsItsStatus) {
  absl::Status wrong, right, started_again;
  const sim::RunResult r = RunWorld(
      RunSpec{.design = GetParam()}, RunningContainer(), [&](Stack& w) {
        RestoreSeen seen;
        seen.saved = w.disk.Checkpoints();
        seen.before.exit_statuses["c1"] = 3;
        daemon_core::State& st = w.daemon->containers().at("c1")->state;
        st.running = false;
        st.exit_code = 0;
        wrong = CheckRestore(seen, *w.daemon);
        st.exit_code = 3;
        right = CheckRestore(seen, *w.daemon);
        st.exit_code = 0;
        st.started_at += 1;
        started_again = CheckRestore(seen, *w.daemon);
      });
  ASSERT_EQ(Describe(r), "");
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("task exited with 3 while the daemon was "
                                 "down, but restore shows ExitCode 0"),
            std::string::npos)
      << wrong;
  EXPECT_TRUE(right.ok()) << right;
  EXPECT_TRUE(started_again.ok()) << started_again;
}

INSTANTIATE_TEST_SUITE_P(BothDesigns, CheckRestoreTest,
                         ::testing::Values(Design::kLegacy, Design::kObjects));

}  // namespace
}  // namespace properties
