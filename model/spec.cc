// The operations and environment events of model::Spec. The observation
// checks (inspect, exec inspect, wait results, consistency) are in
// spec_check.cc. Over 400 lines because it is the whole API surface of the
// model; every method is one short operation or event.
#include "model/spec.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/allowed.h"

namespace model {
namespace {

using internal::Err;
using internal::IsRuntimeError;
using internal::Ok;

absl::string_view OpName(Op op) {
  switch (op) {
    case Op::kContainerStart:
      return "ContainerStart";
    case Op::kContainerKill:
      return "ContainerKill";
    case Op::kContainerStop:
      return "ContainerStop";
    case Op::kContainerRestart:
      return "ContainerRestart";
    case Op::kContainerPause:
      return "ContainerPause";
    case Op::kContainerUnpause:
      return "ContainerUnpause";
    case Op::kContainerRm:
      return "ContainerRm";
    case Op::kContainerRmForce:
      return "ContainerRm(force)";
    case Op::kContainerExecCreate:
      return "ContainerExecCreate";
    case Op::kContainerExecStart:
      return "ContainerExecStart";
    case Op::kContainerInspect:
      return "ContainerInspect";
    case Op::kContainerExecInspect:
      return "ContainerExecInspect";
  }
  return "?";
}

}  // namespace

bool ReplyAllowed(const std::vector<AllowedReply>& allowed,
                  const Reply& reply) {
  std::string message;  // lower case, once needed
  for (const AllowedReply& a : allowed) {
    if (a.kind != reply.kind) continue;
    // An unrecorded message matches; a recorded one must carry the phrase.
    if (a.phrase.empty() || reply.message.empty()) return true;
    if (message.empty()) message = absl::AsciiStrToLower(reply.message);
    if (absl::StrContains(message, absl::AsciiStrToLower(a.phrase))) {
      return true;
    }
  }
  return false;
}

absl::Status CheckReply(absl::string_view call,
                        const std::vector<AllowedReply>& allowed,
                        const Reply& reply) {
  if (ReplyAllowed(allowed, reply)) return absl::OkStatus();
  std::vector<std::string> want;
  for (const AllowedReply& a : allowed) {
    want.push_back(a.phrase.empty()
                       ? std::string(ToString(a.kind))
                       : absl::StrCat(ToString(a.kind), " \"", a.phrase, "\""));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      call, " replied ", ToString(reply.kind),
      reply.message.empty() ? "" : absl::StrCat(" \"", reply.message, "\""),
      "; allowed: ", absl::StrJoin(want, " | ")));
}

const Spec::Container* Spec::Find(absl::string_view id) const {
  auto it = containers_.find(id);
  return it == containers_.end() || it->second.removed ? nullptr : &it->second;
}
Spec::Container* Spec::Find(absl::string_view id) {
  return const_cast<Container*>(std::as_const(*this).Find(id));
}
const Spec::Exec* Spec::FindExec(absl::string_view id) const {
  auto it = execs_.find(id);
  return it == execs_.end() ? nullptr : &it->second;
}
Spec::Exec* Spec::FindExec(absl::string_view id) {
  return const_cast<Exec*>(std::as_const(*this).FindExec(id));
}

std::vector<AllowedReply> Spec::Allowed(Op op, absl::string_view id) const {
  if (op == Op::kContainerExecStart || op == Op::kContainerExecInspect) {
    const Exec* e = FindExec(id);
    // 404 once the exec is unregistered (init exit Cleanup) or, for exec
    // inspect, its container is gone; getExecConfig names the container.
    if (e == nullptr || !e->registered) {
      return {Err(ErrorKind::kNotFound, "no such exec")};
    }
    if (Find(e->container_id) == nullptr) {
      return {Err(ErrorKind::kNotFound, op == Op::kContainerExecStart
                                            ? "no such container"
                                            : "no such exec")};
    }
    if (op == Op::kContainerExecInspect) return {Ok()};
    const Container& c = *Find(e->container_id);
    // getExecConfig checks the container first, in this order.
    if (!c.running) return {Err(ErrorKind::kConflict, "is not running")};
    if (c.paused) return {Err(ErrorKind::kConflict, "is paused")};
    if (c.restarting) return {Err(ErrorKind::kConflict, "is restarting")};
    // "is already running" / "has already run".
    if (e->status != ExecStatus::kCreated) {
      return {Err(ErrorKind::kConflict, "already")};
    }
    return {Ok(), Err(ErrorKind::kSystem), Err(ErrorKind::kInvalidParameter)};
  }

  const Container* c = Find(id);
  if (c == nullptr) return {Err(ErrorKind::kNotFound, "no such container")};
  switch (op) {
    case Op::kContainerStart:
      // "container is marked for removal and cannot be started".
      if ((c->removing || c->dead) && !c->running) {
        return {Err(ErrorKind::kConflict, "removal")};
      }
      if (c->paused) {
        return {Err(ErrorKind::kConflict, "cannot start a paused container")};
      }
      // Running or restarting: 304, no effect.
      if (c->running) return {Err(ErrorKind::kNotModified)};
      if (c->stale_task) {
        return {Ok(), Err(ErrorKind::kSystem),
                Err(ErrorKind::kInvalidParameter),
                Err(ErrorKind::kConflict, "id already in use")};
      }
      return {Ok(), Err(ErrorKind::kSystem), Err(ErrorKind::kInvalidParameter)};
    case Op::kContainerKill:
      if (!c->running) return {Err(ErrorKind::kConflict, "is not running")};
      return {Ok()};
    case Op::kContainerStop:
      if (!c->running) return {Err(ErrorKind::kNotModified)};
      return {Ok()};
    case Op::kContainerRestart:
      // containerStart's Conflict, wrapped by ContainerRestart's fmt.Errorf:
      // a 500 (as is every error after the lookup).
      if ((c->removing || c->dead) && !c->running) {
        return {Err(ErrorKind::kSystem, "removal")};
      }
      // A start error (a runtime error, "id already in use" after a crash
      // left the task) is wrapped too.
      return {Ok(), Err(ErrorKind::kSystem)};
    case Op::kContainerPause:
      if (!c->running) return {Err(ErrorKind::kConflict, "is not running")};
      if (c->paused) return {Err(ErrorKind::kConflict, "is already paused")};
      if (c->restarting) return {Err(ErrorKind::kConflict, "is restarting")};
      // A pause the crash cut froze the task; restore still shows it running.
      if (c->frozen_task) return {Ok(), Err(ErrorKind::kSystem, "pause")};
      return {Ok()};
    case Op::kContainerUnpause:
      // A plain fmt.Errorf in moby's containerUnpause (not errdefs): a 500,
      // whatever the container's state (found by dsim drive on 20.10).
      if (!c->paused) return {Err(ErrorKind::kSystem, "is not paused")};
      // A kill resumed the task; until its /tasks/resumed event the daemon
      // still shows it paused, and containerd refuses the resume: a 500.
      if (c->resume_pending) return {Ok(), Err(ErrorKind::kSystem, "unpause")};
      return {Ok()};
    case Op::kContainerRm:
    case Op::kContainerRmForce:
      // "removal of container ... is already in progress".
      if (c->removing)
        return {Err(ErrorKind::kConflict, "already in progress")};
      if (op == Op::kContainerRmForce) return {Ok()};
      // "cannot remove container ...: container is running: stop the
      // container before removing or force remove".
      if (c->running) return {Err(ErrorKind::kConflict, "remove")};
      return {Ok()};
    case Op::kContainerExecCreate:
      if (!c->running) return {Err(ErrorKind::kConflict, "is not running")};
      if (c->paused) return {Err(ErrorKind::kConflict, "is paused")};
      if (c->restarting) return {Err(ErrorKind::kConflict, "is restarting")};
      return {Ok()};
    case Op::kContainerInspect:
      return {Ok()};
    case Op::kContainerExecStart:
    case Op::kContainerExecInspect:
      break;  // handled above
  }
  return {};
}

std::string Spec::Describe(Op op, absl::string_view id) const {
  std::string call = absl::StrCat(OpName(op), "(", id, ")");
  absl::string_view cid = id;
  if (const Exec* e = FindExec(id); e != nullptr) cid = e->container_id;
  if (auto v = Inspect(cid); v.ok()) {
    absl::StrAppend(&call, " on ", ToString(v->status), " container ", cid);
  }
  return call;
}

absl::Status Spec::Check(Op op, absl::string_view id,
                         const Reply& reply) const {
  std::vector<AllowedReply> allowed = Allowed(op, id);
  // An RPC on a task whose process died fails until the exit is handled.
  const Container* c = Find(id);
  if (c != nullptr && c->task_dead &&
      (op == Op::kContainerPause || op == Op::kContainerUnpause ||
       op == Op::kContainerKill || op == Op::kContainerStop ||
       op == Op::kContainerRestart)) {
    allowed.push_back(Err(ErrorKind::kSystem));
  }
  if (ReplyAllowed(allowed, reply)) return absl::OkStatus();
  return CheckReply(Describe(op, id), allowed, reply);
}

// --- State transitions (moby container/state.go). ---

void Spec::SetRunning(Container& c) {
  c.running = true;
  c.paused = false;
  c.resume_pending = false;
  c.frozen_task = false;
  c.restarting = false;
  // 57d2d6ef: SetRunning clears OOMKilled (I6).
  if (!options_.oom_killed_until_exit) c.oom_killed = false;
  c.exit_code = 0;
  c.started_before = true;
  if (c.started_at.has_value()) c.started_at_before = *c.started_at;
  c.started_at.reset();
  c.last_start_failed = false;
  c.error = ErrorMark::kClear;
  c.stale_task = false;
  c.task_dead = false;
}

void Spec::SetStopped(Container& c, int exit_code) {
  c.running = false;
  c.paused = false;
  c.resume_pending = false;
  c.frozen_task = false;
  c.restarting = false;
  c.exit_code = exit_code;  // OOMKilled is kept (I6)
  ForgetFinishedAt(c);
  WakeWaiters(c, /*removal=*/false);
}

void Spec::SetRestarting(Container& c, int exit_code) {
  c.running = true;
  c.restarting = true;
  c.paused = false;
  c.resume_pending = false;
  c.frozen_task = false;
  c.exit_code = exit_code;
  ForgetFinishedAt(c);
  WakeWaiters(c, /*removal=*/false);
}

void Spec::ForgetFinishedAt(Container& c) {
  c.finished = true;
  c.finished_at.reset();
  c.finished_at_before = 0;
}

void Spec::SetRemoved(Container& c) {
  c.removed = true;
  c.removing = false;
  c.auto_remove_pending = false;
  c.auto_removing = false;
  // Cleanup unregisters what ExecCommands lists; an exec that exited stays in
  // the daemon's store (exec start then answers "No such container").
  UnregisterExecs(c);
  WakeWaiters(c, /*removal=*/true);
}

void Spec::UnregisterExecs(Container& c) {
  for (const std::string& id : c.execs) execs_.at(id).registered = false;
  c.execs.clear();
}

void Spec::WakeWaiters(const Container& c, bool removal) {
  // Removal wakes both waiter lists; a stop or restart only the stop waiters.
  // The result is captured now, not when the waiter runs (a290f5d04c).
  for (Waiter& w : waiters_) {
    if (w.woken || w.container_id != c.id) continue;
    if (!removal && w.condition == WaitCondition::kRemoved) continue;
    w.woken = true;
    w.result = c.exit_code;
  }
}

bool Spec::ShouldRestart(const Container& c, int exit_code) const {
  if (c.manually_stopped) return false;
  switch (c.policy.kind) {
    case RestartPolicy::Kind::kNo:
      return false;
    // Within one daemon's life unless-stopped is always: a kill or stop both
    // marks the container stopped by hand and cancels its restart manager.
    // After a restart the mark stays but the restart manager is new.
    case RestartPolicy::Kind::kAlways:
      return true;
    case RestartPolicy::Kind::kUnlessStopped:
      return !c.stopped_by_hand;
    case RestartPolicy::Kind::kOnFailure:
      return exit_code != 0 && (c.policy.max_retries == 0 ||
                                c.restart_count < c.policy.max_retries);
  }
  return false;
}

void Spec::ProcessExit(Container& c, int exit_code, bool manual_restart) {
  // handleContainerExit: Cleanup unregisters the remaining execs, then
  // SetRestarting or SetStopped, then autoRemove unless this exit is part of
  // a ContainerRestart (HasBeenManuallyRestarted).
  UnregisterExecs(c);
  c.task_dead = false;
  manual_restart |= c.manual_restart;
  c.manual_restart = false;
  // A new exit: its FinishedAt passes every earlier one.
  const int64_t finished_before = c.finished_at.value_or(c.finished_at_before);
  if (ShouldRestart(c, exit_code)) {
    ++c.restart_count;
    SetRestarting(c, exit_code);
  } else {
    SetStopped(c, exit_code);
  }
  c.finished_at_before = finished_before;
  // The legacy client's OOM map is copied in after the state change.
  if (options_.oom_killed_until_exit) {
    c.oom_killed = c.oom_pending;
  } else if (c.oom_pending) {
    c.oom_killed = true;
  }
  c.oom_pending = false;
  if (!c.running && c.auto_remove && !manual_restart) AutoRemove(c);
}

void Spec::AutoRemove(Container& c) {
  if (options_.remove_later) {
    c.auto_remove_pending = true;
  } else {
    SetRemoved(c);
  }
}

void Spec::StopForManualAction(Container& c, int exit_code,
                               bool manual_restart) {
  // killWithSignal sets HasBeenManuallyStopped; on a restarting container it
  // only cancels the restart manager, whose goroutine then calls SetStopped
  // with the last exit code.
  c.manually_stopped = true;
  c.stopped_by_hand = true;
  if (c.restarting) {
    SetStopped(c, c.exit_code);
  } else if (c.running) {
    ProcessExit(c, exit_code, manual_restart);
  }
}

int Spec::FailedStartExitCode(const Container& c, const Reply& reply) {
  const std::string m = absl::AsciiStrToLower(reply.message);
  // translateContainerdStartErr, then containerStart's error defer (128).
  if (absl::StrContains(m, "executable file not found") ||
      absl::StrContains(m, "no such file or directory")) {
    return 127;
  }
  if (absl::StrContains(m, "permission denied")) return 126;
  return c.exit_code == 0 ? 128 : c.exit_code;
}

void Spec::StartFromStopped(Container& c, const Reply& reply, ErrorMark error) {
  // A manual start resets the restart manager (ResetRestartManager) and
  // the manual stop before it asks containerd, so even when it then fails.
  c.manually_stopped = false;
  c.stopped_by_hand = false;
  c.restart_count = 0;
  if (reply.kind == ErrorKind::kNone) {
    SetRunning(c);
    return;
  }
  // I9: a failed start leaves the container not running.
  c.exit_code = FailedStartExitCode(c, reply);
  c.last_start_failed = true;
  c.error = error;
  if (c.auto_remove) AutoRemove(c);
}

// --- API operations. ---

absl::Status Spec::ContainerCreate(absl::string_view id, const Reply& reply,
                                   RestartPolicy policy, bool auto_remove) {
  // A removed container's name is free again. verifyContainerSettings comes
  // first: AutoRemove with a restart policy is refused.
  const bool taken = Find(id) != nullptr;
  std::vector<AllowedReply> allowed = {
      auto_remove && policy.kind != RestartPolicy::Kind::kNo
          ? Err(ErrorKind::kInvalidParameter, "AutoRemove")
      : taken ? Err(ErrorKind::kConflict, "already in use")
              : Ok()};
  if (!ReplyAllowed(allowed, reply)) {
    return CheckReply(absl::StrCat("ContainerCreate(", id, ")"), allowed,
                      reply);
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  Container c;
  c.id = std::string(id);
  c.policy = policy;
  c.auto_remove = auto_remove;
  containers_.insert_or_assign(c.id, std::move(c));
  return absl::OkStatus();
}

absl::Status Spec::ContainerStart(absl::string_view id, const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerStart, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind == ErrorKind::kNone || IsRuntimeError(reply.kind)) {
    // A runtime error of a start comes from containerStart, past the checks
    // that return before its error defer.
    StartFromStopped(*Find(id), reply, ErrorMark::kSet);
  }
  return absl::OkStatus();
}

absl::Status Spec::ContainerKill(absl::string_view id, const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerKill, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  // The death of a running process arrives as InitExit.
  KillWithSignal(*Find(id));
  return absl::OkStatus();
}

void Spec::KillWithSignal(Container& c) {
  c.manually_stopped = true;
  c.stopped_by_hand = true;
  // killWithSignal resumes a paused container after the signal.
  if (c.paused) c.resume_pending = true;
  if (c.restarting && !options_.cancel_later) SetStopped(c, c.exit_code);
}

absl::Status Spec::ContainerStop(absl::string_view id, const Reply& reply,
                                 int exit_code) {
  if (absl::Status s = Check(Op::kContainerStop, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind == ErrorKind::kNone) {
    StopForManualAction(*Find(id), exit_code, /*manual_restart=*/false);
  }
  return absl::OkStatus();
}

absl::Status Spec::ContainerRestart(absl::string_view id, const Reply& reply,
                                    int exit_code) {
  if (absl::Status s = Check(Op::kContainerRestart, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind != ErrorKind::kNone && !IsRuntimeError(reply.kind)) {
    return absl::OkStatus();
  }
  Container& c = *Find(id);
  // containerRestart: stop if running (no autoRemove: manually restarted),
  // then containerStart.
  StopForManualAction(c, exit_code, /*manual_restart=*/true);
  StartFromStopped(c, reply);
  return absl::OkStatus();
}

absl::Status Spec::ContainerPause(absl::string_view id, const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerPause, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind == ErrorKind::kNone) Find(id)->paused = true;
  return absl::OkStatus();
}

absl::Status Spec::ContainerUnpause(absl::string_view id, const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerUnpause, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind == ErrorKind::kNone) {
    Find(id)->paused = false;
    Find(id)->resume_pending = false;
  }
  return absl::OkStatus();
}

absl::Status Spec::ContainerRm(absl::string_view id, bool force,
                               const Reply& reply, int exit_code) {
  const Op op = force ? Op::kContainerRmForce : Op::kContainerRm;
  if (absl::Status s = Check(op, id, reply); !s.ok()) return s;
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  Container& c = *Find(id);
  // cleanupContainer: kill a running container (forced), then remove it.
  StopForManualAction(c, exit_code, /*manual_restart=*/false);
  if (!c.removed) SetRemoved(c);
  return absl::OkStatus();
}

absl::Status Spec::ContainerExecCreate(absl::string_view container_id,
                                       absl::string_view exec_id,
                                       const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerExecCreate, container_id, reply);
      !s.ok()) {
    return s;
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  if (execs_.contains(exec_id)) {
    return absl::FailedPreconditionError(
        absl::StrCat("ContainerExecCreate(", container_id,
                     ") returned exec ID ", exec_id, ", already in use"));
  }
  Exec e;
  e.id = std::string(exec_id);
  e.container_id = std::string(container_id);
  Find(container_id)->execs.insert(e.id);
  execs_.emplace(e.id, std::move(e));
  return absl::OkStatus();
}

absl::Status Spec::ContainerExecStart(absl::string_view exec_id,
                                      const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerExecStart, exec_id, reply);
      !s.ok()) {
    return s;
  }
  // Only OK and runtime errors change the exec; both imply it exists.
  if (reply.kind != ErrorKind::kNone && !IsRuntimeError(reply.kind)) {
    return absl::OkStatus();
  }
  Exec& e = *FindExec(exec_id);
  if (reply.kind == ErrorKind::kNone) {
    e.status = ExecStatus::kRunning;
    e.started = true;
  } else {
    // The error defer: ExecCommands.Delete, ExitCode = 126.
    e.status = ExecStatus::kExited;
    e.exit_code = 126;
    Find(e.container_id)->execs.erase(e.id);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Spec::ContainerWaitBegin(absl::string_view id,
                                             WaitCondition condition,
                                             const Reply& reply) {
  const Container* c = Find(id);
  std::vector<AllowedReply> allowed = {
      c == nullptr ? Err(ErrorKind::kNotFound, "no such container") : Ok()};
  if (!ReplyAllowed(allowed, reply)) {
    return CheckReply(
        absl::StrCat("ContainerWait(", id, ", ", ToString(condition), ")"),
        allowed, reply);
  }
  if (c == nullptr) return -1;
  Waiter w;
  w.container_id = std::string(id);
  w.condition = condition;
  // State.Wait: not-running is met at once if not running (a created
  // container returns its current code); next-exit never is; removed is met
  // at once only if Removed, which the API reports as NotFound instead.
  if (condition == WaitCondition::kNotRunning && !c->running) {
    w.woken = true;
    w.result = c->exit_code;
  }
  waiters_.push_back(std::move(w));
  return static_cast<int>(waiters_.size()) - 1;
}

// --- Environment events. ---

absl::Status Spec::InitExit(absl::string_view id, int exit_code) {
  Container* c = Find(id);
  // The exit of an init whose start failed (or of a container the daemon no
  // longer runs): containerStart's error path cleaned up, and dockerd 20.10
  // ignores it; later moby handles it all the same.
  if (c == nullptr || (!c->running && !options_.exit_of_stopped_handled)) {
    return absl::OkStatus();
  }
  ProcessExit(*c, exit_code, /*manual_restart=*/false);
  return absl::OkStatus();
}

absl::Status Spec::Oom(absl::string_view id) {
  Container* c = Find(id);
  // moby's handler sets the flag whatever the state (a late cgroup
  // notification after the exit included).
  if (c == nullptr) return absl::OkStatus();
  if (options_.oom_at_exit) {
    c->oom_pending = true;
  } else {
    c->oom_killed = true;  // 57d2d6ef: set at the event, not at the exit
  }
  return absl::OkStatus();
}

absl::Status Spec::ExecExit(absl::string_view exec_id, int exit_code) {
  Exec* e = FindExec(exec_id);
  // An exec this daemon never started (a process that died during its start,
  // whose failure the ExecStart reply reports; an exec of an earlier daemon):
  // nothing a client can see changes.
  if (e == nullptr || e->status != ExecStatus::kRunning) {
    return absl::OkStatus();
  }
  // An exec already unregistered by Cleanup: moby logs exec_die 127 and
  // changes nothing a client can see.
  if (!e->registered) return absl::OkStatus();
  e->status = ExecStatus::kExited;
  e->exit_code = exit_code;
  containers_.at(e->container_id).execs.erase(e->id);
  return absl::OkStatus();
}

absl::Status Spec::AutoRestart(absl::string_view id) {
  Container* c = Find(id);
  if (c == nullptr || !c->restarting) {
    return absl::FailedPreconditionError(
        absl::StrCat("AutoRestart(", id, "): the container is not restarting"));
  }
  if (c->manually_stopped || c->removing) {
    return absl::FailedPreconditionError(absl::StrCat(
        "AutoRestart(", id, "): the restart manager was cancelled"));
  }
  SetRunning(*c);
  return absl::OkStatus();
}

// --- What the model says. ---

absl::StatusOr<InspectView> Spec::Inspect(absl::string_view id) const {
  const Container* c = Find(id);
  if (c == nullptr) {
    return absl::NotFoundError(absl::StrCat("No such container: ", id));
  }
  InspectView v;
  // moby State.StateString.
  if (c->running) {
    v.status = c->paused       ? ContainerStatus::kPaused
               : c->restarting ? ContainerStatus::kRestarting
                               : ContainerStatus::kRunning;
  } else if (c->removing) {
    v.status = ContainerStatus::kRemoving;
  } else if (c->dead) {
    v.status = ContainerStatus::kDead;
  } else {
    v.status = c->started_before ? ContainerStatus::kExited
                                 : ContainerStatus::kCreated;
  }
  v.running = c->running;
  v.paused = c->paused;
  v.restarting = c->restarting;
  v.oom_killed = c->oom_killed;
  v.exit_code = c->exit_code;
  v.restart_count = c->restart_count;
  v.has_pid = c->running && !c->restarting;  // SetRestarting sets Pid = 0
  v.has_error = c->error == ErrorMark::kSet;
  v.dead = c->dead;
  v.exec_ids.assign(c->execs.begin(), c->execs.end());
  return v;
}

absl::StatusOr<ExecView> Spec::ExecInspect(absl::string_view exec_id) const {
  const Exec* e = FindExec(exec_id);
  if (e == nullptr || !e->registered || Find(e->container_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("No such exec instance: ", exec_id));
  }
  ExecView v;
  v.running = e->status == ExecStatus::kRunning;
  if (e->status == ExecStatus::kExited) v.exit_code = e->exit_code;
  return v;
}

std::vector<std::string> Spec::ContainerIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, c] : containers_) ids.push_back(id);
  return ids;
}

std::vector<std::string> Spec::ExecIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, e] : execs_) ids.push_back(id);
  return ids;
}

bool Spec::IsWaiterWoken(int waiter) const {
  return waiter >= 0 && waiter < static_cast<int>(waiters_.size()) &&
         waiters_[waiter].woken;
}

}  // namespace model
