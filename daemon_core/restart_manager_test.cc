// The restart manager's decisions and moby's backoff: doubled per exit up to a
// minute, reset by a run of 10 s, and nothing once cancelled.
#include "daemon_core/restart_manager.h"

#include "gtest/gtest.h"

namespace daemon_core {
namespace {

RestartPolicy Always() {
  RestartPolicy p;
  p.name = RestartPolicy::Name::kAlways;
  return p;
}

TEST(RestartManagerTest, BackoffDoublesUpToAMinute) {
  RestartManager rm(Always(), 0);
  sim::Nanos want = RestartManager::kDefaultTimeout;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(rm.ShouldRestart(0, false, /*execution_duration=*/0));
    EXPECT_EQ(rm.timeout(), want) << "exit " << i;
    want = std::min(want * 2, RestartManager::kMaxRestartTimeout);
  }
  EXPECT_EQ(rm.timeout(), RestartManager::kMaxRestartTimeout);
}

TEST(RestartManagerTest, ALongRunResetsTheBackoff) {
  RestartManager rm(Always(), 0);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(rm.ShouldRestart(1, false, 0));
  EXPECT_EQ(rm.timeout(), 8 * RestartManager::kDefaultTimeout);
  ASSERT_TRUE(rm.ShouldRestart(1, false, RestartManager::kResetAfter - 1));
  EXPECT_EQ(rm.timeout(), 16 * RestartManager::kDefaultTimeout);
  ASSERT_TRUE(rm.ShouldRestart(1, false, RestartManager::kResetAfter));
  EXPECT_EQ(rm.timeout(), RestartManager::kDefaultTimeout);
}

TEST(RestartManagerTest, CancelledRefusesAndOnFailureCountsRetries) {
  RestartPolicy on_failure;
  on_failure.name = RestartPolicy::Name::kOnFailure;
  on_failure.maximum_retry_count = 2;
  RestartManager rm(on_failure, 0);
  EXPECT_FALSE(rm.ShouldRestart(0, false, 0));
  EXPECT_TRUE(rm.ShouldRestart(1, false, 0));
  EXPECT_TRUE(rm.ShouldRestart(1, false, 0));
  EXPECT_FALSE(rm.ShouldRestart(1, false, 0));
  RestartManager always(Always(), 0);
  always.Cancel();
  EXPECT_FALSE(always.ShouldRestart(1, true, 0));
}

// unless-stopped restarts what always restarts, unless the container was
// stopped by hand (or the daemon is shutting down: the caller says so too).
TEST(RestartManagerTest, UnlessStoppedReadsTheManualStop) {
  RestartPolicy unless_stopped;
  unless_stopped.name = RestartPolicy::Name::kUnlessStopped;
  RestartManager rm(unless_stopped, 0);
  EXPECT_TRUE(rm.ShouldRestart(0, false, 0));
  EXPECT_TRUE(rm.ShouldRestart(1, false, 0));
  EXPECT_FALSE(rm.ShouldRestart(0, true, 0));
  RestartManager always(Always(), 0);
  EXPECT_TRUE(always.ShouldRestart(0, true, 0));
}

}  // namespace
}  // namespace daemon_core
