// Tests of the observation rules of model::Spec: ExecIDs (I1), OOMKilled (I6)
// and ContainerWait results (I7) — an allowed observation passes, a
// disallowed one is rejected with a message naming the rule.
#include "gtest/gtest.h"
#include "model/spec.h"
#include "model/test_util.h"

namespace model {
namespace {

const Reply kOk = Reply::Ok();

class ObserveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Allowed(spec_.ContainerCreate("c1", kOk)));
    ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  }
  InspectView View() { return *spec_.Inspect("c1"); }
  int Wait(WaitCondition c) {
    absl::StatusOr<int> w = spec_.ContainerWaitBegin("c1", c, kOk);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.value_or(-1);
  }

  Spec spec_;
};

// --- I1: ExecIDs contains exactly the execs that have not exited. ---

TEST_F(ObserveTest, I1CreatedAndRunningExecsAreListed) {
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e2", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e2", kOk)));
  InspectView v = View();
  v.exec_ids = {"e2", "e1"};  // order does not matter
  EXPECT_TRUE(Allowed(spec_.ContainerInspect("c1", kOk, v)));
  v.exec_ids = {"e2"};
  EXPECT_TRUE(Rejected(spec_.ContainerInspect("c1", kOk, v),
                       {"I1", "exec e1 has not exited but is missing"}));
}

TEST_F(ObserveTest, I1ExitedExecSeenByExecInspectIsNotListed) {
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ExecExit("e1", 0)));
  EXPECT_TRUE(Rejected(spec_.ContainerExecInspect("e1", kOk, {true, {}, {}}),
                       {"Running=true", "exited"}));
  ASSERT_TRUE(Allowed(spec_.ContainerExecInspect("e1", kOk, {false, 0, {}})));

  InspectView v = View();
  EXPECT_TRUE(Allowed(spec_.ContainerInspect("c1", kOk, v)));
  v.exec_ids = {"e1"};
  EXPECT_TRUE(Rejected(spec_.ContainerInspect("c1", kOk, v),
                       {"I1: exec e1 was seen exited by ExecInspect but is "
                        "listed in ContainerInspect ExecIDs"}));
}

TEST_F(ObserveTest, I1ExitedExecNotYetInspectedIsNotListed) {
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ExecExit("e1", 3)));
  InspectView v = View();
  v.exec_ids = {"e1"};
  EXPECT_TRUE(Rejected(spec_.ContainerInspect("c1", kOk, v),
                       {"I1: exec e1 has exited (code 3)"}));
}

TEST_F(ObserveTest, I1FailedExecStartIsNotListed) {
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart(
      "e1", Reply::Error(ErrorKind::kSystem, "OCI runtime exec failed"))));
  InspectView v = View();
  v.exec_ids = {"e1"};
  EXPECT_TRUE(Rejected(spec_.ContainerInspect("c1", kOk, v),
                       {"I1", "exec e1 has exited (code 126)"}));
}

// --- I6: OOMKilled iff an OOM was processed since the last start. ---

TEST_F(ObserveTest, I6OomKilledSetAtTheOomEvent) {
  ASSERT_TRUE(Allowed(spec_.Oom("c1")));
  InspectView v = View();
  EXPECT_TRUE(v.oom_killed);
  EXPECT_TRUE(v.running);  // set at once, before any exit (57d2d6ef)
  EXPECT_TRUE(Allowed(spec_.ContainerInspect("c1", kOk, v)));
  v.oom_killed = false;
  EXPECT_TRUE(
      Rejected(spec_.ContainerInspect("c1", kOk, v),
               {"I6", "OOMKilled=false but an OOM event was processed"}));
}

TEST_F(ObserveTest, I6OomKilledKeptByExitAndStop) {
  ASSERT_TRUE(Allowed(spec_.Oom("c1")));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 137)));
  EXPECT_TRUE(View().oom_killed);  // SetStopped keeps it

  ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  ASSERT_TRUE(Allowed(spec_.Oom("c1")));
  ASSERT_TRUE(Allowed(spec_.ContainerStop("c1", kOk, 143)));
  EXPECT_TRUE(View().oom_killed);
}

TEST_F(ObserveTest, I6OomKilledClearedBySuccessfulStartOnly) {
  ASSERT_TRUE(Allowed(spec_.Oom("c1")));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 137)));
  ASSERT_TRUE(Allowed(
      spec_.ContainerStart("c1", Reply::Error(ErrorKind::kSystem, "boom"))));
  EXPECT_TRUE(View().oom_killed);  // a failed start does not SetRunning

  ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  InspectView v = View();
  EXPECT_FALSE(v.oom_killed);
  v.oom_killed = true;  // the pre-PR sticky flag
  EXPECT_TRUE(Rejected(spec_.ContainerInspect("c1", kOk, v),
                       {"I6", "OOMKilled=true but no OOM event"}));
}

TEST_F(ObserveTest, I6OomKilledClearedByAutoRestart) {
  ASSERT_TRUE(Allowed(
      spec_.ContainerCreate("c2", kOk, *RestartPolicy::Parse("on-failure"))));
  ASSERT_TRUE(Allowed(spec_.ContainerStart("c2", kOk)));
  ASSERT_TRUE(Allowed(spec_.Oom("c2")));
  ASSERT_TRUE(Allowed(spec_.InitExit("c2", 137)));
  EXPECT_TRUE(spec_.Inspect("c2")->oom_killed);  // SetRestarting keeps it
  ASSERT_TRUE(Allowed(spec_.AutoRestart("c2")));
  EXPECT_FALSE(spec_.Inspect("c2")->oom_killed);
}

// --- I7: ContainerWait. ---

TEST_F(ObserveTest, I7NotRunningMetAtOnceWhenNotRunning) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c2", kOk)));
  absl::StatusOr<int> w =
      spec_.ContainerWaitBegin("c2", WaitCondition::kNotRunning, kOk);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(spec_.IsWaiterWoken(*w));
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(*w, kOk, 0)));
}

TEST_F(ObserveTest, I7NotRunningWaitsForTheExit) {
  int w = Wait(WaitCondition::kNotRunning);
  EXPECT_TRUE(Rejected(spec_.ContainerWaitEnd(w, kOk, 0),
                       {"I7", "has not exited since the wait began"}));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 3)));
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(w, kOk, 3)));
  EXPECT_TRUE(Rejected(spec_.ContainerWaitEnd(w, kOk, 0),
                       {"I7: Wait(not-running) on c1 returned 0 but the "
                        "container exited with 3 at the transition"}));
}

TEST_F(ObserveTest, I7NextExitIsNeverMetAtOnce) {
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 5)));
  int w = Wait(WaitCondition::kNextExit);
  EXPECT_FALSE(spec_.IsWaiterWoken(w));
  EXPECT_TRUE(Rejected(spec_.ContainerWaitEnd(w, kOk, 5), {"I7"}));
  ASSERT_TRUE(Allowed(spec_.ContainerStart("c1", kOk)));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 99)));
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(w, kOk, 99)));
}

TEST_F(ObserveTest, I7RemovedWaitsForRemovalNotExit) {
  ASSERT_TRUE(Allowed(spec_.ContainerCreate("c2", kOk, {}, true)));
  ASSERT_TRUE(Allowed(spec_.ContainerStart("c2", kOk)));
  absl::StatusOr<int> removed =
      spec_.ContainerWaitBegin("c2", WaitCondition::kRemoved, kOk);
  absl::StatusOr<int> next =
      spec_.ContainerWaitBegin("c2", WaitCondition::kNextExit, kOk);
  ASSERT_TRUE(removed.ok() && next.ok());
  EXPECT_TRUE(Rejected(spec_.ContainerWaitEnd(*removed, kOk, 99),
                       {"I7", "has not been removed"}));
  ASSERT_TRUE(Allowed(spec_.InitExit("c2", 99)));  // AutoRemove follows
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(*removed, kOk, 99)));
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(*next, kOk, 99)));
  // The API reports a removed container as NotFound, never met-at-once.
  EXPECT_TRUE(Rejected(
      spec_.ContainerWaitBegin("c2", WaitCondition::kRemoved, kOk).status(),
      {"NotFound"}));
}

TEST_F(ObserveTest, I7RemovalWakesStopWaiters) {
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 4)));
  int w = Wait(WaitCondition::kNextExit);
  ASSERT_TRUE(Allowed(spec_.ContainerRm("c1", false, kOk)));
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(w, kOk, 4)));
}

// a290f5d0: the waiter gets the code of SetRestarting, although SetRunning
// reset ExitCode to 0 before it could read it (#39352).
TEST_F(ObserveTest, TestCorrectStateWaitResultAfterRestart) {
  ASSERT_TRUE(Allowed(
      spec_.ContainerCreate("c2", kOk, *RestartPolicy::Parse("always"))));
  ASSERT_TRUE(Allowed(spec_.ContainerStart("c2", kOk)));
  absl::StatusOr<int> w =
      spec_.ContainerWaitBegin("c2", WaitCondition::kNotRunning, kOk);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(Allowed(spec_.InitExit("c2", 10)));
  ASSERT_TRUE(Allowed(spec_.AutoRestart("c2")));
  EXPECT_TRUE(spec_.Inspect("c2")->running);
  EXPECT_EQ(spec_.Inspect("c2")->exit_code, 0);
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(*w, kOk, 10)));
  EXPECT_TRUE(Rejected(spec_.ContainerWaitEnd(*w, kOk, 0),
                       {"returned 0 but the container exited with 10"}));
}

TEST_F(ObserveTest, I7RestartWakesWaitersWithTheStopCode) {
  int w = Wait(WaitCondition::kNextExit);
  ASSERT_TRUE(Allowed(spec_.ContainerRestart("c1", kOk, 143)));
  EXPECT_TRUE(spec_.Inspect("c1")->running);
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(w, kOk, 143)));
}

TEST_F(ObserveTest, I7CanceledWaitMayFailOnlyBeforeItsCondition) {
  int w = Wait(WaitCondition::kNotRunning);
  const Reply canceled = Reply::Error(ErrorKind::kSystem, "context canceled");
  EXPECT_TRUE(Allowed(spec_.ContainerWaitEnd(w, canceled, 0)));
  ASSERT_TRUE(Allowed(spec_.InitExit("c1", 1)));
  EXPECT_TRUE(Rejected(spec_.ContainerWaitEnd(w, canceled, 0),
                       {"I7", "its condition was met"}));
}

// How a history checker uses the model for a call that overlaps an event:
// Spec is a value, so it tries each linearization on a copy.
TEST_F(ObserveTest, OverlappingCallIsCheckedOnEachLinearization) {
  ASSERT_TRUE(Allowed(spec_.ContainerExecCreate("c1", "e1", kOk)));
  ASSERT_TRUE(Allowed(spec_.ContainerExecStart("e1", kOk)));
  // ContainerInspect overlaps the exit of e1; the reply listed e1.
  InspectView seen = View();
  ASSERT_EQ(seen.exec_ids, std::vector<std::string>{"e1"});
  auto explains = [&](bool inspect_first) {
    Spec s = spec_;
    if (inspect_first) {
      return s.ContainerInspect("c1", kOk, seen).ok() &&
             s.ExecExit("e1", 0).ok();
    }
    return s.ExecExit("e1", 0).ok() && s.ContainerInspect("c1", kOk, seen).ok();
  };
  EXPECT_TRUE(explains(true));
  EXPECT_FALSE(explains(false));
}

}  // namespace
}  // namespace model
