// The "saved-state" property: a container's shown state against what it
// saved, once a run ended or when its daemon went down.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon_core/daemon.h"
#include "properties/check_saved_state.h"
#include "properties/stack.h"
#include "properties/stack_run.h"

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;

class SavedStateTest : public ::testing::TestWithParam<Design> {};

Body PausedContainer(bool then_lock) {
  return [then_lock](Stack& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    EXPECT_TRUE((co_await w.daemon->ContainerCreate("c1", args)).ok());
    EXPECT_TRUE((co_await w.daemon->ContainerStart("c1")).ok());
    EXPECT_TRUE((co_await w.daemon->ContainerPause("c1")).ok());
    // Held at the end: a change under it may still be on its way to disk.
    if (then_lock)
      EXPECT_TRUE(w.daemon->containers().at("c1")->state.mu.TryLock());
  };
}

TEST_P(SavedStateTest, AChangeNotSavedIsReportedAndASavedOneIsNot) {
  absl::Status saved, unsaved, at_crash;
  const sim::RunResult r = RunWorld(
      RunSpec{.design = GetParam()}, PausedContainer(false), [&](Stack& w) {
        saved = CheckSavedState(*w.daemon);
        // As if an OOM event's handler skipped CheckpointTo.
        w.daemon->containers().at("c1")->state.oom_killed = true;
        unsaved = CheckSavedState(*w.daemon);
        at_crash = CheckSavedState(*w.daemon, "when the daemon was killed");
      });
  ASSERT_EQ(Describe(r), "");
  EXPECT_TRUE(saved.ok()) << saved;
  EXPECT_FALSE(unsaved.ok());
  EXPECT_NE(unsaved.message().find(
                "container c1: OOMKilled is true in memory but false on disk"),
            std::string::npos)
      << unsaved;
  EXPECT_NE(unsaved.message().find("on disk once the run settled"),
            std::string::npos)
      << unsaved;
  EXPECT_NE(at_crash.message().find("on disk when the daemon was killed"),
            std::string::npos)
      << at_crash;
}

TEST_P(SavedStateTest, AContainerUnderItsLockIsLeftOut) {
  absl::Status locked;
  const sim::RunResult r = RunWorld(
      RunSpec{.design = GetParam()}, PausedContainer(true), [&](Stack& w) {
        w.daemon->containers().at("c1")->state.oom_killed = true;
        locked = CheckSavedState(*w.daemon);
      });
  ASSERT_EQ(Describe(r), "");
  EXPECT_TRUE(locked.ok()) << locked;
}

INSTANTIATE_TEST_SUITE_P(Designs, SavedStateTest,
                         ::testing::Values(Design::kLegacy, Design::kObjects));

}  // namespace
}  // namespace properties
