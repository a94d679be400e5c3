// model/spec.h: the sequential reference model of the Docker API (moby at PR
// #43564). One method per API operation and per environment event; each
// checks an observed reply against the current state and, when it is allowed,
// applies the effect that reply implies. History checkers replay a recorded
// history through it, trying linearizations of overlapping calls.
//
// Spec is a plain value: copy it to try one linearization and drop the copy to
// backtrack. Every method leaves the state unchanged when it returns an error.
#ifndef DSIM_MODEL_SPEC_H_
#define DSIM_MODEL_SPEC_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/types.h"

namespace model {

// The API operations, for Allowed().
enum class Op {
  kContainerStart,
  kContainerKill,
  kContainerStop,
  kContainerRestart,
  kContainerPause,
  kContainerUnpause,
  kContainerRm,
  kContainerRmForce,
  kContainerExecCreate,
  kContainerExecStart,
  kContainerInspect,
  kContainerExecInspect,
};

class Spec {
 public:
  // Exit code of a process killed by SIGKILL (rm -f): 128 + 9.
  static constexpr int kSigkillExitCode = 137;

  // The replies `op` may return on `id` (a container ID, or an exec ID for
  // the exec operations) in the current state.
  std::vector<AllowedReply> Allowed(Op op, absl::string_view id) const;

  // --- API operations. Each returns OK iff `reply` is allowed. ---

  // Conflict when the name is taken (moby: "is already in use").
  absl::Status ContainerCreate(absl::string_view id, const Reply& reply,
                               RestartPolicy policy = {},
                               bool auto_remove = false);
  // OK: running, OOMKilled cleared (SetRunning). NotModified when running.
  // A runtime error (System or InvalidParameter) leaves it not running, with
  // the exit code translateContainerdStartErr sets (127 / 126), else 128 if
  // it was 0 (I9).
  absl::Status ContainerStart(absl::string_view id, const Reply& reply);
  // Sends a signal; the death, if any, comes as an InitExit event. Marks the
  // container manually stopped, so its restart policy no longer applies.
  absl::Status ContainerKill(absl::string_view id, const Reply& reply);
  // Linearized as signal + exit: a running container exits with `exit_code`
  // (the code the history's exit event carries). NotModified when stopped.
  absl::Status ContainerStop(absl::string_view id, const Reply& reply,
                             int exit_code);
  // Stop (exiting with `exit_code` if running), then start.
  absl::Status ContainerRestart(absl::string_view id, const Reply& reply,
                                int exit_code);
  absl::Status ContainerPause(absl::string_view id, const Reply& reply);
  absl::Status ContainerUnpause(absl::string_view id, const Reply& reply);
  // Conflict when running and not forced; forced, a running container first
  // exits with `exit_code`.
  absl::Status ContainerRm(absl::string_view id, bool force, const Reply& reply,
                           int exit_code = kSigkillExitCode);
  absl::Status ContainerExecCreate(absl::string_view container_id,
                                   absl::string_view exec_id,
                                   const Reply& reply);
  // OK: the exec runs. A runtime error: the exec has exited with 126 (the
  // ExecStart error defer overwrites the translated 126/127, #45795).
  absl::Status ContainerExecStart(absl::string_view exec_id,
                                  const Reply& reply);

  // Reads: `seen` is what the reply showed (ignored unless reply is OK).
  absl::Status ContainerInspect(absl::string_view id, const Reply& reply,
                                const InspectView& seen);
  absl::Status ContainerExecInspect(absl::string_view exec_id,
                                    const Reply& reply, const ExecView& seen);

  // ContainerWait spans transitions: WaitBegin registers the waiter at the
  // call and returns its handle (-1 after an allowed NotFound); WaitEnd
  // checks the reply against the result captured at the transition that woke
  // it (a290f5d04c). An error reply (client gave up) is allowed only while
  // the condition is unmet.
  absl::StatusOr<int> ContainerWaitBegin(absl::string_view id,
                                         WaitCondition condition,
                                         const Reply& reply);
  absl::Status ContainerWaitEnd(int waiter, const Reply& reply,
                                int status_code);

  // --- Environment events, as the daemon processes them. Each returns an
  // error (and changes nothing) when the event is impossible in this state.

  // The init process exited: SetRestarting if the policy says so, else
  // SetStopped (and removal with AutoRemove). Remaining execs are
  // unregistered from both stores (Cleanup).
  absl::Status InitExit(absl::string_view id, int exit_code);
  // TaskOOM from the init process or an exec: OOMKilled = true at once (I6).
  absl::Status Oom(absl::string_view id);
  absl::Status ExecExit(absl::string_view exec_id, int exit_code);
  // The restart manager's delay elapsed and the restart succeeded.
  absl::Status AutoRestart(absl::string_view id);

  // --- What the model says (for tests and generators). ---
  absl::StatusOr<InspectView> Inspect(absl::string_view id) const;
  absl::StatusOr<ExecView> ExecInspect(absl::string_view exec_id) const;
  // The container IDs and exec IDs ever created (removed ones included).
  std::vector<std::string> ContainerIds() const;
  std::vector<std::string> ExecIds() const;
  bool IsWaiterWoken(int waiter) const;
  // Internal consistency (Running implies not removed, Paused implies
  // Running, ExecIDs only on a running container, ...).
  absl::Status CheckConsistent() const;

 private:
  struct Container {
    std::string id;
    RestartPolicy policy;
    bool auto_remove = false;
    bool running = false;
    bool paused = false;
    bool restarting = false;
    bool oom_killed = false;
    bool removed = false;
    bool started_before = false;
    bool manually_stopped = false;  // HasBeenManuallyStopped
    bool last_start_failed = false;
    int restart_count = 0;
    int exit_code = 0;
    std::set<std::string> execs;  // container.ExecCommands: not exited
  };
  struct Exec {
    std::string id;
    std::string container_id;
    ExecStatus status = ExecStatus::kCreated;
    int exit_code = 0;
    bool registered = true;    // still in daemon.execCommands
    bool seen_exited = false;  // an ExecInspect reply showed it exited
  };
  struct Waiter {
    std::string container_id;
    WaitCondition condition;
    bool woken = false;
    int result = 0;
  };

  const Container* Find(absl::string_view id) const;  // null if absent/removed
  Container* Find(absl::string_view id);
  const Exec* FindExec(absl::string_view id) const;
  Exec* FindExec(absl::string_view id);

  // "ContainerKill(c1) on exited container c1", for messages.
  std::string Describe(Op op, absl::string_view id) const;
  absl::Status Check(Op op, absl::string_view id, const Reply& reply) const;

  // moby State transitions.
  void SetRunning(Container& c);
  void SetStopped(Container& c, int exit_code);
  void SetRestarting(Container& c, int exit_code);
  void SetRemoved(Container& c);
  void UnregisterExecs(Container& c);  // Cleanup
  void WakeWaiters(const Container& c, bool removal);
  bool ShouldRestart(const Container& c, int exit_code) const;
  void ProcessExit(Container& c, int exit_code, bool manual_restart);
  // Kill/stop/rm -f/restart: the process (if any) exits with `exit_code` and
  // the restart policy no longer applies.
  void StopForManualAction(Container& c, int exit_code, bool manual_restart);
  // containerStart's outcome: `reply` is OK or a runtime error.
  void StartFromStopped(Container& c, const Reply& reply);
  // The exit code a failed start leaves (translateContainerdStartErr, then
  // containerStart's error defer).
  static int FailedStartExitCode(const Container& c, const Reply& reply);

  std::map<std::string, Container, std::less<>> containers_;
  std::map<std::string, Exec, std::less<>> execs_;
  std::vector<Waiter> waiters_;
};

// OK iff `reply` matches one of `allowed`; else a message naming the call,
// the observed reply and what was allowed.
absl::Status CheckReply(absl::string_view call,
                        const std::vector<AllowedReply>& allowed,
                        const Reply& reply);

}  // namespace model

#endif  // DSIM_MODEL_SPEC_H_
