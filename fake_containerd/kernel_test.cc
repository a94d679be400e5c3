#include "fake_containerd/kernel.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/strategy_random.h"

namespace fake_containerd {
namespace {

using Kind = KernelEvent::Kind;

// One run: an executor, a kernel, and the kernel's events in order.
struct Harness {
  explicit Harness(uint64_t seed)
      : ex({.seed = seed}, strategy),
        kernel(ex, [this](const KernelEvent& e) { events.push_back(e); }) {}
  ~Harness() { ex.DestroyAllTasks(); }  // program frames reference the kernel

  // "exit c1" / "start c1/e1"... for compact order assertions.
  std::vector<std::string> Log() const {
    std::vector<std::string> out;
    for (const KernelEvent& e : events) {
      std::string name;
      switch (e.kind) {
        case Kind::kTaskCreate:
          name = "create";
          break;
        case Kind::kStart:
          name = "start";
          break;
        case Kind::kExecAdded:
          name = "exec-added";
          break;
        case Kind::kExit:
          name = "exit";
          break;
        case Kind::kOom:
          name = "oom";
          break;
        case Kind::kPaused:
          name = "paused";
          break;
        case Kind::kResumed:
          name = "resumed";
          break;
        case Kind::kTaskDelete:
          name = "delete";
          break;
      }
      name += " " + e.container_id;
      if (!e.exec_id.empty()) name += "/" + e.exec_id;
      if (e.kind == Kind::kExit) name += "=" + std::to_string(e.exit_status);
      out.push_back(name);
    }
    return out;
  }

  sim::RunOutcome Run(sim::Task<void> body) {
    ex.Spawn("test", std::move(body));
    return ex.Run().outcome;
  }

  sim::RandomStrategy strategy;
  sim::Executor ex;
  std::vector<KernelEvent> events;
  Kernel kernel;
};

constexpr uint64_t kSeeds = 20;
const std::string kNs = "ns1";

TEST(KernelTest, ExitAfterDelayReportsCodeAndVirtualTime) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Harness h(seed);
    absl::StatusOr<ExitResult> result;
    ASSERT_EQ(h.Run([](Harness& h,
                       absl::StatusOr<ExitResult>* out) -> sim::Task<void> {
      EXPECT_EQ(*h.kernel.CreateTask(
                    kNs, "c1", Program::Exit(3, 5 * sim::kMillisecond), {}),
                Kernel::kFirstPid);
      EXPECT_EQ(*h.kernel.Start(kNs, "c1", ""), Kernel::kFirstPid);
      *out = co_await h.kernel.Wait(kNs, "c1", "");
    }(h, &result)),
              sim::RunOutcome::kCompleted);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->exit_status, 3u);
    EXPECT_EQ(result->exited_at, 5 * sim::kMillisecond);
    EXPECT_EQ(h.Log(),
              (std::vector<std::string>{"create c1", "start c1", "exit c1=3"}));
    EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kStopped);
  }
}

TEST(KernelTest, RunUntilSignalledExitsWith128PlusSignal) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::RunUntilSignalled(), {});
    (void)h.kernel.Start(kNs, "c1", "");
    co_await h.ex.Sleep(sim::kSecond);
    EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kRunning);
    EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigTerm, false).ok());
    absl::StatusOr<ExitResult> r = co_await h.kernel.Wait(kNs, "c1", "");
    EXPECT_EQ(r->exit_status, 143u);
    absl::Status again = h.kernel.Kill(kNs, "c1", "", kSigKill, false);
    EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(again.message(), "process already finished: not found");
  }(h)),
            sim::RunOutcome::kCompleted);
}

TEST(KernelTest, Pid1IgnoresSigtermButAnExecDoesNot) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::IgnoreSigterm(), {});
    (void)h.kernel.Start(kNs, "c1", "");
    EXPECT_TRUE(
        h.kernel.Exec(kNs, "c1", "e1", Program::IgnoreSigterm(), {}).ok());
    (void)h.kernel.Start(kNs, "c1", "e1");
    EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigTerm, false).ok());
    EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "e1", kSigTerm, false).ok());
    co_await h.ex.Sleep(sim::kSecond);
    EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kRunning);
    EXPECT_EQ((*h.kernel.Get(kNs, "c1", "e1"))->exit_status, 143u);
    EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigKill, false).ok());
    EXPECT_EQ((co_await h.kernel.Wait(kNs, "c1", ""))->exit_status, 137u);
  }(h)),
            sim::RunOutcome::kCompleted);
}

TEST(KernelTest, ReadStdinExitsOnceStdinIsClosed) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Harness h(seed);
    ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
      (void)h.kernel.CreateTask(kNs, "c1", Program::ReadStdin(4), {});
      (void)h.kernel.Start(kNs, "c1", "");
      co_await h.ex.Sleep(sim::kSecond);
      EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kRunning);
      EXPECT_TRUE(h.kernel.CloseStdin(kNs, "c1", "").ok());
      absl::StatusOr<ExitResult> r = co_await h.kernel.Wait(kNs, "c1", "");
      EXPECT_EQ(r->exit_status, 4u);
      EXPECT_EQ(r->exited_at, sim::kSecond);
    }(h)),
              sim::RunOutcome::kCompleted);
  }
}

TEST(KernelTest, OomReportsTaskOomBeforeExit137) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Harness h(seed);
    ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
      (void)h.kernel.CreateTask(
          kNs, "c1", Program::AllocateUntilOom(10 * sim::kMillisecond), {});
      (void)h.kernel.Start(kNs, "c1", "");
      absl::StatusOr<ExitResult> r = co_await h.kernel.Wait(kNs, "c1", "");
      EXPECT_EQ(r->exit_status, 137u);
    }(h)),
              sim::RunOutcome::kCompleted);
    EXPECT_EQ(h.Log(), (std::vector<std::string>{"create c1", "start c1",
                                                 "oom c1", "exit c1=137"}));
  }
}

TEST(KernelTest, OomOfAnExecLeavesTheTaskRunning) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::RunUntilSignalled(), {});
    (void)h.kernel.Start(kNs, "c1", "");
    (void)h.kernel.Exec(kNs, "c1", "e1", Program::AllocateUntilOom(0), {});
    (void)h.kernel.Start(kNs, "c1", "e1");
    EXPECT_EQ((co_await h.kernel.Wait(kNs, "c1", "e1"))->exit_status, 137u);
    EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kRunning);
  }(h)),
            sim::RunOutcome::kCompleted);
  EXPECT_EQ(h.Log(), (std::vector<std::string>{
                         "create c1", "start c1", "exec-added c1/e1",
                         "start c1/e1", "oom c1", "exit c1/e1=137"}));
}

TEST(KernelTest, SigkillOfInitKillsEveryExecFirst) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Harness h(seed);
    ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
      (void)h.kernel.CreateTask(kNs, "c1", Program::RunUntilSignalled(), {});
      (void)h.kernel.Start(kNs, "c1", "");
      for (std::string e : {"e1", "e2"}) {
        (void)h.kernel.Exec(kNs, "c1", e, Program::IgnoreSigterm(), {});
        EXPECT_EQ(*h.kernel.Start(kNs, "c1", e),
                  Kernel::kFirstPid + (e == "e1" ? 1 : 2));
      }
      co_await h.ex.Yield();
      EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigKill, false).ok());
      EXPECT_EQ((co_await h.kernel.Wait(kNs, "c1", "e2"))->exit_status, 137u);
    }(h)),
              sim::RunOutcome::kCompleted);
    EXPECT_EQ(h.Log(), (std::vector<std::string>{
                           "create c1", "start c1", "exec-added c1/e1",
                           "start c1/e1", "exec-added c1/e2", "start c1/e2",
                           "exit c1/e1=137", "exit c1/e2=137", "exit c1=137"}));
  }
}

TEST(KernelTest, NormalExitOfInitAlsoKillsExecs) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::Exit(0, sim::kSecond), {});
    (void)h.kernel.Start(kNs, "c1", "");
    (void)h.kernel.Exec(kNs, "c1", "e1", Program::RunUntilSignalled(), {});
    (void)h.kernel.Start(kNs, "c1", "e1");
    EXPECT_EQ((co_await h.kernel.Wait(kNs, "c1", ""))->exit_status, 0u);
  }(h)),
            sim::RunOutcome::kCompleted);
  EXPECT_EQ(h.Log().back(), "exit c1=0");
  EXPECT_EQ(h.Log()[h.Log().size() - 2], "exit c1/e1=137");
}

TEST(KernelTest, PauseFreezesProgramsAndQueuesSignals) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Harness h(seed);
    ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
      (void)h.kernel.CreateTask(kNs, "c1",
                                Program::Exit(2, 10 * sim::kMillisecond), {});
      (void)h.kernel.Start(kNs, "c1", "");
      EXPECT_TRUE(h.kernel.Pause(kNs, "c1").ok());
      co_await h.ex.Sleep(20 * sim::kMillisecond);
      EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kPaused);
      EXPECT_TRUE(h.kernel.Resume(kNs, "c1").ok());
      absl::StatusOr<ExitResult> r = co_await h.kernel.Wait(kNs, "c1", "");
      EXPECT_EQ(r->exit_status, 2u);
      EXPECT_EQ(r->exited_at, 20 * sim::kMillisecond);

      (void)h.kernel.CreateTask(kNs, "c2", Program::RunUntilSignalled(), {});
      (void)h.kernel.Start(kNs, "c2", "");
      EXPECT_TRUE(h.kernel.Pause(kNs, "c2").ok());
      EXPECT_TRUE(h.kernel.Kill(kNs, "c2", "", kSigTerm, false).ok());
      co_await h.ex.Sleep(sim::kSecond);
      EXPECT_EQ((*h.kernel.Get(kNs, "c2", ""))->state, ProcessState::kPaused);
      EXPECT_TRUE(h.kernel.Resume(kNs, "c2").ok());
      EXPECT_EQ((*h.kernel.Get(kNs, "c2", ""))->exit_status, 143u);
    }(h)),
              sim::RunOutcome::kCompleted);
    EXPECT_EQ(h.Log(), (std::vector<std::string>{
                           "create c1", "start c1", "paused c1", "resumed c1",
                           "exit c1=2", "create c2", "start c2", "paused c2",
                           "resumed c2", "exit c2=143"}));
  }
}

// Observed with containerd 1.6.20 / runc 1.1.5 (differential_test.cc, script
// "paused"): runc thaws the frozen cgroup for SIGKILL to init, so the task
// dies at once, execs first, with no /tasks/resumed; Resume then fails.
// Kill --all of the stopped task succeeds.
TEST(KernelTest, SigkillOfAPausedInitThawsAndKills) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Harness h(seed);
    h.kernel.set_sigkill_thaws_frozen(true);
    ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
      (void)h.kernel.CreateTask(kNs, "c1", Program::IgnoreSigterm(), {});
      (void)h.kernel.Start(kNs, "c1", "");
      (void)h.kernel.Exec(kNs, "c1", "e1", Program::RunUntilSignalled(), {});
      (void)h.kernel.Start(kNs, "c1", "e1");
      EXPECT_TRUE(h.kernel.Pause(kNs, "c1").ok());
      EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigKill, /*all=*/true).ok());
      EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->exit_status, 137u);
      EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kStopped);
      absl::Status resume = h.kernel.Resume(kNs, "c1");
      EXPECT_EQ(resume.code(), absl::StatusCode::kUnknown);
      EXPECT_NE(std::string(resume.message()).find("cannot resume a stopped"),
                std::string::npos);
      EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigKill, true).ok());
      EXPECT_EQ(h.kernel.Kill(kNs, "c1", "", kSigKill, false).code(),
                absl::StatusCode::kNotFound);
      co_return;
    }(h)),
              sim::RunOutcome::kCompleted);
    EXPECT_EQ(h.Log(),
              (std::vector<std::string>{
                  "create c1", "start c1", "exec-added c1/e1", "start c1/e1",
                  "paused c1", "exit c1/e1=137", "exit c1=137"}));
  }
}

// SIGSTOP holds every signal but SIGKILL, and the program's progress, until
// SIGCONT; the status stays RUNNING.
TEST(KernelTest, SigstopHoldsSignalsUntilSigcont) {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Harness h(seed);
    ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
      (void)h.kernel.CreateTask(kNs, "c1", Program::RunUntilSignalled(), {});
      (void)h.kernel.Start(kNs, "c1", "");
      EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigStop, false).ok());
      EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigTerm, false).ok());
      co_await h.ex.Sleep(sim::kSecond);
      EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->state, ProcessState::kRunning);
      EXPECT_TRUE(h.kernel.Kill(kNs, "c1", "", kSigCont, false).ok());
      EXPECT_EQ((*h.kernel.Get(kNs, "c1", ""))->exit_status, 143u);

      (void)h.kernel.CreateTask(kNs, "c2",
                                Program::Exit(3, 10 * sim::kMillisecond), {});
      (void)h.kernel.Start(kNs, "c2", "");
      EXPECT_TRUE(h.kernel.Kill(kNs, "c2", "", kSigStop, false).ok());
      co_await h.ex.Sleep(sim::kSecond);
      EXPECT_EQ((*h.kernel.Get(kNs, "c2", ""))->state, ProcessState::kRunning);
      EXPECT_TRUE(h.kernel.Kill(kNs, "c2", "", kSigCont, false).ok());
      absl::StatusOr<ExitResult> r = co_await h.kernel.Wait(kNs, "c2", "");
      EXPECT_EQ(r->exit_status, 3u);

      (void)h.kernel.CreateTask(kNs, "c3", Program::RunUntilSignalled(), {});
      (void)h.kernel.Start(kNs, "c3", "");
      EXPECT_TRUE(h.kernel.Kill(kNs, "c3", "", kSigStop, false).ok());
      EXPECT_TRUE(h.kernel.Kill(kNs, "c3", "", kSigKill, false).ok());
      EXPECT_EQ((*h.kernel.Get(kNs, "c3", ""))->exit_status, 137u);
    }(h)),
              sim::RunOutcome::kCompleted);
  }
}

// Observed with containerd 1.6.20 (differential_test.cc): runc create looks
// an init's binary up, so Create fails and leaves no task and no event.
TEST(KernelTest, MissingInitBinaryFailsCreate) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    absl::StatusOr<uint32_t> pid =
        h.kernel.CreateTask(kNs, "c1", Program::MissingBinary("/nosuch"), {});
    EXPECT_EQ(pid.status().code(), absl::StatusCode::kUnknown);
    EXPECT_EQ(pid.status().message(),
              "failed to create shim task: OCI runtime create failed: runc "
              "create failed: unable to start container process: exec: "
              "\"/nosuch\": stat /nosuch: no such file or directory: unknown");
    EXPECT_EQ(h.kernel.Get(kNs, "c1", "").status().message(),
              "task c1 not found");
    co_return;
  }(h)),
            sim::RunOutcome::kCompleted);
  EXPECT_TRUE(h.Log().empty());
}

// An exec's missing binary fails Start; the exec stays CREATED, Wait answers
// exit status 0 at once and no exit is published (observed, 1.6.20).
TEST(KernelTest, MissingExecBinaryFailsStartAndLeavesTheExecCreated) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::IgnoreSigterm(), {});
    (void)h.kernel.Start(kNs, "c1", "");
    (void)h.kernel.Exec(kNs, "c1", "e1", Program::MissingBinary("nosuch"), {});
    absl::StatusOr<uint32_t> pid = h.kernel.Start(kNs, "c1", "e1");
    EXPECT_EQ(pid.status().message(),
              "OCI runtime exec failed: exec failed: unable to start container "
              "process: exec: \"nosuch\": executable file not found in $PATH: "
              "unknown");
    const Process* e1 = *h.kernel.Get(kNs, "c1", "e1");
    EXPECT_EQ(e1->state, ProcessState::kCreated);
    EXPECT_EQ(e1->pid, 0u);
    // Named locals: no temporaries in a co_await operand (GCC 12).
    std::string ns = kNs, id = "c1", exec_id = "e1";
    absl::StatusOr<ExitResult> waited = co_await h.kernel.Wait(
        std::move(ns), std::move(id), std::move(exec_id));
    EXPECT_TRUE(waited.ok() && waited->exit_status == 0 && !waited->exited)
        << waited.status();
    EXPECT_EQ(h.kernel.Kill(kNs, "c1", "e1", kSigKill, false).code(),
              absl::StatusCode::kFailedPrecondition);
    absl::StatusOr<ExitResult> d = h.kernel.DeleteProcess(kNs, "c1", "e1");
    EXPECT_TRUE(d.ok() && d->exit_status == 0) << d.status();
    (void)h.kernel.Kill(kNs, "c1", "", kSigKill, false);
  }(h)),
            sim::RunOutcome::kCompleted);
  EXPECT_EQ(h.Log(),
            (std::vector<std::string>{"create c1", "start c1",
                                      "exec-added c1/e1", "exit c1=137"}));
}

// Observed with containerd 1.6.20: deleting a created task kills runc init,
// whose exit (137) is published before the deletion, while the reply describes
// a process that never ran.
TEST(KernelTest, DeletingACreatedTaskPublishesInitsExit) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::IgnoreSigterm(), {});
    absl::StatusOr<ExitResult> d = h.kernel.DeleteTask(kNs, "c1");
    EXPECT_TRUE(d.ok() && d->exit_status == 0 && !d->exited) << d.status();
    co_return;
  }(h)),
            sim::RunOutcome::kCompleted);
  EXPECT_EQ(h.Log(), (std::vector<std::string>{"create c1", "exit c1=137",
                                               "delete c1"}));
}

// Observed with containerd 1.6.20: a second Start of an exec whose Start
// failed panics the shim; containerd's cleanup publishes init's exit and the
// task's deletion, and the task is gone.
TEST(KernelTest, SecondStartOfAFailedExecKillsTheShim) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::IgnoreSigterm(), {});
    (void)h.kernel.Start(kNs, "c1", "");
    (void)h.kernel.Exec(kNs, "c1", "e1", Program::MissingBinary("nosuch"), {});
    (void)h.kernel.Start(kNs, "c1", "e1");
    EXPECT_EQ(h.kernel.Start(kNs, "c1", "e1").status().message(),
              "ttrpc: closed: unknown");
    EXPECT_EQ(h.kernel.Get(kNs, "c1", "").status().message(),
              "task c1 not found");
    co_return;
  }(h)),
            sim::RunOutcome::kCompleted);
  EXPECT_EQ(h.Log(), (std::vector<std::string>{"create c1", "start c1",
                                               "exec-added c1/e1",
                                               "exit c1=137", "delete c1"}));
}

TEST(KernelTest, ListPidsAndDeterministicPids) {
  Harness h(1);
  ASSERT_EQ(h.Run([](Harness& h) -> sim::Task<void> {
    (void)h.kernel.CreateTask(kNs, "c1", Program::RunUntilSignalled(), {});
    (void)h.kernel.Start(kNs, "c1", "");
    (void)h.kernel.Exec(kNs, "c1", "e1", Program::RunUntilSignalled(), {});
    (void)h.kernel.Start(kNs, "c1", "e1");
    absl::StatusOr<std::vector<PidInfo>> pids = h.kernel.ListPids(kNs, "c1");
    EXPECT_EQ(pids->size(), 2u);
    EXPECT_EQ((*pids)[0].pid, 1000u);
    EXPECT_EQ((*pids)[1].pid, 1001u);
    EXPECT_EQ((*pids)[1].exec_id, "e1");
    EXPECT_EQ(h.kernel.ListTasks(kNs).size(), 1u);
    EXPECT_TRUE(h.kernel.ListTasks("other").empty());
    co_return;
  }(h)),
            sim::RunOutcome::kCompleted);
}

}  // namespace
}  // namespace fake_containerd
