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

// Where the two libcontainerd designs legitimately differ.
struct SpecOptions {
  // The legacy (pre-57d2d6ef) client keeps OOM events in a map and copies
  // OOMKilled in at the next exit; the objects client sets it at the event.
  bool oom_at_exit = false;
  // dockerd 20.10 (before 57d2d6ef, with oom_at_exit): SetRunning leaves
  // OOMKilled as it was, and every exit sets it to whether that exit followed
  // an OOM. Later moby clears it at SetRunning (I6).
  bool oom_killed_until_exit = false;
  // Concurrent histories: a kill (stop, rm) of a restarting container only
  // cancels its restart manager, whose goroutine stops it later
  // (RestartCancelled); sequential callers see the stop at once.
  bool cancel_later = false;
  // Concurrent histories: AutoRemove is the daemon's own rm -f, made after
  // the exit (or the failed start) and taking effect in steps
  // (AutoRemoveStep); sequential callers see the container gone at once.
  bool remove_later = false;
  // After 0e4d3feb (the objects design) an init exit is handled whatever the
  // container's state: the exit of a task whose start failed (killed between
  // Tasks/Create and Tasks/Start, or a created task the failed start deleted)
  // stops the container again with its status and asks its restart policy.
  // dockerd 20.10 takes it for an exec's (its pid is not the container's 0).
  bool exit_of_stopped_handled = false;
};

// A container as a restarted daemon restored it: the first state of a new
// epoch of a history (moby does not restore execs).
struct ContainerSnapshot {
  std::string id;
  RestartPolicy policy;
  InspectView view;
  // What the disk says (persisted by a kill or stop, cleared by a start): an
  // unless-stopped container with it is not restarted by its next exit, though
  // restore's restart manager is fresh.
  bool has_been_manually_stopped = false;
  int restart_count = 0;
  // containerd still runs a task of this container, which restore left not
  // running: a start the crash cut. moby's restore leaves it (containerStop of
  // a container that is not running does nothing), and each later start's
  // Create meets it: Conflict "id already in use" while it runs.
  bool stale_task = false;
  // containerd still has its container (with a task or without: the crash
  // cut the start or the exit's cleanup), which restore does not delete for a
  // container it shows not running. Not the Spec's concern: a later start
  // deletes a stale container without a live task, and retries its Create.
  bool stale_container = false;
  bool auto_remove = false;  // HostConfig.AutoRemove
  // containerd's task is paused though restore shows the container running,
  // not paused: a pause the crash cut after containerd froze the task. moby's
  // restore asks the task's status only of containers it saved paused, so a
  // later pause fails (a 500) until something resumes the task.
  bool frozen_task = false;
  // The daemon's own rm -f of an AutoRemove container (the exit handler's
  // autoRemove, or restore's removeContainers) had begun and not ended when
  // restore returned: the container goes away without any client's call.
  bool removal_in_progress = false;
};

class Spec {
 public:
  // Exit code of a process killed by SIGKILL (rm -f): 128 + 9.
  static constexpr int kSigkillExitCode = 137;

  explicit Spec(SpecOptions options = {}) : options_(options) {}

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

  // --- Calls of a concurrent history with two linearization points: the
  // signal (Begin) and the exit it waits for (End, which fails while the
  // container still runs). The exit itself is the InitExit event. Begin
  // checks the reply; OK and NotModified are told apart by the state.
  absl::Status StopBegin(absl::string_view id, const Reply& reply);
  absl::Status StopEnd(absl::string_view id,
                       absl::string_view call = "ContainerStop");
  // Restart has three points: the signal, the exit (StopEnd), and the start,
  // which does nothing when something else started the container meanwhile
  // (containerStart returns nil on a running container); `reply` is the
  // call's.
  absl::Status RestartBegin(absl::string_view id, const Reply& reply);
  absl::Status RestartEnd(absl::string_view id, const Reply& reply);
  // Rm has three points. Begin marks the removal in progress (moby does so
  // before it looks at the container, so a concurrent rm may see "already in
  // progress" even when this one is then refused or fails), and an rm refused
  // "already in progress" is explained only by such a mark; Dead refuses a
  // running container without force, or marks the exited one Dead; End
  // removes it, or resets the mark of one refused or failed.
  // Lookup finds the container in the store; the later points act on that
  // object even when a concurrent rm removed it meanwhile (then they do
  // nothing, and the call still succeeds, as in moby).
  absl::Status RmLookup(absl::string_view id, bool force, const Reply& reply);
  absl::Status RmBegin(absl::string_view id, bool force, const Reply& reply);
  absl::Status RmDead(absl::string_view id, bool force, const Reply& reply);
  absl::Status RmEnd(absl::string_view id, const Reply& reply);

  // --- Environment events, as the daemon processes them. Each returns an
  // error (and changes nothing) when the event is impossible in this state.

  // The init process exited: SetRestarting if the policy says so, else
  // SetStopped (and removal with AutoRemove). Remaining execs are
  // unregistered from both stores (Cleanup).
  absl::Status InitExit(absl::string_view id, int exit_code);
  // The init process died in containerd (the exit is handled later, by
  // InitExit): until then, RPCs on the task fail, and pause, unpause, kill
  // and stop may answer a system error.
  absl::Status TaskDied(absl::string_view id);
  // TaskOOM from the init process or an exec: OOMKilled = true at once (I6).
  absl::Status Oom(absl::string_view id);
  absl::Status ExecExit(absl::string_view exec_id, int exit_code);
  // The exec exit handler in two points, as moby's: the exec looked up in
  // its container's ExecCommands (returns whether it was there), then its
  // exit code set under the exec's lock, even if a failed start's error defer
  // removed it in between (then the handler's code wins).
  bool ExecExitLookup(absl::string_view exec_id) const;
  absl::Status ExecExitApply(absl::string_view exec_id, int exit_code);
  // The restart manager's delay elapsed and the restart succeeded.
  absl::Status AutoRestart(absl::string_view id);
  // The restart manager's start failed: the container stops with its last
  // exit code.
  absl::Status RestartFailed(absl::string_view id);
  // A kill, stop or rm cancelled the restart manager: it stops the container
  // with its last exit code (SpecOptions::cancel_later).
  absl::Status RestartCancelled(absl::string_view id);
  // ContainerExecCreate in three points: the running check, then the
  // registration in the container's store, then in the daemon's, each under
  // its own lock and none under the container's, so an exit handled in
  // between leaves the exec registered on a stopped container, or in the
  // daemon's store only (moby registerExecCommand vs Cleanup).
  absl::Status ExecCreateBegin(absl::string_view container_id,
                               const Reply& reply);
  absl::Status ExecCreateInContainer(absl::string_view container_id,
                                     absl::string_view exec_id,
                                     const Reply& reply);
  absl::Status ExecCreateInDaemon(absl::string_view exec_id,
                                  const Reply& reply);
  // ContainerExecStart in two points: the exec found in the daemon's store,
  // then its container's state checked and the start, on that exec even if
  // an exit unregistered it (or rm removed its container) in between.
  absl::Status ExecStartLookup(absl::string_view exec_id, const Reply& reply);
  // `error_later`: the start's checks passed, but its reply is an error that
  // its error defer applies later (so it may never have had a pid).
  absl::Status ExecStartAct(absl::string_view exec_id, const Reply& reply,
                            bool error_later = false);
  // /tasks/paused and /tasks/resumed as moby's handler applies them (a late
  // paused event re-pauses after an unpause: moby has that race).
  absl::Status TaskPaused(absl::string_view id);
  absl::Status TaskResumed(absl::string_view id);

  // The daemon's autoRemove (SpecOptions::remove_later) takes its next step:
  // the removal mark (nothing more when another rm holds it), Dead, then
  // removed. An error when none is due: no AutoRemove exit waits for its
  // removal, or the container runs again (a start came first: the rm waits
  // for that run's exit).
  absl::Status AutoRemoveStep(absl::string_view id);
  bool AutoRemoveDue(absl::string_view id) const;

  // A restored container (see ContainerSnapshot).
  void Adopt(const ContainerSnapshot& snapshot);
  // The whole state as bytes: equal iff the states are (for memoization).
  std::string Fingerprint() const;
  bool IsRestarting(absl::string_view id) const;
  // Created once, removed since.
  bool Removed(absl::string_view id) const;

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
  enum class ErrorMark : uint8_t { kClear, kSet, kUnknown };
  struct Container {
    std::string id;
    RestartPolicy policy;
    bool auto_remove = false;
    bool running = false;
    bool paused = false;
    bool restarting = false;
    bool oom_killed = false;
    bool removed = false;
    bool removing = false;        // RemovalInProgress
    bool manual_restart = false;  // an exit ContainerRestart waits for
    // The task runs though Paused shows (a kill resumed it, or a paused event
    // came after an unpause); no resumed event yet.
    bool resume_pending = false;
    bool frozen_task = false;  // ContainerSnapshot::frozen_task
    bool oom_pending = false;  // legacy: an OOM seen, applied at exit
    bool task_dead = false;    // TaskDied, exit not handled yet
    bool dead = false;         // rm's SetDead, before its removal
    bool started_before = false;
    // StartedAt is judged between reads: a start that took effect sets it
    // to a wall time later than any before, nothing else changes it. The
    // value reads showed since the last such start (nullopt: none read yet),
    // and a value read before it, which the start's must exceed.
    std::optional<int64_t> started_at;
    int64_t started_at_before = 0;
    // FinishedAt likewise: set (`finished`) by SetStopped and SetRestarting
    // alone. An exit's sets a later one than before; the SetStopped of a
    // cancelled or failed policy restart sets that exit's again (dockerd
    // 20.10: its ExitedAt, after SetRestarting's now), any value.
    bool finished = false;
    std::optional<int64_t> finished_at;
    int64_t finished_at_before = 0;
    // The restart manager was cancelled (killWithSignal's ExitOnNext). A
    // restarted daemon's restore builds a fresh, uncancelled restart manager,
    // so Adopt starts it false.
    bool manually_stopped = false;
    // HasBeenManuallyStopped: set by the same kill, cleared by a start, and
    // persisted, so it outlives a daemon restart. unless-stopped reads it.
    bool stopped_by_hand = false;
    bool last_start_failed = false;
    // State.Error: set by containerStart's error defer (and SetRemovalError),
    // cleared by SetRunning. kUnknown after a failure that may or may not have
    // passed through the defer (a restart's stop, a policy restart, rm).
    ErrorMark error = ErrorMark::kClear;
    bool stale_task = false;  // ContainerSnapshot::stale_task, until a start
    // remove_later: an exit or failed start of an AutoRemove container whose
    // removal has not begun; then the removal autoRemove marked.
    bool auto_remove_pending = false;
    bool auto_removing = false;
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
    // Its start returned OK: containerd gave it a pid, which ExecConfig keeps
    // after the exit (a failed or cancelled start may or may not have one).
    bool started = false;
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
  // FinishedAt is set to a value not read yet (see Container::finished_at).
  void ForgetFinishedAt(Container& c);
  void UnregisterExecs(Container& c);  // Cleanup
  void WakeWaiters(const Container& c, bool removal);
  bool ShouldRestart(const Container& c, int exit_code) const;
  void ProcessExit(Container& c, int exit_code, bool manual_restart);
  // autoRemove: at once, or pending (SpecOptions::remove_later).
  void AutoRemove(Container& c);
  // Kill/stop/rm -f/restart: the process (if any) exits with `exit_code` and
  // the restart policy no longer applies.
  void StopForManualAction(Container& c, int exit_code, bool manual_restart);
  // killWithSignal: HasBeenManuallyStopped, and a restarting container's
  // restart manager is cancelled, which stops it with its last exit code
  // (at once, or later with SpecOptions::cancel_later).
  void KillWithSignal(Container& c);
  // containerStart's outcome: `reply` is OK or a runtime error. `error`:
  // what a failure leaves in State.Error (kSet when the reply can only have
  // come from containerStart's error defer).
  void StartFromStopped(Container& c, const Reply& reply,
                        ErrorMark error = ErrorMark::kUnknown);
  // The exit code a failed start leaves (translateContainerdStartErr, then
  // containerStart's error defer).
  static int FailedStartExitCode(const Container& c, const Reply& reply);

  SpecOptions options_;
  std::map<std::string, Container, std::less<>> containers_;
  std::map<std::string, Exec, std::less<>> execs_;
  std::vector<Waiter> waiters_;
};

// Whether `reply` matches one of `allowed`.
bool ReplyAllowed(const std::vector<AllowedReply>& allowed, const Reply& reply);
// OK iff `reply` matches one of `allowed`; else a message naming the call,
// the observed reply and what was allowed. (Callers that name the call at a
// cost ask ReplyAllowed first.)
absl::Status CheckReply(absl::string_view call,
                        const std::vector<AllowedReply>& allowed,
                        const Reply& reply);

}  // namespace model

#endif  // DSIM_MODEL_SPEC_H_
