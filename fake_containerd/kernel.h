// fake_containerd/kernel.h: the simulated kernel and runc shim under the fake:
// per-namespace tasks (an init process and its exec processes), deterministic
// pids, the shim's process state machine, signals, OOM kills, pause/resume, and
// each started process's program running as a background sim task. Plain C++:
// the services translate to and from protos.
//
// Lifetime: program tasks reference the Kernel; it must outlive the executor's
// task frames (or the owner calls Executor::DestroyAllTasks() first).
#ifndef DSIM_FAKE_CONTAINERD_KERNEL_H_
#define DSIM_FAKE_CONTAINERD_KERNEL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "fake_containerd/program.h"
#include "sim/executor.h"
#include "sim/notify.h"
#include "sim/task.h"

namespace fake_containerd {

// Numbered like containerd.v1.types.Status.
enum class ProcessState : uint8_t {
  kCreated = 1,
  kRunning = 2,
  kStopped = 3,
  kPaused = 4
};
std::string_view ProcessStateName(ProcessState s);

inline constexpr uint32_t kSigKill = 9;
inline constexpr uint32_t kSigTerm = 15;
inline constexpr uint32_t kSigCont = 18;
inline constexpr uint32_t kSigStop = 19;
inline constexpr uint32_t kOomExitStatus = 137;
// An init whose binary went missing after Create (MakeBinaryMissing; not
// reachable through RPCs) exits with the shell's "command not found" status.
inline constexpr uint32_t kMissingBinaryExitStatus = 127;

struct ProcessIo {
  std::string stdin_path, stdout_path, stderr_path;
  bool terminal = false;
};

// One process, init (exec_id empty) or exec. Read-only outside the kernel.
struct Process {
  std::string ns, container_id, exec_id;
  uint32_t pid = 0;  // init: from Create; exec: from Start (0 before)
  ProcessState state = ProcessState::kCreated;
  uint32_t exit_status = 0;
  sim::Nanos exited_at = 0;  // valid once state == kStopped
  bool exited = false;
  // Removed before it exited (a created process was deleted).
  bool deleted = false;
  // Its shim died: calls about it break.
  bool shim_dead = false;
  // An exec whose Start failed (runc found no binary): still CREATED, with no
  // pid and exit status 0, and Wait answers at once (the shim closed its wait
  // channel). No exit is published.
  bool start_failed = false;
  // The exec-start-fails fault: Start spawns the process, which dies at once
  // (127, its exit published), and Start fails.
  bool dies_during_start = false;
  ProcessIo io;
  Program program;
  // Internal.
  bool stdin_open = true;
  // A fatal signal sent while frozen or stopped, delivered on Resume or
  // SIGCONT.
  uint32_t pending_signal = 0;
  // Stopped by SIGSTOP (containerd still reports it RUNNING): it makes no
  // progress and acts on no signal but SIGKILL until SIGCONT.
  bool sig_stopped = false;
  std::unique_ptr<sim::Notify> continued;     // a fresh one per SIGSTOP
  std::unique_ptr<sim::Notify> exit_notify;   // fired on exit or deletion
  std::unique_ptr<sim::Notify> stdin_closed;  // fired by CloseIO(stdin)
  // Its task's object (Kernel's footprints): every process of a task shares
  // it.
  sim::ObjectId task_object = sim::kNoObject;

  bool is_init() const { return exec_id.empty(); }
};

// What the kernel reports, in the order it happens; the event exchange turns
// these into containerd events.
struct KernelEvent {
  enum class Kind : uint8_t {
    kTaskCreate,  // init created (pid = runc init's)
    kStart,       // init started (TaskStart) or exec started (TaskExecStarted)
    kExecAdded,   // Exec accepted
    kExit,        // a process exited
    kOom,         // the container's memory limit was hit
    kPaused,
    kResumed,
    kTaskDelete,  // the init task was deleted (exec deletion reports nothing)
  };
  Kind kind;
  std::string ns, container_id, exec_id;
  uint32_t pid = 0;
  uint32_t exit_status = 0;
  sim::Nanos exited_at = 0;
  bool exited = false;  // kTaskDelete: whether the process had exited
  ProcessIo io;         // kTaskCreate
};

struct ExitResult {
  std::string exec_id;
  uint32_t pid = 0;
  uint32_t exit_status = 0;
  sim::Nanos exited_at = 0;
  // False: deleted before it ran (exited_at is meaningless).
  bool exited = false;
};

struct PidInfo {
  uint32_t pid = 0;
  std::string exec_id;  // empty for init
};

class Kernel {
 public:
  using EventSink = std::function<void(const KernelEvent&)>;
  static constexpr uint32_t kFirstPid = 1000;

  Kernel(sim::Executor& ex, EventSink sink);
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Errors carry containerd's texts (see errors.h); lookups of a missing task
  // answer NOT_FOUND "task X not found", of a missing exec "process does not
  // exist X: not found".
  absl::StatusOr<uint32_t> CreateTask(const std::string& ns,
                                      const std::string& id, Program program,
                                      ProcessIo io);
  absl::StatusOr<uint32_t> Start(const std::string& ns, const std::string& id,
                                 const std::string& exec_id);
  absl::StatusOr<ExitResult> DeleteTask(const std::string& ns,
                                        const std::string& id);
  absl::StatusOr<ExitResult> DeleteProcess(const std::string& ns,
                                           const std::string& id,
                                           const std::string& exec_id);
  absl::Status Exec(const std::string& ns, const std::string& id,
                    const std::string& exec_id, Program program, ProcessIo io);
  absl::Status Kill(const std::string& ns, const std::string& id,
                    const std::string& exec_id, uint32_t signal, bool all);
  absl::Status CloseStdin(const std::string& ns, const std::string& id,
                          const std::string& exec_id);
  absl::Status Pause(const std::string& ns, const std::string& id);
  absl::Status Resume(const std::string& ns, const std::string& id);
  // Whether SIGKILL to a paused init (or a kill --all SIGKILL) thaws the
  // frozen cgroup and kills at once, as runc 1.1 does (measured, script
  // "paused" of differential_test.cc): on by default, in simulated runs and
  // `dsim serve` alike. Off, the signal waits for Resume like any other (a
  // runtime that does not thaw; tests only).
  void set_sigkill_thaws_frozen(bool thaws) { sigkill_thaws_frozen_ = thaws; }
  // `dsim drive` (properties/drive_gate.h): a timed program's delay (exit,
  // oom) is this awaited step instead of a sleep, so the driver's strategy,
  // not a timer, decides when the process ends. Unset: the delay is slept.
  using DelayGate = std::function<sim::Task<void>(
      std::string ns, std::string container_id, std::string exec_id)>;
  void set_delay_gate(DelayGate gate) { delay_gate_ = std::move(gate); }
  // The pid the next process gets. A real dockerd on this fake (`dsim
  // serve`, `dsim drive`) SIGKILLs a container's pid directly when its exit
  // does not come within 12 s of a kill: pids above the kernel's PID_MAX_LIMIT
  // (2^22) can never name a host process, so that kill finds nothing.
  void set_next_pid(uint32_t pid) { next_pid_ = pid; }
  // Every exec reports its task's init pid, as kata reports the hypervisor's
  // pid for every process (the collision behind moby 0e4d3feb).
  void set_shared_pids(bool shared) { shared_pids_ = shared; }
  absl::StatusOr<std::vector<PidInfo>> ListPids(const std::string& ns,
                                                const std::string& id);
  absl::StatusOr<const Process*> Get(const std::string& ns,
                                     const std::string& id,
                                     const std::string& exec_id) const;
  // Init processes of the namespace's tasks, by container id.
  std::vector<const Process*> ListTasks(const std::string& ns) const;
  // Blocks until the process exits; at once if it already has, or if it is an
  // exec whose Start failed (exit status 0, not exited).
  sim::Task<absl::StatusOr<ExitResult>> Wait(std::string ns, std::string id,
                                             std::string exec_id);

  // Environment events (not RPCs). The task's shim dies: every process of the
  // task dies with 137; containerd's dead-shim cleanup publishes init's exit
  // (137, even if init had exited) and the task's deletion, but no exec's
  // exit; the task is gone (NOT_FOUND) and pending Waits break with UNKNOWN
  // "ttrpc: closed: unknown". Also what a second Start of an exec whose Start
  // failed does to the 1.6.20 shim.
  absl::Status KillShim(const std::string& ns, const std::string& id);
  // The process's binary is gone: its Start will fail as a missing binary's
  // does (the exec-start-fails fault). No-op when there is no such process.
  // (A missing init binary fails CreateTask already, as runc create looks the
  // binary up.)
  void MakeBinaryMissing(const std::string& ns, const std::string& id,
                         const std::string& exec_id, std::string binary);
  // The exec-start-fails fault: the exec's Start spawns a process that dies
  // at once, publishing its exit (127), and then fails. That exit reaches the
  // daemon while ExecStart still owns the exec: the interleaving of moby
  // 3b28a24e (I3). containerd 1.6.20's runc shim publishes no exit for a
  // missing binary, so only this fault reaches it.
  void MakeStartFail(const std::string& ns, const std::string& id,
                     const std::string& exec_id);
  // The memory limit is hit in the process now.
  absl::Status OomKill(const std::string& ns, const std::string& id,
                       const std::string& exec_id);

  sim::Executor& executor() const { return ex_; }

 private:
  struct TaskRecord;
  using TaskKey =
      std::pair<std::string, std::string>;  // (namespace, container id)

  // A found task's object is touched with `access`; a missing one reads the
  // task table (a create or delete of that task writes it).
  absl::StatusOr<TaskRecord*> FindTask(const std::string& ns,
                                       const std::string& id,
                                       sim::Access access) const;
  absl::StatusOr<std::shared_ptr<Process>> FindProcess(
      const std::string& ns, const std::string& id, const std::string& exec_id,
      sim::Access access) const;
  std::shared_ptr<Process> NewProcess(const std::string& ns,
                                      const std::string& id,
                                      const std::string& exec_id,
                                      Program program, ProcessIo io);
  void SpawnProgram(std::shared_ptr<TaskRecord> task,
                    std::shared_ptr<Process> p);
  static sim::Task<void> RunProgram(Kernel* k, std::shared_ptr<TaskRecord> task,
                                    std::shared_ptr<Process> p);
  // A signal reaches a running process (frozen and stopped ones queue it).
  void Deliver(TaskRecord& task, Process& p, uint32_t signal);
  void SetStopped(TaskRecord& task, Process& p, bool stop);
  // The task's cgroup is thawed behind the shim's back (runc kill).
  void Thaw(TaskRecord& task);
  // The process dies with `status`; init's death first kills every exec (pid
  // namespace).
  void Terminate(TaskRecord& task, Process& p, uint32_t status);
  void EmitKilledInit(KernelEvent::Kind kind, const std::string& ns,
                      const std::string& id, const Process& init);
  void Exit(Process& p, uint32_t status);
  void Emit(KernelEvent e) { sink_(e); }
  static ExitResult ResultOf(const Process& p);

  // Footprints: each task (its processes, signals, pause state) is an
  // object of its own, so partial-order reduction sees a process's exit and a
  // call that asks whether it exited as dependent, while calls about
  // different containers commute. The table of tasks (which exist) and the
  // pid counter are objects too: creating a task and asking for one that
  // does not exist are dependent; so are two processes that take pids.
  void Touch(const TaskRecord& task, sim::Access access) const;
  void Touch(const Process& p, sim::Access access) const {
    ex_.Touch(p.task_object, access);
  }
  void TouchTable(sim::Access access) const { ex_.Touch(table_, access); }
  uint32_t TakePid() {
    ex_.Touch(pids_, sim::Access::kWrite);
    return next_pid_++;
  }

  sim::Executor& ex_;
  const sim::ObjectId table_;  // which tasks exist (see Touch)
  const sim::ObjectId pids_;   // next_pid_
  EventSink sink_;
  uint32_t next_pid_ = kFirstPid;
  bool shared_pids_ = false;
  bool sigkill_thaws_frozen_ = true;
  DelayGate delay_gate_;
  std::map<TaskKey, std::shared_ptr<TaskRecord>> tasks_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_KERNEL_H_
