// Tests of the per-operation reply rules of model::Spec: which replies each
// operation may return, and the state it leaves.
#include "model/spec.h"

#include "gtest/gtest.h"
#include "model/test_util.h"

namespace model {
namespace {

const Reply kOk = Reply::Ok();
Reply Conflict(std::string m) { return Reply::Error(ErrorKind::kConflict, m); }

class SpecTest : public ::testing::Test {
 protected:
  void CreateAndStart(absl::string_view id, RestartPolicy policy = {}) {
    ASSERT_TRUE(Allowed(spec_.ContainerCreate(id, kOk, policy)));
    ASSERT_TRUE(Allowed(spec_.ContainerStart(id, kOk)));
  }
  InspectView View(absl::string_view id) { return *spec_.Inspect(id); }

  Spec spec_;
};

TEST_F(SpecTest, CreateTwiceIsConflict) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk)));
  EXPECT_TRUE(Rejected(spec_.ContainerCreate("c1", kOk), {"already in use"}));
  EXPECT_TRUE(
      Allowed(spec_.ContainerCreate("c1", Conflict("is already in use"))));
  EXPECT_EQ(View("c1").status, ContainerStatus::kCreated);
}

TEST_F(SpecTest, UnknownContainerIsNotFound) {
  EXPECT_TRUE(Allowed(spec_.ContainerStart(
      "nope", Reply::Error(ErrorKind::kNotFound, "No such container: nope"))));
  EXPECT_TRUE(Rejected(spec_.ContainerStart("nope", kOk), {"NotFound"}));
}

TEST_F(SpecTest, StartRunningContainerIsNotModifiedWithoutEffect) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.Oom("c1")));
  EXPECT_TRUE(Allowed(
      spec_.ContainerStart("c1", Reply::Error(ErrorKind::kNotModified))));
  EXPECT_TRUE(View("c1").oom_killed);  // no SetRunning happened
  EXPECT_TRUE(Rejected(spec_.ContainerStart("c1", kOk), {"NotModified"}));
}

// I6 after 57d2d6ef: the next start clears OOMKilled. dockerd 20.10 leaves it
// until the next exit, which sets it to whether that exit followed an OOM.
TEST(SpecOomTest, OomKilledLastsUntilTheNextExitOnlyIn2010) {
  for (bool until_exit : {false, true}) {
    Spec spec(
        SpecOptions{.oom_at_exit = true, .oom_killed_until_exit = until_exit});
    ASSERT_TRUE(Allowed(spec.ContainerCreate("c1", kOk)));
    ASSERT_TRUE(Allowed(spec.ContainerStart("c1", kOk)));
    ASSERT_TRUE(Allowed(spec.Oom("c1")));
    EXPECT_FALSE(spec.Inspect("c1")->oom_killed);  // copied in at the exit
    ASSERT_TRUE(Allowed(spec.InitExit("c1", 137)));
    EXPECT_TRUE(spec.Inspect("c1")->oom_killed);
    ASSERT_TRUE(Allowed(spec.ContainerStart("c1", kOk)));
    EXPECT_EQ(spec.Inspect("c1")->oom_killed, until_exit) << until_exit;
    ASSERT_TRUE(Allowed(spec.InitExit("c1", 0)));
    EXPECT_FALSE(spec.Inspect("c1")->oom_killed) << until_exit;
  }
}

// The exit of an init whose start failed: dockerd 20.10 ignores it (an
// exec's, by pid); since 0e4d3feb it is handled, and `always` restarts.
TEST(SpecExitTest, AnExitAfterAFailedStartIsHandledOnlyAfter0e4d3feb) {
  for (bool handled : {false, true}) {
    Spec spec(SpecOptions{.exit_of_stopped_handled = handled});
    ASSERT_TRUE(Allowed(
        spec.ContainerCreate("c1", kOk, *RestartPolicy::Parse("always"))));
    ASSERT_TRUE(Allowed(spec.ContainerStart(
        "c1", Reply::Error(ErrorKind::kSystem, "task not running"))));
    ASSERT_TRUE(Allowed(spec.TaskDied("c1")));
    ASSERT_TRUE(Allowed(spec.InitExit("c1", 137)));
    const InspectView v = *spec.Inspect("c1");
    EXPECT_EQ(v.status, handled ? ContainerStatus::kRestarting
                                : ContainerStatus::kCreated)
        << handled;
    EXPECT_EQ(v.restart_count, handled ? 1 : 0) << handled;
  }
}

// moby's containerUnpause returns a plain error for a container that is not
// paused: a 500, running or not.
TEST_F(SpecTest, UnpauseOfANotPausedContainerIsA500) {
  CreateAndStart("c1");
  EXPECT_TRUE(Allowed(spec_.ContainerUnpause(
      "c1", Reply::Error(ErrorKind::kSystem, "Container c1 is not paused"))));
  EXPECT_TRUE(Rejected(spec_.ContainerUnpause("c1", Conflict("is not paused")),
                       {"is not paused"}));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 0)));
  EXPECT_TRUE(Allowed(spec_.ContainerUnpause(
      "c1", Reply::Error(ErrorKind::kSystem, "Container c1 is not paused"))));
}

TEST_F(SpecTest, StartPausedContainerIsConflict) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.ContainerPause("c1", kOk)));
  EXPECT_TRUE(Allowed(spec_.ContainerStart(
      "c1", Conflict("cannot start a paused container, try unpause instead"))));
  EXPECT_TRUE(Rejected(spec_.ContainerStart("c1", kOk),
                       {"cannot start a paused container"}));
}

// I9: a failed start returns an error and leaves the container not running.
TEST_F(SpecTest, FailedStartLeavesContainerNotRunningWith128) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerStart(
      "c1", Reply::Error(ErrorKind::kSystem, "OCI runtime start failed"))));
  InspectView v = View("c1");
  EXPECT_FALSE(v.running);
  EXPECT_EQ(v.exit_code, 128);
  EXPECT_EQ(v.status, ContainerStatus::kCreated);  // StartedAt still zero

  InspectView running = v;
  running.running = true;
  EXPECT_TRUE(Rejected(spec_.ContainerInspect("c1", kOk, running),
                       {"I9", "Running=true after a failed start"}));
  EXPECT_TRUE(Allowed(spec_.ContainerInspect("c1", kOk, v)));
}

// StartedAt is judged between reads: zero until a start takes effect, then
// unchanged until the next one, which shows a later one.
TEST_F(SpecTest, StartedAtChangesExactlyWhenAStartTakesEffect) {
  auto seen = [this](int64_t started_at) {
    InspectView v = View("c1");
    v.started_at = started_at;
    return spec_.ContainerInspect("c1", kOk, v);
  };
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk)));
  EXPECT_TRUE(Allowed(seen(0)));
  EXPECT_TRUE(Rejected(seen(5), {"started-at", "set but no start"}));
  ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  EXPECT_TRUE(Rejected(seen(0), {"started-at", "zero but a start"}));
  EXPECT_TRUE(Allowed(seen(10)));
  EXPECT_TRUE(Rejected(seen(11), {"an earlier read showed 10"}));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 0)));
  EXPECT_TRUE(Allowed(seen(10)));  // an exit leaves it
  ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  EXPECT_TRUE(Rejected(seen(10), {"each start sets a later one"}));
  EXPECT_TRUE(Allowed(seen(20)));
  // A failed start takes no effect.
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 0)));
  ASSERT_TRUE(Allowed(
      spec_.ContainerStart("c1", Reply::Error(ErrorKind::kSystem, "boom"))));
  EXPECT_TRUE(Rejected(seen(30), {"an earlier read showed 20"}));
  EXPECT_TRUE(Allowed(seen(20)));
  // Not read (a client that does not parse it): nothing judged.
  InspectView unread = View("c1");
  unread.started_at.reset();
  EXPECT_TRUE(Allowed(spec_.ContainerInspect("c1", kOk, unread)));
}

// FinishedAt: zero until an exit is handled, then unchanged until the next
// exit, which shows a later one; a start leaves it.
TEST_F(SpecTest, FinishedAtChangesExactlyWhenAnExitIsHandled) {
  auto seen = [this](absl::string_view id, int64_t finished_at) {
    InspectView v = View(id);
    v.finished_at = finished_at;
    return spec_.ContainerInspect(id, kOk, v);
  };
  CreateAndStart("c1");
  EXPECT_TRUE(Allowed(seen("c1", 0)));
  EXPECT_TRUE(Rejected(seen("c1", 5), {"finished-at", "set but no exit"}));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 0)));
  EXPECT_TRUE(Rejected(seen("c1", 0), {"finished-at", "zero but an exit"}));
  EXPECT_TRUE(Allowed(seen("c1", 10)));
  EXPECT_TRUE(Rejected(seen("c1", 11), {"an earlier read showed 10"}));
  ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  EXPECT_TRUE(Allowed(seen("c1", 10)));  // a start leaves it
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 0)));
  EXPECT_TRUE(Rejected(seen("c1", 10), {"each exit sets a later one"}));
  EXPECT_TRUE(Allowed(seen("c1", 20)));

  // The SetStopped of a cancelled policy restart stores that exit's ExitedAt,
  // which dockerd 20.10's SetRestarting had replaced with its own now.
  CreateAndStart("c2", RestartPolicy{.kind = RestartPolicy::Kind::kAlways});
  ASSERT_TRUE(Allowed(spec_.InitExit("c2", 1)));
  EXPECT_TRUE(Allowed(seen("c2", 40)));
  ASSERT_TRUE(Allowed(spec_.ContainerKill("c2", kOk)));
  EXPECT_TRUE(Allowed(seen("c2", 39)));
}

// State.Error: the failed start's error defer sets it, the next SetRunning
// clears it.
TEST_F(SpecTest, FailedStartSetsErrorUntilTheNextStart) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk)));
  EXPECT_FALSE(View("c1").has_error);
  ASSERT_TRUE(Allowed(
      spec_.ContainerStart("c1", Reply::Error(ErrorKind::kSystem, "boom"))));
  InspectView failed = View("c1");
  EXPECT_TRUE(failed.has_error);
  failed.has_error = false;
  EXPECT_TRUE(
      Rejected(spec_.ContainerInspect("c1", kOk, failed),
               {"state", "shows State.Error empty but the last start failed"}));

  ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  InspectView running = View("c1");
  EXPECT_FALSE(running.has_error);
  running.has_error = true;
  EXPECT_TRUE(Rejected(
      spec_.ContainerInspect("c1", kOk, running),
      {"state", "shows State.Error set but the last start succeeded"}));
}

// A restart's failure may come from its stop, before containerStart's error
// defer: either State.Error is allowed.
TEST_F(SpecTest, FailedRestartLeavesErrorOpen) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.ContainerRestart(
      "c1", Reply::Error(ErrorKind::kSystem, "boom"), 137)));
  InspectView v = View("c1");
  ASSERT_FALSE(v.running);
  for (bool error : {false, true}) {
    v.has_error = error;
    EXPECT_TRUE(Allowed(spec_.ContainerInspect("c1", kOk, v))) << error;
  }
}

TEST_F(SpecTest, FailedStartExitCodeFollowsTheRuntimeError) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerStart(
      "c1",
      Reply::Error(ErrorKind::kInvalidParameter,
                   "exec: \"nope\": executable file not found in $PATH"))));
  EXPECT_EQ(View("c1").exit_code, 127);
  ASSERT_TRUE(Allowed(spec_.ContainerStart(
      "c1", Reply::Error(ErrorKind::kInvalidParameter, "permission denied"))));
  EXPECT_EQ(View("c1").exit_code, 126);
  // A later plain failure keeps the non-zero code (the defer sets 128 only
  // over 0).
  ASSERT_TRUE(Allowed(
      spec_.ContainerStart("c1", Reply::Error(ErrorKind::kSystem, "boom"))));
  EXPECT_EQ(View("c1").exit_code, 126);
}

TEST_F(SpecTest, FailedStartWithAutoRemoveRemovesTheContainer) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk, {}, true)));
  ASSERT_TRUE(Allowed(
      spec_.ContainerStart("c1", Reply::Error(ErrorKind::kSystem, "boom"))));
  EXPECT_FALSE(spec_.Inspect("c1").ok());
}

// I11: operations on a stopped container return Conflict "is not running".
TEST_F(SpecTest, OperationsOnStoppedContainerAreConflictNotRunning) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 0)));
  const Reply not_running = Conflict("Container c1 is not running");
  EXPECT_TRUE(Allowed(spec_.ContainerKill("c1", not_running)));
  EXPECT_TRUE(Allowed(spec_.ContainerPause("c1", not_running)));
  EXPECT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", not_running)));

  EXPECT_TRUE(Rejected(spec_.ContainerKill("c1", kOk),
                       {"ContainerKill(c1) on exited container c1",
                        "replied OK", "Conflict \"is not running\""}));
  EXPECT_TRUE(Rejected(spec_.ContainerPause("c1", kOk), {"is not running"}));
  EXPECT_TRUE(
      Rejected(spec_.ContainerExecCreate("c1", "e1", kOk), {"is not running"}));
  EXPECT_TRUE(Rejected(spec_.ContainerKill("c1", Conflict("is paused")),
                       {"is not running"}));
}

TEST_F(SpecTest, StopOfStoppedContainerIsNotModified) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk)));
  EXPECT_TRUE(Allowed(
      spec_.ContainerStop("c1", Reply::Error(ErrorKind::kNotModified), 0)));
  EXPECT_TRUE(Rejected(spec_.ContainerStop("c1", kOk, 0), {"NotModified"}));
}

TEST_F(SpecTest, PauseUnpauseConflicts) {
  CreateAndStart("c1");
  EXPECT_TRUE(Rejected(spec_.ContainerUnpause("c1", kOk), {"is not paused"}));
  ASSERT_TRUE(Allowed(spec_.ContainerPause("c1", kOk)));
  EXPECT_EQ(View("c1").status, ContainerStatus::kPaused);
  EXPECT_TRUE(
      Allowed(spec_.ContainerPause("c1", Conflict("is already paused"))));
  EXPECT_TRUE(Rejected(spec_.ContainerPause("c1", kOk), {"is already paused"}));
  EXPECT_TRUE(Allowed(spec_.ContainerExecCreate(
      "c1", "e1", Conflict("Container c1 is paused, unpause the container"))));
  ASSERT_TRUE(Allowed(spec_.ContainerUnpause("c1", kOk)));
  EXPECT_EQ(View("c1").status, ContainerStatus::kRunning);
}

TEST_F(SpecTest, RmRunningNeedsForce) {
  CreateAndStart("c1");
  EXPECT_TRUE(Allowed(
      spec_.ContainerRm("c1", false,
                        Conflict("cannot remove container \"c1\": container is "
                                 "running"))));
  EXPECT_TRUE(Rejected(spec_.ContainerRm("c1", false, kOk), {"remove"}));
  ASSERT_TRUE(Allowed(spec_.ContainerRm("c1", true, kOk)));
  EXPECT_FALSE(spec_.Inspect("c1").ok());
  EXPECT_TRUE(Allowed(
      spec_.ContainerInspect("c1", Reply::Error(ErrorKind::kNotFound), {})));
}

TEST_F(SpecTest, RmStoppedContainer) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 1)));
  ASSERT_TRUE(Allowed(spec_.ContainerRm("c1", false, kOk)));
  EXPECT_TRUE(Rejected(spec_.ContainerStart("c1", kOk), {"no such container"}));
}

TEST_F(SpecTest, ExecCreateOnRestartingIsConflict) {
  CreateAndStart("c1", *RestartPolicy::Parse("always"));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 3)));
  EXPECT_EQ(View("c1").status, ContainerStatus::kRestarting);
  EXPECT_FALSE(View("c1").has_pid);
  EXPECT_TRUE(
      Rejected(spec_.ContainerExecCreate("c1", "e1", kOk), {"is restarting"}));
  EXPECT_TRUE(Allowed(spec_.AutoRestart("c1")));
  EXPECT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
}

TEST_F(SpecTest, ExecLifecycle) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  EXPECT_EQ(*spec_.ExecInspect("e1"), (ExecView{false, std::nullopt, {}}));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e1", kOk)));
  EXPECT_EQ(*spec_.ExecInspect("e1"), (ExecView{true, std::nullopt, {}}));
  EXPECT_TRUE(Rejected(spec_.ContainerExecStart("e1", kOk), {"already"}));
  ASSERT_TRUE(Allowed(spec_.ExecExit("e1", 7)));
  EXPECT_EQ(*spec_.ExecInspect("e1"), (ExecView{false, 7, {}}));
  EXPECT_TRUE(View("c1").exec_ids.empty());
}

TEST_F(SpecTest, FailedExecStartExitsWith126) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart(
      "e1", Reply::Error(ErrorKind::kInvalidParameter,
                         "executable file not found"))));
  EXPECT_EQ(*spec_.ExecInspect("e1"), (ExecView{false, 126, {}}));
  EXPECT_TRUE(View("c1").exec_ids.empty());
}

// Pid is judged only where moby's order fixes it: after the exit of an exec
// whose start returned OK. A running exec may be read before its pid (moby
// 20.10 reads without the lock), a failed start may have none.
TEST_F(SpecTest, ExitedExecKeepsItsPid) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e1", kOk)));
  EXPECT_TRUE(
      Allowed(spec_.ContainerExecInspect("e1", kOk, {true, {}, false})));
  ASSERT_TRUE(Allowed(spec_.ExecExit("e1", 3)));
  EXPECT_TRUE(Allowed(spec_.ContainerExecInspect("e1", kOk, {false, 3, true})));
  EXPECT_TRUE(Rejected(spec_.ContainerExecInspect("e1", kOk, {false, 3, false}),
                       {"shows Pid 0"}));

  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e2", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart(
      "e2", Reply::Error(ErrorKind::kSystem, "start failed"))));
  EXPECT_TRUE(
      Allowed(spec_.ContainerExecInspect("e2", kOk, {false, 126, false})));
}

TEST_F(SpecTest, ExecInspectNotFoundAfterContainerRemoved) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ExecExit("e1", 0)));
  EXPECT_TRUE(Allowed(spec_.ContainerExecInspect("e1", kOk, {false, 0, {}})));
  ASSERT_TRUE(Allowed(spec_.ContainerRm("c1", true, kOk)));
  EXPECT_TRUE(Allowed(spec_.ContainerExecInspect(
      "e1", Reply::Error(ErrorKind::kNotFound, "No such exec instance: e1"),
      {})));
  EXPECT_TRUE(Rejected(spec_.ContainerExecInspect("e1", kOk, {false, 0, {}}),
                       {"NotFound \"no such exec\""}));
}

TEST_F(SpecTest, InitExitUnregistersLiveExecs) {
  CreateAndStart("c1");
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 0)));
  EXPECT_FALSE(spec_.ExecInspect("e1").ok());       // Cleanup unregistered it
  EXPECT_TRUE(Allowed(spec_.ExecExit("e1", 137)));  // exec_die 127, no effect
}

// ContainerRestart wraps every error after its lookup with fmt.Errorf
// ("Cannot restart container"): a 500, never a 409 or a 400.
TEST_F(SpecTest, RestartErrorsAreAll500) {
  CreateAndStart("c1");
  EXPECT_TRUE(
      Rejected(spec_.ContainerRestart("c1", Conflict("id already in use"), 0),
               {"Conflict"}));
  EXPECT_TRUE(
      Rejected(spec_.ContainerRestart(
                   "c1", Reply::Error(ErrorKind::kInvalidParameter, "bad"), 0),
               {"InvalidParameter"}));
  EXPECT_TRUE(Allowed(spec_.ContainerRestart(
      "c1", Reply::Error(ErrorKind::kSystem, "Cannot restart container c1"),
      0)));
}

TEST_F(SpecTest, RestartPolicies) {
  CreateAndStart("no");
  ASSERT_TRUE(Allowed(spec_.InitExit("no", 1)));
  EXPECT_EQ(View("no").status, ContainerStatus::kExited);

  CreateAndStart("of", *RestartPolicy::Parse("on-failure:1"));
  ASSERT_TRUE(Allowed(spec_.InitExit("of", 0)));
  EXPECT_EQ(View("of").status, ContainerStatus::kExited);  // success
  ASSERT_TRUE(Allowed(spec_.ContainerStart("of", kOk)));
  ASSERT_TRUE(Allowed(spec_.InitExit("of", 2)));
  EXPECT_EQ(View("of").status, ContainerStatus::kRestarting);
  ASSERT_TRUE(Allowed(spec_.AutoRestart("of")));
  ASSERT_TRUE(Allowed(spec_.InitExit("of", 2)));
  EXPECT_EQ(View("of").status, ContainerStatus::kExited);  // max 1 reached

  // A manual stop disables the policy (HasBeenManuallyStopped).
  CreateAndStart("al", *RestartPolicy::Parse("always"));
  ASSERT_TRUE(Allowed(spec_.ContainerStop("al", kOk, 143)));
  EXPECT_EQ(View("al").status, ContainerStatus::kExited);
  EXPECT_EQ(View("al").exit_code, 143);
}

TEST(RestartPolicyTest, Parse) {
  EXPECT_EQ(RestartPolicy::Parse("on-failure:3")->max_retries, 3);
  EXPECT_EQ(RestartPolicy::Parse("on-failure:3")->ToString(), "on-failure:3");
  EXPECT_EQ(RestartPolicy::Parse("always")->kind, RestartPolicy::Kind::kAlways);
  EXPECT_EQ(RestartPolicy::Parse("unless-stopped")->ToString(),
            "unless-stopped");
  EXPECT_FALSE(RestartPolicy::Parse("sometimes").has_value());
  EXPECT_FALSE(RestartPolicy::Parse("on-failure:x").has_value());
}

}  // namespace
}  // namespace model
