// model::Spec for concurrent histories: the calls that wait for an exit
// (stop, restart, rm) split at the signal and at the exit they wait for, the
// restart manager's and the pause events' transitions, restored containers,
// and the state's fingerprint for the linearizability search's memo.
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/allowed.h"
#include "model/spec.h"

namespace model {
namespace {

using internal::Err;
using internal::IsRuntimeError;
using internal::Ok;

absl::Status StillRunning(absl::string_view call, absl::string_view id) {
  return absl::FailedPreconditionError(absl::StrCat(
      call, "(", id, ") returned, but the container has not exited"));
}

// An rm refused because another holds the container's mark: moby's Conflict
// "removal of container ... is already in progress".
bool RefusedInProgress(const Reply& reply) {
  return reply.kind == ErrorKind::kConflict &&
         absl::StrContains(reply.message, "progress");
}
}  // namespace

absl::Status Spec::StopBegin(absl::string_view id, const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerStop, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  KillWithSignal(*Find(id));
  return absl::OkStatus();
}

absl::Status Spec::StopEnd(absl::string_view id, absl::string_view call) {
  const Container* c = Find(id);
  if (c != nullptr && c->running) return StillRunning(call, id);
  return absl::OkStatus();
}

absl::Status Spec::RestartBegin(absl::string_view id, const Reply& reply) {
  if (absl::Status s = Check(Op::kContainerRestart, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind != ErrorKind::kNone && !IsRuntimeError(reply.kind)) {
    return absl::OkStatus();
  }
  Container& c = *Find(id);
  c.manually_stopped = true;
  c.stopped_by_hand = true;
  if (c.restarting) {
    if (!options_.cancel_later) SetStopped(c, c.exit_code);
  } else if (c.running) {
    c.manual_restart = true;  // its exit is not an autoRemove
  }
  return absl::OkStatus();
}

absl::Status Spec::RestartEnd(absl::string_view id, const Reply& reply) {
  if (reply.kind != ErrorKind::kNone && !IsRuntimeError(reply.kind)) {
    return absl::OkStatus();
  }
  Container* c = Find(id);
  if (c == nullptr || c->removing || c->dead) {
    // containerStart refuses a container marked for removal before it
    // changes anything, and containerRestart wraps that Conflict into a 500.
    if (reply.kind == ErrorKind::kSystem) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "ContainerRestart(", id,
        ") started a container that was removed (or marked for removal) "
        "meanwhile"));
  }
  c->manual_restart = false;
  if (c->running) return absl::OkStatus();
  StartFromStopped(*c, reply);
  return absl::OkStatus();
}

absl::Status Spec::RmBegin(absl::string_view id, bool force,
                           const Reply& reply) {
  const bool in_progress = RefusedInProgress(reply);
  const bool refused_running =
      !force && reply.kind == ErrorKind::kConflict && !in_progress;
  Container* c = Find(id);
  if (c == nullptr && Removed(id) &&
      (reply.kind == ErrorKind::kNone || in_progress)) {
    // Found before a concurrent rm removed it; that rm held the mark until
    // it returned.
    return absl::OkStatus();
  }
  if (in_progress) {
    // SetRemovalInProgress found another rm's (or an autoRemove's) mark.
    if (c == nullptr || !c->removing) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ContainerRm(", id,
          ") replied that a removal is already in progress, but none is"));
    }
    return absl::OkStatus();
  }
  if (reply.kind != ErrorKind::kNone && reply.kind != ErrorKind::kNotFound &&
      !refused_running && c != nullptr && !c->removing) {
    // It failed later (a kill, the stop, the root dir): it held the mark
    // until its deferred ResetRemovalInProgress (RmEnd), as moby's does. A
    // forced one signalled a running container first: killWithSignal marks
    // it stopped by hand and cancels its restart manager before the RPC that
    // may have failed (the exit, if any, is an event of its own).
    c->removing = true;
    if (force && c->running) KillWithSignal(*c);
    return absl::OkStatus();
  }
  // The running check comes at RmDead; here only existence and the mark.
  if (!refused_running || c == nullptr || c->removing) {
    const Op op = force ? Op::kContainerRmForce : Op::kContainerRm;
    if (absl::Status s = Check(op, id, refused_running ? reply : Reply::Ok());
        !s.ok() && !(refused_running && c != nullptr && !c->removing)) {
      return Check(op, id, reply);
    }
  }
  if (reply.kind != ErrorKind::kNone && !refused_running) {
    return absl::OkStatus();
  }
  if (c == nullptr || c->removing) {
    return absl::FailedPreconditionError(
        absl::StrCat("ContainerRm(", id, ") replied ", ToString(reply.kind),
                     " but the container is gone or already being removed"));
  }
  c->removing = true;  // SetRemovalInProgress
  if (reply.kind == ErrorKind::kNone && force && c->running) {
    KillWithSignal(*c);  // the forced kill
  }
  return absl::OkStatus();
}

absl::Status Spec::RmDead(absl::string_view id, bool force,
                          const Reply& reply) {
  Container* c = Find(id);
  if (reply.kind == ErrorKind::kConflict && !RefusedInProgress(reply)) {
    // Refused: running, not forced. The mark is reset at RmEnd (the defer).
    if (c == nullptr || !c->running || force) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ContainerRm(", id, ") refused a container that is not running"));
    }
    return absl::OkStatus();
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  if (c == nullptr) return absl::OkStatus();  // see RmBegin
  if (c->running) return StillRunning("ContainerRm", id);
  c->dead = true;
  return absl::OkStatus();
}

absl::Status Spec::RmEnd(absl::string_view id, const Reply& reply) {
  Container* c = Find(id);
  if (reply.kind != ErrorKind::kNone && reply.kind != ErrorKind::kNotFound &&
      !RefusedInProgress(reply)) {
    // Refused or failed: the deferred ResetRemovalInProgress. A root dir
    // that could not be removed also sets State.Error (SetRemovalError).
    if (c != nullptr) {
      c->removing = false;
      if (reply.kind == ErrorKind::kSystem) c->error = ErrorMark::kUnknown;
    }
    return absl::OkStatus();
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  if (c == nullptr) return absl::OkStatus();  // see RmBegin
  if (!c->dead) {
    return absl::FailedPreconditionError(
        absl::StrCat("ContainerRm(", id, ") removed a container not Dead"));
  }
  SetRemoved(*c);
  return absl::OkStatus();
}

bool Spec::Removed(absl::string_view id) const {
  auto it = containers_.find(id);
  return it != containers_.end() && it->second.removed;
}

absl::Status Spec::RmLookup(absl::string_view id, bool force,
                            const Reply& reply) {
  if (reply.kind == ErrorKind::kNotFound) {
    return Check(force ? Op::kContainerRmForce : Op::kContainerRm, id, reply);
  }
  if (Find(id) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("ContainerRm(", id, ") replied ", ToString(reply.kind),
                     " but there is no such container"));
  }
  return absl::OkStatus();
}

absl::Status Spec::RestartCancelled(absl::string_view id) {
  Container* c = Find(id);
  if (c == nullptr || !c->restarting || !(c->manually_stopped || c->removing)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "RestartCancelled(", id, "): no cancelled restart manager"));
  }
  SetStopped(*c, c->exit_code);
  return absl::OkStatus();
}

absl::Status Spec::ExecCreateBegin(absl::string_view container_id,
                                   const Reply& reply) {
  return Check(Op::kContainerExecCreate, container_id, reply);
}

absl::Status Spec::ExecCreateInContainer(absl::string_view container_id,
                                         absl::string_view exec_id,
                                         const Reply& reply) {
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  if (execs_.contains(exec_id)) {
    return absl::FailedPreconditionError(
        absl::StrCat("ContainerExecCreate(", container_id,
                     ") returned exec ID ", exec_id, ", already in use"));
  }
  Exec e;
  e.id = std::string(exec_id);
  e.container_id = std::string(container_id);
  e.registered = false;  // not in the daemon's store yet
  if (Container* c = Find(container_id); c != nullptr) c->execs.insert(e.id);
  execs_.emplace(e.id, std::move(e));
  return absl::OkStatus();
}

absl::Status Spec::ExecCreateInDaemon(absl::string_view exec_id,
                                      const Reply& reply) {
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  Exec* e = FindExec(exec_id);
  if (e == nullptr) return absl::InternalError("exec not created");
  e->registered = true;
  return absl::OkStatus();
}

namespace {
bool NoSuchExec(const Reply& reply) {
  return reply.kind == ErrorKind::kNotFound &&
         absl::StrContains(absl::AsciiStrToLower(reply.message), "exec");
}
}  // namespace

absl::Status Spec::ExecStartLookup(absl::string_view exec_id,
                                   const Reply& reply) {
  const Exec* e = FindExec(exec_id);
  const bool found = e != nullptr && e->registered;
  if (found != NoSuchExec(reply)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "ContainerExecStart(", exec_id, ") replied ", ToString(reply.kind),
      found ? " but the exec is registered"
            : " but no such exec is registered"));
}

absl::Status Spec::ExecStartAct(absl::string_view exec_id, const Reply& reply,
                                bool error_later) {
  if (NoSuchExec(reply)) return absl::OkStatus();
  Exec* e = FindExec(exec_id);
  if (e == nullptr) return absl::InternalError("exec never created");
  Container* c = Find(e->container_id);
  std::vector<AllowedReply> allowed;
  if (c == nullptr) {
    allowed = {Err(ErrorKind::kNotFound, "no such container")};
  } else if (!c->running) {
    allowed = {Err(ErrorKind::kConflict, "is not running")};
  } else if (c->paused) {
    allowed = {Err(ErrorKind::kConflict, "is paused")};
  } else if (c->restarting) {
    allowed = {Err(ErrorKind::kConflict, "is restarting")};
  } else if (e->status != ExecStatus::kCreated) {
    allowed = {Err(ErrorKind::kConflict, "already")};
  } else {
    allowed = {Ok(), Err(ErrorKind::kSystem),
               Err(ErrorKind::kInvalidParameter)};
  }
  if (!ReplyAllowed(allowed, reply)) {
    return CheckReply(
        absl::StrCat("ContainerExecStart(", exec_id, ") on ",
                     c == nullptr
                         ? "removed"
                         : std::string(ToString(Inspect(c->id)->status)),
                     " container ", e->container_id),
        allowed, reply);
  }
  if (reply.kind == ErrorKind::kNone) {
    e->status = ExecStatus::kRunning;
    e->started = !error_later;
  } else if (reply.kind == ErrorKind::kSystem ||
             reply.kind == ErrorKind::kInvalidParameter) {
    // The error defer: ExecCommands.Delete, ExitCode = 126.
    e->status = ExecStatus::kExited;
    e->exit_code = 126;
    if (c != nullptr) c->execs.erase(e->id);
  }
  return absl::OkStatus();
}

bool Spec::ExecExitLookup(absl::string_view exec_id) const {
  const Exec* e = FindExec(exec_id);
  if (e == nullptr) return false;
  const Container* c = Find(e->container_id);
  return c != nullptr && c->execs.contains(e->id);
}

absl::Status Spec::ExecExitApply(absl::string_view exec_id, int exit_code) {
  Exec* e = FindExec(exec_id);
  if (e == nullptr) return absl::InternalError("exec never created");
  e->status = ExecStatus::kExited;
  e->exit_code = exit_code;
  if (Container* c = Find(e->container_id); c != nullptr) {
    c->execs.erase(e->id);
  }
  return absl::OkStatus();
}

absl::Status Spec::TaskDied(absl::string_view id) {
  Container* c = Find(id);
  if (c != nullptr && c->running && !c->restarting) c->task_dead = true;
  return absl::OkStatus();
}

absl::Status Spec::RestartFailed(absl::string_view id) {
  Container* c = Find(id);
  if (c == nullptr || !c->restarting) {
    return absl::FailedPreconditionError(absl::StrCat(
        "RestartFailed(", id, "): the container is not restarting"));
  }
  // The policy's containerStart failed, in its error defer or before it.
  c->error = ErrorMark::kUnknown;
  SetStopped(*c, c->exit_code);
  return absl::OkStatus();
}

absl::Status Spec::TaskPaused(absl::string_view id) {
  // moby's handler: Paused = the event is a pause and the container runs.
  if (Container* c = Find(id); c != nullptr) {
    // Handled after an unpause that followed its pause, it shows Paused
    // again while the task runs: containerd then refuses the resume of an
    // unpause, a 500, until the resumed event comes.
    if (c->running && !c->paused) c->resume_pending = true;
    c->paused = c->running;
  }
  return absl::OkStatus();
}

absl::Status Spec::TaskResumed(absl::string_view id) {
  if (Container* c = Find(id); c != nullptr) {
    c->paused = false;
    c->resume_pending = false;
  }
  return absl::OkStatus();
}

bool Spec::IsRestarting(absl::string_view id) const {
  const Container* c = Find(id);
  return c != nullptr && c->restarting;
}

absl::Status Spec::AutoRemoveStep(absl::string_view id) {
  Container* c = Find(id);
  if (c == nullptr || !AutoRemoveDue(id)) {
    return absl::FailedPreconditionError(
        absl::StrCat("AutoRemove(", id, "): no removal due"));
  }
  if (c->auto_remove_pending) {
    // ContainerRm(force): SetRemovalInProgress, unless another rm holds the
    // mark (this one then fails "already in progress", and that one removes).
    c->auto_remove_pending = false;
    if (!c->removing) {
      c->removing = true;
      c->auto_removing = true;
    }
  } else if (!c->dead) {
    c->dead = true;
  } else {
    SetRemoved(*c);
  }
  return absl::OkStatus();
}

bool Spec::AutoRemoveDue(absl::string_view id) const {
  const Container* c = Find(id);
  return c != nullptr && !c->running &&
         (c->auto_remove_pending || c->auto_removing);
}

void Spec::Adopt(const ContainerSnapshot& s) {
  Container c;
  c.id = s.id;
  c.policy = s.policy;
  c.auto_remove = s.auto_remove;
  c.running = s.view.running;
  c.paused = s.view.paused;
  c.restarting = s.view.restarting;
  c.oom_killed = s.view.oom_killed;
  c.exit_code = s.view.exit_code;
  // A Dead container shows no "created", so its StartedAt tells (when read).
  c.started_before = s.view.started_at.has_value()
                         ? *s.view.started_at != 0
                         : s.view.status != ContainerStatus::kCreated;
  c.started_at = s.view.started_at;
  c.finished = s.view.finished_at.value_or(0) != 0;
  c.finished_at = s.view.finished_at;
  // The Spec's manually_stopped stands for a cancelled restart manager
  // (ExitOnNext), which restore never carries over: every restored container
  // gets a fresh one (ResetRestartManager, or none loaded from disk), so a
  // restart=always container killed before the daemon restart is restarted
  // by its next exit. HasBeenManuallyStopped itself is on disk: an
  // unless-stopped container a client stopped stays stopped by its next exit.
  c.manually_stopped = false;
  c.stopped_by_hand = s.has_been_manually_stopped;
  c.restart_count = s.restart_count;
  c.dead = s.view.dead;
  c.error = s.view.has_error ? ErrorMark::kSet : ErrorMark::kClear;
  c.stale_task = s.stale_task && !s.view.running;
  c.frozen_task = s.frozen_task && s.view.running && !s.view.paused;
  if (s.removal_in_progress && s.auto_remove) {
    c.removing = true;
    c.auto_removing = true;
  }
  containers_.insert_or_assign(c.id, std::move(c));
}

std::string Spec::Fingerprint() const {
  std::string f;
  auto b = [&f](bool v) { f.push_back(v ? '1' : '0'); };
  for (const auto& [id, c] : containers_) {
    absl::StrAppend(&f, id, ":");
    for (bool v : {c.running,         c.paused,
                   c.restarting,      c.oom_killed,
                   c.removed,         c.removing,
                   c.manual_restart,  c.oom_pending,
                   c.task_dead,       c.dead,
                   c.started_before,  c.manually_stopped,
                   c.stopped_by_hand, c.last_start_failed,
                   c.stale_task,      c.auto_remove_pending,
                   c.auto_removing,   c.resume_pending,
                   c.frozen_task,     c.finished}) {
      b(v);
    }
    absl::StrAppend(&f, ",", c.restart_count, ",", c.exit_code, ",",
                    static_cast<int>(c.error), ",", c.started_at.value_or(-1),
                    ",", c.started_at_before, ",", c.finished_at.value_or(-1),
                    ",", c.finished_at_before);
    for (const std::string& e : c.execs) absl::StrAppend(&f, ",", e);
    f.push_back(';');
  }
  for (const auto& [id, e] : execs_) {
    absl::StrAppend(&f, id, ":", static_cast<int>(e.status), ",", e.exit_code);
    b(e.registered);
    b(e.seen_exited);
    f.push_back(';');
  }
  for (const Waiter& w : waiters_) {
    b(w.woken);
    absl::StrAppend(&f, w.result, ";");
  }
  return f;
}

}  // namespace model
