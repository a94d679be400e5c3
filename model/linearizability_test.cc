// Tests of the linearizability search: concurrent histories the Spec explains
// pass, histories no order explains fail with the refused step named, and a
// search over its bound is inconclusive.
#include "model/linearizability.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace model {
namespace {

using Outcome = LinearizabilityResult::Outcome;

class HistoryBuilder {
 public:
  // A call on `id` between positions `inv` and `ret`.
  Call& Add(CallKind kind, const std::string& id, uint64_t inv, uint64_t ret,
            Reply reply = Reply::Ok()) {
    Call c;
    c.client = "client" + std::to_string(h_.calls.size() + 1);
    c.kind = kind;
    c.container = id;
    c.invoked = inv;
    c.returned = ret;
    c.reply = std::move(reply);
    h_.calls.push_back(std::move(c));
    return h_.calls.back();
  }
  Call& Inspect(const std::string& id, uint64_t inv, uint64_t ret,
                ContainerStatus status, int exit_code = 0) {
    Call& c = Add(CallKind::kInspect, id, inv, ret);
    InspectView v;
    v.status = status;
    v.running = status == ContainerStatus::kRunning ||
                status == ContainerStatus::kPaused ||
                status == ContainerStatus::kRestarting;
    v.paused = status == ContainerStatus::kPaused;
    v.restarting = status == ContainerStatus::kRestarting;
    v.has_pid = v.running && !v.restarting;
    v.exit_code = exit_code;
    c.inspect = v;
    return c;
  }
  // An event received at `seq` and handled by `handled`.
  void AddEvent(EventKind kind, const std::string& id, uint64_t seq,
                uint64_t handled) {
    Event e;
    e.seq = seq;
    e.handled = handled;
    e.kind = kind;
    e.container = id;
    h_.events.push_back(e);
  }
  void Exit(const std::string& id, uint64_t seq, int code) {
    Event e;
    e.seq = seq;
    e.kind = EventKind::kInitExit;
    e.container = id;
    e.exit_code = code;
    h_.events.push_back(e);
  }
  // The daemon crashed at `crashed`, and restore left c1 as `s` shows.
  void Restart(uint64_t crashed, uint64_t restored, ContainerSnapshot s) {
    DaemonRestart r;
    r.crashed = crashed;
    r.restored = restored;
    r.containers.push_back(std::move(s));
    h_.restarts.push_back(std::move(r));
  }
  // A graceful stop (daemon.Shutdown) instead of a crash.
  void Shutdown(uint64_t stopped, uint64_t restored, ContainerSnapshot s,
                bool live_restore) {
    Restart(stopped, restored, std::move(s));
    h_.restarts.back().graceful = true;
    h_.restarts.back().live_restore = live_restore;
  }
  History& history() { return h_; }

 private:
  History h_;
};

// c1 as restore left it running.
ContainerSnapshot RunningSnapshot() {
  ContainerSnapshot s;
  s.id = "c1";
  s.view.status = ContainerStatus::kRunning;
  s.view.running = true;
  s.view.has_pid = true;
  return s;
}

TEST(LinearizabilityTest, SequentialLifecyclePasses) {
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kStart, "c1", 3, 4);
  b.Inspect("c1", 5, 6, ContainerStatus::kRunning);
  b.Add(CallKind::kStop, "c1", 7, 10);
  b.Exit("c1", 8, 143);
  b.Inspect("c1", 11, 12, ContainerStatus::kExited, 143);
  b.history().quiescent = 13;
  const LinearizabilityResult r = CheckLinearizable(b.history());
  EXPECT_EQ(r.outcome, Outcome::kLinearizable) << r.explanation;
}

TEST(LinearizabilityTest, InspectOverlappingTheExitMaySeeEither) {
  for (ContainerStatus seen :
       {ContainerStatus::kRunning, ContainerStatus::kExited}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Exit("c1", 5, 3);
    // Received at 5, handled some time before quiescence: an inspect after
    // the receipt may still show it running.
    b.Inspect("c1", 6, 7, seen, seen == ContainerStatus::kExited ? 3 : 0);
    b.Inspect("c1", 9, 10, ContainerStatus::kExited, 3);
    b.history().quiescent = 8;
    const LinearizabilityResult r = CheckLinearizable(b.history());
    EXPECT_EQ(r.outcome, Outcome::kLinearizable) << r.explanation;
  }
}

TEST(LinearizabilityTest, ExitHandledByQuiescence) {
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kStart, "c1", 3, 4);
  b.Exit("c1", 5, 3);
  b.history().quiescent = 8;
  b.Inspect("c1", 9, 10, ContainerStatus::kRunning);  // exit never handled
  const LinearizabilityResult r = CheckLinearizable(b.history());
  EXPECT_EQ(r.outcome, Outcome::kViolation);
  EXPECT_NE(r.explanation.find("INSPECT c1"), std::string::npos)
      << r.explanation;
}

// Where the run recorded when the daemon's event queue had handled an exit,
// a call invoked after that sees it: the handling no longer floats until
// quiescence (which let a next-exit wait that returned at once on a stopped
// container be explained by the earlier run's exit).
TEST(LinearizabilityTest, ACallAfterTheExitWasHandledSeesIt) {
  for (bool handled_known : {false, true}) {
    for (bool wait : {false, true}) {
      HistoryBuilder b;
      b.Add(CallKind::kCreate, "c1", 1, 2);
      b.Add(CallKind::kStart, "c1", 3, 4);
      b.Exit("c1", 5, 3);
      if (handled_known) b.history().events.back().handled = 6;
      if (wait) {
        Call& w = b.Add(CallKind::kWait, "c1", 7, 8);
        w.condition = WaitCondition::kNextExit;
        w.wait_code = 3;  // at once, as next-exit-treated-as-met does
      } else {
        b.Inspect("c1", 7, 8, ContainerStatus::kRunning);
      }
      b.history().quiescent = 9;
      const LinearizabilityResult r = CheckLinearizable(b.history());
      EXPECT_EQ(r.outcome,
                handled_known ? Outcome::kViolation : Outcome::kLinearizable)
          << handled_known << wait << ": " << r.explanation;
    }
  }
}

TEST(LinearizabilityTest, WaitMustReturnTheCodeOfTheExitThatWokeIt) {
  for (int code : {3, 7}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    Call& w = b.Add(CallKind::kWait, "c1", 5, 9);
    w.wait_code = code;
    b.Exit("c1", 6, 3);
    b.history().quiescent = 10;
    const LinearizabilityResult r = CheckLinearizable(b.history());
    EXPECT_EQ(r.outcome,
              code == 3 ? Outcome::kLinearizable : Outcome::kViolation)
        << code << ": " << r.explanation;
    if (code == 7) {
      EXPECT_NE(r.explanation.find("I7"), std::string::npos) << r.explanation;
    }
  }
}

TEST(LinearizabilityTest, ConcurrentStartsOneSucceedsOtherNotModified) {
  // Both replies look like success to a client (304): fine in either order.
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kStart, "c1", 3, 6);
  b.Add(CallKind::kStart, "c1", 4, 5);
  b.Inspect("c1", 7, 8, ContainerStatus::kRunning);
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
}

TEST(LinearizabilityTest, RealTimeOrderIsRespected) {
  // A kill that returned before a start was invoked cannot follow it.
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kKill, "c1", 3, 4);  // OK, but nothing runs yet
  b.Add(CallKind::kStart, "c1", 5, 6);
  const LinearizabilityResult r = CheckLinearizable(b.history());
  EXPECT_EQ(r.outcome, Outcome::kViolation);
  EXPECT_NE(r.explanation.find("KILL c1"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("is not running"), std::string::npos)
      << r.explanation;
}

// Positions 1..n in the happens-before order of a simulated run: position
// p was recorded by tasks[p - 1] in that task's next step, after every
// earlier position of the tasks in `after[p - 1]` (and its own).
std::vector<PositionOrder> OrderOf(
    const std::vector<uint32_t>& tasks,
    const std::vector<std::vector<uint32_t>>& after) {
  std::vector<PositionOrder> order;
  std::vector<uint32_t> steps(4, 0);
  for (size_t p = 0; p < tasks.size(); ++p) {
    PositionOrder o;
    o.task = tasks[p];
    o.step = ++steps[tasks[p]];
    o.seen.assign(4, 0);
    o.seen[o.task] = o.step;
    for (uint32_t t : after[p]) {
      for (size_t q = 0; q < p; ++q) {
        if (tasks[q] == t) o.seen[t] = order[q].step;
      }
    }
    order.push_back(o);
  }
  return order;
}

TEST(LinearizabilityTest, HappensBeforeReplacesTheSequenceWhereKept) {
  // RealTimeOrderIsRespected's history, in a run where the start's client
  // (task 2) saw the create (task 0) but nothing of the kill's (task 1): in
  // another interleaving of the same steps, the start came first.
  for (bool start_saw_kill : {false, true}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kKill, "c1", 3, 4);
    b.Add(CallKind::kStart, "c1", 5, 6);
    std::vector<uint32_t> before_start = {0};
    if (start_saw_kill) before_start.push_back(1);
    b.history().order =
        OrderOf({0, 0, 1, 1, 2, 2}, {{}, {}, {0}, {0}, before_start, {}});
    const LinearizabilityResult r = CheckLinearizable(b.history());
    EXPECT_EQ(r.outcome,
              start_saw_kill ? Outcome::kViolation : Outcome::kLinearizable)
        << r.explanation;
  }
}

TEST(LinearizabilityTest, AnIndeterminateCallIsOvertakenOnlyInOrder) {
  // A start whose reply was lost, then two inspects: created, then running.
  // By the sequence the start had returned before the first inspect began, so
  // it cannot come after it; by happens-before (the inspects' client, task 2,
  // saw nothing of the start's, task 1) it can.
  for (bool keep_order : {false, true}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    Call& start = b.Add(CallKind::kStart, "c1", 3, 4);
    start.indeterminate = true;
    b.Inspect("c1", 5, 6, ContainerStatus::kCreated);
    b.Inspect("c1", 7, 8, ContainerStatus::kRunning);
    if (keep_order) {
      b.history().order =
          OrderOf({0, 0, 1, 1, 2, 2, 2, 2}, {{}, {}, {0}, {}, {0}, {}, {}, {}});
    }
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              keep_order ? Outcome::kLinearizable : Outcome::kViolation);
  }
}

TEST(LinearizabilityTest, PrecedesReadsTheOrderWhereKept) {
  History h;
  EXPECT_TRUE(h.Precedes(1, 2));
  EXPECT_FALSE(h.Precedes(2, 1));
  EXPECT_TRUE(h.Precedes(2, kNever));
  EXPECT_FALSE(h.Precedes(kNever, 2));
  h.order = OrderOf({0, 1, 0}, {{}, {}, {1}});
  EXPECT_FALSE(h.Precedes(1, 2));  // two tasks, nothing in common
  EXPECT_TRUE(h.Precedes(1, 3));   // the same task's later step
  EXPECT_TRUE(h.Precedes(2, 3));   // task 0 saw task 1's step
  EXPECT_FALSE(h.Precedes(3, 1));
}

TEST(LinearizabilityTest, IndeterminateCallMayOrMayNotHaveHappened) {
  for (ContainerStatus seen :
       {ContainerStatus::kRunning, ContainerStatus::kCreated}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    Call& start = b.Add(CallKind::kStart, "c1", 3, 5);
    start.indeterminate = true;  // the daemon died under it
    b.Inspect("c1", 4, 6, seen);
    EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
  }
}

TEST(LinearizabilityTest, RestartPolicyRestartsOnItsOwn) {
  HistoryBuilder b;
  Call& create = b.Add(CallKind::kCreate, "c1", 1, 2);
  create.policy = *RestartPolicy::Parse("always");
  b.Add(CallKind::kStart, "c1", 3, 4);
  b.Exit("c1", 5, 1);
  b.Inspect("c1", 6, 7, ContainerStatus::kRestarting, 1)
      .inspect->restart_count = 1;
  b.Inspect("c1", 8, 9, ContainerStatus::kRunning).inspect->restart_count = 1;
  b.history().quiescent = 10;
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
}

// RestartCount counts the policy's restarts since the last start by the API,
// which sets it back to 0 (ResetRestartManager).
TEST(LinearizabilityTest, RestartCountCountsPolicyRestartsSinceAnApiStart) {
  for (int seen : {0, 1, 2}) {
    HistoryBuilder b;
    Call& create = b.Add(CallKind::kCreate, "c1", 1, 2);
    create.policy = *RestartPolicy::Parse("always");
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Exit("c1", 5, 1);
    b.history().events.back().handled = 6;  // before the inspect
    b.Inspect("c1", 7, 8, ContainerStatus::kRunning).inspect->restart_count =
        seen;
    b.history().quiescent = 9;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              seen == 1 ? Outcome::kLinearizable : Outcome::kViolation)
        << "RestartCount " << seen;
  }
  for (int seen : {0, 1}) {
    HistoryBuilder b;
    Call& create = b.Add(CallKind::kCreate, "c1", 1, 2);
    create.policy = *RestartPolicy::Parse("always");
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Exit("c1", 5, 1);
    b.history().events.back().handled = 6;
    b.Add(CallKind::kStop, "c1", 7, 10);
    b.Exit("c1", 8, 143);
    b.history().events.back().handled = 9;
    b.Add(CallKind::kStart, "c1", 11, 12);
    b.Inspect("c1", 13, 14, ContainerStatus::kRunning).inspect->restart_count =
        seen;
    b.history().quiescent = 15;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              seen == 0 ? Outcome::kLinearizable : Outcome::kViolation)
        << "RestartCount " << seen << " after docker start";
  }
}

TEST(LinearizabilityTest, DaemonRestartStartsFromTheRestoredState) {
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kStart, "c1", 3, 4);
  ContainerSnapshot s;
  s.id = "c1";
  s.view.status = ContainerStatus::kExited;
  s.view.exit_code = 137;
  b.Restart(5, 6, s);
  b.Inspect("c1", 7, 8, ContainerStatus::kExited, 137);
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
  b.Inspect("c1", 9, 10, ContainerStatus::kRunning);
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kViolation);
}

// A kill cancels the restart manager (ExitOnNext), so the exit it caused is
// not restarted; but a restarted daemon's restore builds a fresh restart
// manager, so restart=always restarts a later exit. unless-stopped reads the
// kill's HasBeenManuallyStopped from disk: it stays stopped (found by the
// generated workloads, seed 21).
TEST(LinearizabilityTest, KillCancelsTheRestartManagerUntilADaemonRestart) {
  for (bool daemon_restart : {true, false}) {
    HistoryBuilder b;
    const RestartPolicy always = *RestartPolicy::Parse("always");
    b.Add(CallKind::kCreate, "c1", 1, 2).policy = always;
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kKill, "c1", 5, 6);  // a signal the program ignores
    if (daemon_restart) {
      ContainerSnapshot s = RunningSnapshot();
      s.policy = always;
      s.has_been_manually_stopped = true;  // the kill wrote it to disk
      b.Restart(7, 8, s);
    }
    b.Exit("c1", 9, 137);
    b.Inspect("c1", 10, 11, ContainerStatus::kRestarting, 137)
        .inspect->restart_count = 1;
    b.history().quiescent = 12;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              daemon_restart ? Outcome::kLinearizable : Outcome::kViolation)
        << "daemon restart: " << daemon_restart;
  }
}

TEST(LinearizabilityTest, UnlessStoppedKilledBeforeADaemonRestartStaysStopped) {
  for (ContainerStatus after :
       {ContainerStatus::kExited, ContainerStatus::kRestarting}) {
    HistoryBuilder b;
    const RestartPolicy policy = *RestartPolicy::Parse("unless-stopped");
    b.Add(CallKind::kCreate, "c1", 1, 2).policy = policy;
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kKill, "c1", 5, 6);  // a signal the program ignores
    ContainerSnapshot s = RunningSnapshot();
    s.policy = policy;
    s.has_been_manually_stopped = true;
    b.Restart(7, 8, s);
    b.Exit("c1", 9, 143);
    b.Inspect("c1", 10, 11, after, 143);
    b.history().quiescent = 12;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              after == ContainerStatus::kExited ? Outcome::kLinearizable
                                                : Outcome::kViolation)
        << ToString(after);
  }
}

// AutoRemove: the daemon's own rm -f follows the exit, in steps a read can
// fall between; a wait for removal returns the exit code; a read once the run
// settled must find it gone.
TEST(LinearizabilityTest, AutoRemoveFollowsTheExit) {
  HistoryBuilder b;
  Call& create = b.Add(CallKind::kCreate, "c1", 1, 2);
  create.auto_remove = true;
  b.Add(CallKind::kStart, "c1", 3, 4);
  Call& wait = b.Add(CallKind::kWait, "c1", 5, 13);
  wait.condition = WaitCondition::kRemoved;
  wait.wait_code = 3;
  b.Exit("c1", 6, 3);
  b.Inspect("c1", 7, 8, ContainerStatus::kExited, 3);
  b.Inspect("c1", 9, 10, ContainerStatus::kRemoving, 3);
  b.Add(CallKind::kInspect, "c1", 11, 12,
        Reply::Error(ErrorKind::kNotFound, "No such container: c1"));
  b.history().quiescent = 14;
  b.Add(CallKind::kInspect, "c1", 15, 16,
        Reply::Error(ErrorKind::kNotFound, "No such container: c1"))
      .settled = true;
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
}

// The autoRemove may come late, but it comes: a read made once the run
// settled may not show the container still there (a read before may).
TEST(LinearizabilityTest, AutoRemoveIsDoneOnceTheRunSettled) {
  for (bool settled : {true, false}) {
    HistoryBuilder b;
    Call& create = b.Add(CallKind::kCreate, "c1", 1, 2);
    create.auto_remove = true;
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Exit("c1", 5, 3);
    b.history().quiescent = 6;
    b.Inspect("c1", 7, 8, ContainerStatus::kExited, 3).settled = settled;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              settled ? Outcome::kViolation : Outcome::kLinearizable);
  }
}

TEST(LinearizabilityTest, AutoRemoveWithARestartPolicyIsRefused) {
  for (const char* policy : {"no", "always"}) {
    HistoryBuilder b;
    Call& create =
        b.Add(CallKind::kCreate, "c1", 1, 2,
              Reply::Error(ErrorKind::kInvalidParameter,
                           "can't create 'AutoRemove' container with restart "
                           "policy"));
    create.auto_remove = true;
    create.policy = *RestartPolicy::Parse(policy);
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              std::string(policy) == "always" ? Outcome::kLinearizable
                                              : Outcome::kViolation);
  }
}

// A graceful stop without live-restore stops every running container: one
// without a restart policy cannot be running after it; with live-restore it
// may.
TEST(LinearizabilityTest, GracefulShutdownStopsContainersWithoutLiveRestore) {
  for (bool live_restore : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Shutdown(5, 6, RunningSnapshot(), live_restore);
    b.Inspect("c1", 7, 8, ContainerStatus::kRunning);
    const LinearizabilityResult r = CheckLinearizable(b.history());
    EXPECT_EQ(r.outcome,
              live_restore ? Outcome::kLinearizable : Outcome::kViolation);
    if (!live_restore) {
      EXPECT_TRUE(absl::StrContains(r.explanation, "graceful daemon shutdown"));
    }
  }
}

// And one with restart=always is started again at the next startup;
// unless-stopped too, unless a kill or stop had stopped it by hand before the
// shutdown (what the daemon's disk says).
TEST(LinearizabilityTest, GracefulShutdownRestartsAlwaysAndUnlessStopped) {
  struct Case {
    const char* policy;
    bool running, stopped_by_hand, explained;
  };
  for (const Case& k :
       {Case{"always", true, false, true}, Case{"always", false, false, false},
        Case{"always", false, true, false},
        Case{"unless-stopped", true, false, true},
        Case{"unless-stopped", false, false, false},
        Case{"unless-stopped", false, true, true}}) {
    SCOPED_TRACE(absl::StrCat(k.policy, k.running ? " running" : " exited",
                              k.stopped_by_hand ? ", stopped by hand" : ""));
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2).policy =
        *RestartPolicy::Parse(k.policy);
    b.Add(CallKind::kStart, "c1", 3, 4);
    ContainerSnapshot s;
    s.id = "c1";
    s.policy = *RestartPolicy::Parse(k.policy);
    s.has_been_manually_stopped = k.stopped_by_hand;
    s.view.status =
        k.running ? ContainerStatus::kRunning : ContainerStatus::kExited;
    s.view.running = k.running;
    s.view.has_pid = k.running;
    s.view.exit_code = k.running ? 0 : 143;
    b.Shutdown(5, 6, s, /*live_restore=*/false);
    const LinearizabilityResult r = CheckLinearizable(b.history());
    EXPECT_EQ(r.outcome,
              k.explained ? Outcome::kLinearizable : Outcome::kViolation);
    if (!k.explained) {
      EXPECT_TRUE(
          absl::StrContains(r.explanation, absl::StrCat("restart=", k.policy)))
          << r.explanation;
    }
  }
}

// A cancelled attach started its exec while the container ran, so a pause
// that came before the cancel does not change its reply; the exec is listed
// until the error defer removes it (found by the generated workloads, seed
// 11). A start that succeeded keeps its exec listed.
TEST(LinearizabilityTest, CancelledAttachWasCheckedWhenItStarted) {
  for (bool cancelled : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kExecCreate, "c1", 5, 6).exec_id = "exec1";
    Call& start =
        b.Add(CallKind::kExecStart, "c1", 7, 14,
              cancelled ? Reply::Error(ErrorKind::kSystem, "context canceled")
                        : Reply::Ok());
    start.exec_id = "exec1";
    start.cancelled = cancelled;
    b.Add(CallKind::kPause, "c1", 8, 9);
    b.Inspect("c1", 10, 11, ContainerStatus::kPaused).inspect->exec_ids = {
        "exec1"};
    b.history().quiescent = 15;
    b.Inspect("c1", 16, 17, ContainerStatus::kPaused);
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              cancelled ? Outcome::kLinearizable : Outcome::kViolation)
        << "cancelled: " << cancelled;
  }
}

// ContainerExecStart passes its checks, then makes its RPCs without the
// container lock; an init exit handled meanwhile unregisters the exec
// (Cleanup), and the failed RPC's error defer comes after. Exec inspect then
// finds no exec (found by dsim drive against dockerd 20.10). Without the
// exit, the error defer leaves the exec registered.
TEST(LinearizabilityTest, ExecStartErrorDeferMayFollowTheInitExit) {
  for (bool exited : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kExecCreate, "c1", 5, 6).exec_id = "exec1";
    b.Add(CallKind::kExecStart, "c1", 7, 10,
          Reply::Error(ErrorKind::kSystem, "task c1 not found"))
        .exec_id = "exec1";
    if (exited) b.Exit("c1", 9, 137);
    b.Add(CallKind::kExecInspect, "c1", 11, 12,
          Reply::Error(ErrorKind::kNotFound, "No such exec instance: exec1"))
        .exec_id = "exec1";
    b.history().quiescent = 20;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              exited ? Outcome::kLinearizable : Outcome::kViolation)
        << "exited: " << exited;
  }
}

// killWithSignal resumes a paused container after the signal; until the
// resumed event the daemon shows it paused, so an unpause reaches containerd
// and fails (found by the generated workloads, seed 5).
TEST(LinearizabilityTest, UnpauseAfterAKillOfAPausedContainerMayFail) {
  for (bool killed : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kPause, "c1", 5, 6);
    if (killed) b.Add(CallKind::kKill, "c1", 7, 8);
    b.Add(CallKind::kUnpause, "c1", 9, 10,
          Reply::Error(ErrorKind::kSystem,
                       "Cannot unpause container c1: cannot resume a running "
                       "process: unknown"));
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              killed ? Outcome::kLinearizable : Outcome::kViolation)
        << "killed: " << killed;
  }
}

// A pause the crash cut froze the task, and restore shows the container
// running: a pause then fails in containerd (found by the generated
// workloads, seed 11).
TEST(LinearizabilityTest, PauseOfATaskACrashLeftFrozenMayFail) {
  for (bool frozen : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    ContainerSnapshot s = RunningSnapshot();
    s.frozen_task = frozen;
    b.Restart(5, 6, s);
    b.Add(CallKind::kPause, "c1", 7, 8,
          Reply::Error(ErrorKind::kSystem,
                       "Cannot pause container c1: cannot pause a paused "
                       "container: unknown"));
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              frozen ? Outcome::kLinearizable : Outcome::kViolation)
        << "frozen: " << frozen;
  }
}

// A start cut by the crash left its task running; restore does not stop a
// container it shows stopped, so later starts meet the task: "id already in
// use". Only then.
TEST(LinearizabilityTest, StartAfterACrashMayMeetTheTaskItLeft) {
  for (bool stale : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    ContainerSnapshot s;
    s.id = "c1";
    s.stale_task = stale;
    b.Restart(3, 4, s);
    b.Add(
        CallKind::kStart, "c1", 5, 6,
        Reply::Error(ErrorKind::kConflict, "container c1: id already in use"));
    b.Inspect("c1", 7, 8, ContainerStatus::kCreated);
    b.history().quiescent = 9;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              stale ? Outcome::kLinearizable : Outcome::kViolation);
  }
}

// Restore without live-restore killed a running AutoRemove container; its
// exit handler's autoRemove had begun when restore returned, so the restored
// container goes away with no call of the new epoch asking (found by the
// generated workloads, seed 318108712). Without that removal under way, an
// exited container stays.
TEST(LinearizabilityTest, RemovalUnderWayAtRestoreEndMayFinishUnasked) {
  for (bool removing : {true, false}) {
    HistoryBuilder b;
    Call& create = b.Add(CallKind::kCreate, "c1", 1, 2);
    create.auto_remove = true;
    b.Add(CallKind::kStart, "c1", 3, 4);
    ContainerSnapshot s;
    s.id = "c1";
    s.auto_remove = true;
    s.view.status = ContainerStatus::kExited;
    s.view.exit_code = 143;
    s.removal_in_progress = removing;
    b.Restart(5, 6, s);
    b.Add(CallKind::kInspect, "c1", 7, 8,
          Reply::Error(ErrorKind::kNotFound, "No such container: c1"));
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              removing ? Outcome::kLinearizable : Outcome::kViolation)
        << "removing: " << removing;
  }
}

// The moby behaviours docs/SCENARIOS.md lists as allowed.

TEST(LinearizabilityTest, PauseFailsOnlyWhileAnExitIsInFlight) {
  for (bool exits : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kPause, "c1", 5, 6,
          Reply::Error(ErrorKind::kSystem,
                       "Cannot pause container c1: cannot pause a stopped "
                       "container"));
    if (exits) b.Exit("c1", 7, 0);
    b.history().quiescent = 9;
    EXPECT_EQ(CheckLinearizable(b.history()).outcome,
              exits ? Outcome::kLinearizable : Outcome::kViolation);
  }
}

TEST(LinearizabilityTest, DeathInContainerdIsNotQueuedBehindOtherEvents) {
  // The init died (SIGKILL thaws a frozen task) before the daemon handled
  // the paused and resumed events queued ahead of its exit.
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kStart, "c1", 3, 4);
  b.Add(CallKind::kPause, "c1", 5, 6);
  b.Add(CallKind::kUnpause, "c1", 7, 8,
        Reply::Error(ErrorKind::kSystem, "cannot resume a stopped container"));
  for (EventKind k : {EventKind::kPaused, EventKind::kResumed}) {
    Event e;
    e.seq = 9 + static_cast<int>(k == EventKind::kResumed);
    e.kind = k;
    e.container = "c1";
    b.history().events.push_back(e);
  }
  b.Exit("c1", 11, 137);
  b.history().quiescent = 12;
  b.Inspect("c1", 13, 14, ContainerStatus::kExited, 137);
  const LinearizabilityResult r = CheckLinearizable(b.history());
  EXPECT_EQ(r.outcome, Outcome::kLinearizable) << r.explanation;
}

TEST(LinearizabilityTest, TwoOverlappingRmsMayBothSucceed) {
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kRm, "c1", 3, 6);
  b.Add(CallKind::kRm, "c1", 4, 7);
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
  // One made after the other returned must not find it.
  b.Add(CallKind::kRm, "c1", 8, 9);
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kViolation);
}

// A paused event handled after the unpause that followed its pause shows
// Paused again while the task runs: the next unpause meets containerd's
// refusal to resume a running process (found by the generated workloads,
// seed 28).
TEST(LinearizabilityTest, LatePausedEventMakesTheNextUnpauseFail) {
  for (bool late : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kPause, "c1", 5, 6);
    if (!late) b.AddEvent(EventKind::kPaused, "c1", 7, 8);
    b.Add(CallKind::kUnpause, "c1", 9, 10);
    if (late) b.AddEvent(EventKind::kPaused, "c1", 7, 11);
    b.AddEvent(EventKind::kResumed, "c1", 12, 15);
    b.Add(CallKind::kUnpause, "c1", 13, 14,
          Reply::Error(ErrorKind::kSystem,
                       "Cannot unpause container c1: cannot resume a running "
                       "process: unknown"));
    b.history().quiescent = 16;
    const LinearizabilityResult r = CheckLinearizable(b.history());
    EXPECT_EQ(r.outcome, late ? Outcome::kLinearizable : Outcome::kViolation)
        << "late: " << late << "\n"
        << r.explanation;
  }
}

// An rm refused "already in progress" needs another rm holding the mark: one
// that fails holds it until it returns, not after.
TEST(LinearizabilityTest, RmInProgressNeedsARemovalUnderWay) {
  const Reply in_progress = Reply::Error(
      ErrorKind::kConflict, "removal of container c1 is already in progress");
  const Reply failed = Reply::Error(
      ErrorKind::kSystem, "cannot remove container \"c1\": could not kill");
  for (bool overlapping : {true, false}) {
    HistoryBuilder b;
    b.Add(CallKind::kCreate, "c1", 1, 2);
    b.Add(CallKind::kStart, "c1", 3, 4);
    b.Add(CallKind::kRm, "c1", 5, 7, failed).force = true;
    b.Add(CallKind::kRm, "c1", overlapping ? 6 : 8, 9, in_progress).force =
        true;
    b.history().quiescent = 10;
    b.Inspect("c1", 11, 12, ContainerStatus::kRunning);
    const LinearizabilityResult r = CheckLinearizable(b.history());
    EXPECT_EQ(r.outcome,
              overlapping ? Outcome::kLinearizable : Outcome::kViolation)
        << "overlapping: " << overlapping << "\n"
        << r.explanation;
  }
}

TEST(LinearizabilityTest, ExecExitHandlerMayOverwriteAFailedStartsCode) {
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kStart, "c1", 3, 4);
  b.Add(CallKind::kExecCreate, "c1", 5, 6).exec_id = "e1";
  b.Add(CallKind::kExecStart, "c1", 7, 9,
        Reply::Error(ErrorKind::kSystem, "the process died during start"))
      .exec_id = "e1";
  Event exit;
  exit.seq = 8;
  exit.kind = EventKind::kExecExit;
  exit.container = "c1";
  exit.exec_id = "e1";
  exit.exit_code = 127;
  b.history().events.push_back(exit);
  Call& inspect = b.Add(CallKind::kExecInspect, "c1", 10, 11);
  inspect.exec_id = "e1";
  inspect.exec = ExecView{false, 127, {}};
  b.history().quiescent = 12;
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
  inspect.exec = ExecView{false, 126, {}};
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kLinearizable);
  inspect.exec = ExecView{false, 1, {}};
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kViolation);
}

TEST(LinearizabilityTest, BoundedSearchIsInconclusiveNeverAPass) {
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  // Many overlapping inspects of which the last cannot be explained.
  for (uint64_t i = 0; i < 8; ++i) {
    b.Inspect("c1", 3 + i, 100, ContainerStatus::kCreated);
  }
  b.Inspect("c1", 101, 102, ContainerStatus::kRunning);
  LinearizabilityLimits limits;
  limits.max_nodes = 5;
  const LinearizabilityResult r = CheckLinearizable(b.history(), limits);
  EXPECT_EQ(r.outcome, Outcome::kInconclusive) << r.explanation;
  EXPECT_EQ(CheckLinearizable(b.history()).outcome, Outcome::kViolation);
}

TEST(LinearizabilityTest, ExplanationNamesEachRuleThatRefusedAStuckRead) {
  // The inspect shows the exit but no FinishedAt: the longest order (after
  // the exit) refuses it for the timestamp, an order before the exit for the
  // state; the state's refusal is named too.
  HistoryBuilder b;
  b.Add(CallKind::kCreate, "c1", 1, 2);
  b.Add(CallKind::kStart, "c1", 3, 4);
  b.Exit("c1", 6, 3);
  b.Inspect("c1", 5, 10, ContainerStatus::kExited, 3).inspect->finished_at = 0;
  b.history().quiescent = 11;
  const LinearizabilityResult r = CheckLinearizable(b.history());
  ASSERT_EQ(r.outcome, Outcome::kViolation);
  const size_t refuses = r.explanation.find("the model refuses every next");
  const size_t also = r.explanation.find("also refused as:");
  ASSERT_NE(also, std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("finished-at:", refuses), std::string::npos)
      << r.explanation;
  EXPECT_LT(r.explanation.find("finished-at:", refuses), also) << r.explanation;
  EXPECT_NE(r.explanation.find("INSPECT c1 -> exited exit=3", also),
            std::string::npos)
      << r.explanation;
  EXPECT_NE(r.explanation.find(": state: ", also), std::string::npos)
      << r.explanation;
}

}  // namespace
}  // namespace model
