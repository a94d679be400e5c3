// The check families of checks.h on hand-made records: each says nothing on
// an agreeing record and names the disagreement on a record that has one.
#include "properties/checks.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace properties {
namespace {

using Status = ContainerdState::Status;

// A record whose final inspect shows `id` as `view`.
void Show(RunRecord& r, const std::string& id, model::InspectView view,
          uint32_t pid) {
  model::Call c;
  c.client = "quiescence";
  c.kind = model::CallKind::kInspect;
  c.container = id;
  c.inspect = view;
  r.history.calls.push_back(c);
  r.final_pids[id] = pid;
}

model::InspectView Running() {
  model::InspectView v;
  v.status = model::ContainerStatus::kRunning;
  v.running = true;
  v.has_pid = true;
  return v;
}

TEST(CheckRunningHasTaskTest, AgreeingPidsPass) {
  RunRecord r;
  Show(r, "c1", Running(), 1001);
  r.containerd.containers = {"c1"};
  r.containerd.tasks["c1"] = Status::kRunning;
  r.containerd.pids["c1"] = 1001;
  EXPECT_TRUE(CheckRunningHasTask(r).ok());
  EXPECT_TRUE(CheckNoLeak(r).ok());
}

TEST(CheckRunningHasTaskTest, AnotherTasksPidIsNamed) {
  RunRecord r;
  Show(r, "c1", Running(), 1001);
  r.containerd.tasks["c1"] = Status::kRunning;
  r.containerd.pids["c1"] = 1004;
  absl::Status s = CheckRunningHasTask(r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("pid 1001"), std::string::npos) << s;
  EXPECT_NE(s.message().find("pid 1004"), std::string::npos) << s;
}

TEST(CheckRunningHasTaskTest, StoppedOrMissingTaskIsNamed) {
  RunRecord r;
  Show(r, "c1", Running(), 1001);
  EXPECT_NE(CheckRunningHasTask(r).message().find("no task"),
            std::string::npos);
  r.containerd.tasks["c1"] = Status::kStopped;
  EXPECT_NE(CheckRunningHasTask(r).message().find("stopped"),
            std::string::npos);
}

TEST(CheckRunningHasTaskTest, AnExitOnItsWayIsNotBlamed) {
  RunRecord r;
  Show(r, "c1", Running(), 1001);
  r.containerd.tasks["c1"] = Status::kStopped;
  r.containerd.pids["c1"] = 1001;
  EXPECT_FALSE(CheckRunningHasTask(r).ok());
  r.exit_in_flight.insert("c1");  // handled by the settle time
  EXPECT_TRUE(CheckRunningHasTask(r).ok());
}

TEST(CheckNoLeakTest, TaskOfAStoppedContainerIsALeak) {
  RunRecord r;
  model::InspectView stopped;
  stopped.status = model::ContainerStatus::kExited;
  Show(r, "c1", stopped, 0);
  r.containerd.tasks["c1"] = Status::kRunning;
  EXPECT_FALSE(CheckNoLeak(r).ok());
}

// A crash cut the start of an AutoRemove container, and restore removed it:
// moby never deletes what containerd kept of it.
TEST(CheckNoLeakTest, WhatRestoreRemovedIsLeftBehindNotBlamed) {
  RunRecord r;
  r.containerd.containers = {"c1"};
  EXPECT_FALSE(CheckNoLeak(r).ok());
  model::DaemonRestart restart;
  restart.left_behind = {"c1"};
  r.history.restarts.push_back(restart);
  EXPECT_TRUE(CheckNoLeak(r).ok());
  r.containerd.containers = {"c2"};  // only what the crash left
  EXPECT_FALSE(CheckNoLeak(r).ok());
}

// A task that died while the daemon was down, of a container saved running:
// restore's Cleanup deletes the containerd container, so a container left is
// a leak even though the crash left it stale.
TEST(CheckNoLeakTest, WhatRestoreCleansUpIsNotExcused) {
  RunRecord r;
  model::InspectView exited;
  exited.status = model::ContainerStatus::kExited;
  Show(r, "c1", exited, 0);
  r.containerd.containers = {"c1"};
  model::DaemonRestart restart;
  model::ContainerSnapshot s;
  s.id = "c1";
  s.view = exited;
  s.stale_container = true;
  restart.containers.push_back(s);
  r.history.restarts.push_back(restart);
  EXPECT_TRUE(CheckNoLeak(r).ok());
  r.history.restarts.back().cleaned_by_restore = {"c1"};
  EXPECT_FALSE(CheckNoLeak(r).ok());
  // A later crash that left it stale again excuses it.
  r.history.restarts.push_back(restart);
  EXPECT_TRUE(CheckNoLeak(r).ok());
}

// moby logs a failed delete and moves on: what a fault on c1's cleanup (a
// delete, or the lookup before it) left is not blamed. A fault on another
// container's cleanup, or on c1's start (moby's own leak, docs/SCENARIOS.md
// "Known moby races"), excuses nothing, and the message names the faults.
TEST(CheckNoLeakTest, ACleanupCutByAFaultIsNotBlamed) {
  const std::string tasks = "Tasks/";
  const std::string containers = "Containers/";
  RunRecord r;
  r.containerd.containers = {"c1"};
  r.containerd.tasks["c1"] = Status::kStopped;
  r.faulted_rpcs = {{"c2", "rpc-unavailable " + tasks + "Delete"},
                    {"c1", "rpc-unavailable " + tasks + "Start"},
                    {"", "reply-lost " + containers + "Delete"}};
  absl::Status s = CheckNoLeak(r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("(after injected faults: rpc-unavailable "
                             "Tasks/Start)"),
            std::string::npos)
      << s;
  for (const std::string& cleanup :
       {"rpc-unavailable " + tasks + "Delete", "reply-lost " + tasks + "Get",
        "rpc-unavailable " + containers + "Delete",
        "reply-lost " + containers + "Get"}) {
    RunRecord cut = r;
    cut.faulted_rpcs.push_back({"c1", cleanup});
    EXPECT_TRUE(CheckNoLeak(cut).ok()) << cleanup;
    EXPECT_EQ(cut.CleanupCutByAFault("c1"), cleanup);
    EXPECT_EQ(cut.CleanupCutByAFault("c2"),
              "rpc-unavailable " + tasks + "Delete");
  }
  // The method must be the whole name: Tasks/DeleteProcess is one too, a
  // method merely ending in "Get" is not.
  RunRecord other = r;
  other.faulted_rpcs.push_back({"c1", "rpc-unavailable Z/NotGet"});
  EXPECT_FALSE(CheckNoLeak(other).ok());
}

// An exec process still running must be one its container lists; a stopped
// one, or one the run does not ask about, is another check's concern.
TEST(CheckExecProcessKnownTest, ARunningExecTheDaemonForgotIsBlamed) {
  RunRecord r;
  model::InspectView running = Running();
  running.exec_ids = {"e1"};
  Show(r, "c1", running, 7);
  r.known_execs = {{"c1", "e1"}, {"c1", "e2"}, {"c1", "e3"}};
  r.containerd.execs[{"c1", "e1"}] = Status::kRunning;
  r.containerd.execs[{"c1", "e2"}] = Status::kStopped;
  EXPECT_TRUE(CheckExecProcessKnown(r).ok());
  r.containerd.execs[{"c1", "e3"}] = Status::kRunning;
  absl::Status s = CheckExecProcessKnown(r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("still runs exec e3 of c1"), std::string::npos)
      << s;
  r.known_execs.pop_back();
  EXPECT_TRUE(CheckExecProcessKnown(r).ok());
  // A SIGKILLed process of a paused container dies once thawed.
  r.history.calls.back().inspect->exec_ids.clear();
  EXPECT_FALSE(CheckExecProcessKnown(r).ok());
  r.containerd.execs[{"c1", "e1"}] = Status::kPaused;
  EXPECT_TRUE(CheckExecProcessKnown(r).ok());
}

// An exit's Cleanup unregisters the execs; a start still out may then put
// its process in the task a policy restart made (moby's own race).
TEST(CheckExecProcessKnownTest, AStartThatCrossedAnExitIsLeftOut) {
  RunRecord r;
  Show(r, "c1", Running(), 8);
  r.known_execs = {{"c1", "e1"}};
  r.containerd.execs[{"c1", "e1"}] = Status::kRunning;
  model::Call start;
  start.kind = model::CallKind::kExecStart;
  start.container = "c1";
  start.exec_id = "e1";
  start.invoked = 10;
  start.returned = 20;
  r.history.calls.push_back(start);
  model::Event exit;
  exit.kind = model::EventKind::kInitExit;
  exit.container = "c1";
  exit.seq = 21;  // after the start returned: the exec ran in the old task
  exit.handled = 22;
  r.history.events.push_back(exit);
  EXPECT_FALSE(CheckExecProcessKnown(r).ok());
  r.history.events.back().seq = 15;
  EXPECT_TRUE(CheckExecProcessKnown(r).ok());
  r.history.events.back().seq = 5;  // handled while the start was out
  r.history.events.back().handled = 12;
  EXPECT_TRUE(CheckExecProcessKnown(r).ok());
  r.history.events.back().handled = 9;  // all over before it began
  EXPECT_FALSE(CheckExecProcessKnown(r).ok());
}

TEST(CheckExecProcessDeletedTest, ACleanupCutByAFaultIsNotBlamed) {
  RunRecord r;
  r.deletable_execs = {{"c1", "e1"}};
  r.containerd.execs[{"c1", "e1"}] = Status::kStopped;
  r.faulted_rpcs = {{"c1", "reply-lost Tasks/Exec"}};
  EXPECT_FALSE(CheckExecProcessDeleted(r).ok());
  r.faulted_rpcs.push_back({"c1", "rpc-unavailable Tasks/DeleteProcess"});
  EXPECT_TRUE(CheckExecProcessDeleted(r).ok());
}

TEST(CheckExecProcessDeletedTest, StoppedExecLeftIsNamed) {
  RunRecord r;
  r.deletable_execs = {{"c1", "e1"}};
  r.containerd.execs[{"c1", "e1"}] = Status::kStopped;
  absl::Status s = CheckExecProcessDeleted(r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("e1"), std::string::npos);
  r.containerd.execs.clear();  // deleted
  EXPECT_TRUE(CheckExecProcessDeleted(r).ok());
}

TEST(CheckSettlesTest, ARestartThatCameOrAStopPasses) {
  RunRecord r;
  r.restarting["c1"] = {.restart_count = 3,
                        .still_restarting = true,
                        .restart_count_after = 5};  // restarting again
  r.restarting["c2"] = {.restart_count = 1,
                        .still_restarting = false,
                        .restart_count_after = 1};  // stopped or running
  EXPECT_TRUE(CheckSettles(r).ok());
}

TEST(CheckSettlesTest, RestartingWithNothingToComeIsNamed) {
  RunRecord r;
  r.restarting["c1"] = {
      .restart_count = 2, .still_restarting = true, .restart_count_after = 2};
  absl::Status s = CheckSettles(r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("c1 was Restarting"), std::string::npos) << s;
}

TEST(RecordChecksTest, EveryFamilyIsRegisteredOnceWithADescription) {
  std::set<std::string_view> names;
  for (const Check& c : RecordChecks()) {
    EXPECT_FALSE(c.description.empty()) << c.name;
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
  }
  EXPECT_TRUE(names.contains("settles"));
}

}  // namespace
}  // namespace properties
