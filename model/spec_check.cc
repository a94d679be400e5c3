// Observation checks of model::Spec: what ContainerInspect, ExecInspect and
// ContainerWait may show, each violation named after the invariant of
// moby-daemon.md §4 it breaks; and the model's own consistency.
#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "model/spec.h"

namespace model {
namespace {

absl::Status Violation(absl::string_view rule, std::string message) {
  return absl::FailedPreconditionError(absl::StrCat(rule, ": ", message));
}

absl::string_view Bool(bool b) { return b ? "true" : "false"; }

// A timestamp only one kind of event changes (Spec::Container::started_at):
// zero until the first, equal between two, later at each. `set`: one
// happened; `before`: a value read before the last; `known`: the value read
// since, which `seen` then becomes.
struct StampNames {
  absl::string_view rule, field, a_event, event, happened;
};
absl::Status JudgeStamp(absl::string_view id, const StampNames& n, bool set,
                        int64_t before, int64_t seen,
                        std::optional<int64_t>& known) {
  // Named only in a violation: most reads pass.
  const auto who = [&] {
    return absl::StrCat("ContainerInspect(", id, ") shows ", n.field);
  };
  if ((seen != 0) != set) {
    return Violation(n.rule,
                     absl::StrCat(who(), seen != 0 ? " set" : " zero", " but ",
                                  set ? n.a_event : "no ", n.event,
                                  " of the container ", n.happened));
  }
  if (known.has_value()) {
    if (seen == *known) return absl::OkStatus();
    return Violation(
        n.rule,
        absl::StrCat(who(), "=", seen, " but an earlier read showed ", *known,
                     " and no ", n.event, " ", n.happened, " since"));
  }
  if (seen != 0 && seen <= before) {
    return Violation(
        n.rule, absl::StrCat(who(), "=", seen, " but a read showed ", before,
                             " before the last ", n.event, " ", n.happened,
                             ": each ", n.event, " sets a later one"));
  }
  known = seen;
  return absl::OkStatus();
}

}  // namespace

absl::Status Spec::ContainerInspect(absl::string_view id, const Reply& reply,
                                    const InspectView& seen) {
  if (absl::Status s = Check(Op::kContainerInspect, id, reply); !s.ok()) {
    return s;
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  Container& c = *Find(id);
  InspectView want = *Inspect(id);
  // Once rm has marked it Dead, a read that found the container before its
  // removal shows "removing", or "dead" once the mark was reset.
  if (c.dead && seen.status == ContainerStatus::kDead)
    want.status = seen.status;
  // Named only in a violation: most checks pass.
  const auto who = [id] { return absl::StrCat("ContainerInspect(", id, ")"); };

  // I1: ExecIDs lists exactly the execs that have not exited.
  const std::set<std::string> seen_ids(seen.exec_ids.begin(),
                                       seen.exec_ids.end());
  for (const std::string& eid : seen_ids) {
    if (c.execs.contains(eid)) continue;
    const Exec* e = FindExec(eid);
    if (e == nullptr || e->container_id != c.id) {
      return Violation("I1", absl::StrCat(who(), " lists exec ", eid,
                                          ", which is not one of its execs"));
    }
    if (e->status == ExecStatus::kExited) {
      return Violation(
          "I1",
          e->seen_exited
              ? absl::StrCat("exec ", eid,
                             " was seen exited by ExecInspect but is "
                             "listed in ContainerInspect ExecIDs")
              : absl::StrCat("exec ", eid, " has exited (code ", e->exit_code,
                             ") but is listed in ", who(), " ExecIDs"));
    }
    return Violation("I1", absl::StrCat("exec ", eid,
                                        " was unregistered when the container "
                                        "stopped but is listed in ",
                                        who(), " ExecIDs"));
  }
  for (const std::string& eid : c.execs) {
    if (!seen_ids.contains(eid)) {
      return Violation("I1", absl::StrCat("exec ", eid,
                                          " has not exited but is missing "
                                          "from ",
                                          who(), " ExecIDs"));
    }
  }

  // I6: OOMKilled iff an OOM event was processed since the last SetRunning.
  if (seen.oom_killed != want.oom_killed) {
    return Violation(
        "I6", absl::StrCat(who(), " shows OOMKilled=", Bool(seen.oom_killed),
                           want.oom_killed
                               ? " but an OOM event was processed since the "
                                 "last successful start"
                               : " but no OOM event was processed since the "
                                 "last successful start"));
  }
  // I9: a failed start leaves the container not running.
  if (seen.running && !want.running && c.last_start_failed) {
    return Violation("I9", absl::StrCat(who(),
                                        " shows Running=true after a failed "
                                        "start (exit code ",
                                        want.exit_code, ")"));
  }
  const auto model_state = [&want] {
    return absl::StrCat(" but the container is ", ToString(want.status),
                        " with exit code ", want.exit_code);
  };
  if (seen.status != want.status) {
    return Violation(
        "state", absl::StrCat(who(), " shows status ", ToString(seen.status),
                              model_state()));
  }
  struct Field {
    absl::string_view name;
    bool seen, want;
  };
  for (const Field& f : {Field{"Running", seen.running, want.running},
                         Field{"Paused", seen.paused, want.paused},
                         Field{"Restarting", seen.restarting, want.restarting},
                         Field{"Dead", seen.dead, want.dead},
                         Field{"Pid>0", seen.has_pid, want.has_pid}}) {
    if (f.seen != f.want) {
      return Violation("state", absl::StrCat(who(), " shows ", f.name, "=",
                                             Bool(f.seen), model_state()));
    }
  }
  if (seen.exit_code != want.exit_code) {
    return Violation(
        "state",
        absl::StrCat(who(), " shows ExitCode=", seen.exit_code, model_state()));
  }
  // State.Error: containerStart's error defer sets it, SetRunning clears it.
  if (c.error != ErrorMark::kUnknown && seen.has_error != want.has_error) {
    return Violation(
        "state",
        absl::StrCat(who(), " shows State.Error ",
                     seen.has_error ? "set" : "empty", " but the last start ",
                     want.has_error ? "failed" : "succeeded",
                     " (the container is ", ToString(want.status), ")"));
  }
  // RestartCount: one more for each exit the restart policy restarts, back to
  // 0 at a start or restart by the API (ResetRestartManager).
  if (seen.restart_count != want.restart_count) {
    return Violation(
        "state", absl::StrCat(who(), " shows RestartCount=", seen.restart_count,
                              " but the restart policy restarted it ",
                              want.restart_count,
                              " time(s) since its last start by the API"));
  }
  if (seen.started_at.has_value()) {
    absl::Status s = JudgeStamp(
        id, {"started-at", "StartedAt", "a ", "start", "took effect"},
        c.started_before, c.started_at_before, *seen.started_at, c.started_at);
    if (!s.ok()) return s;
  }
  if (seen.finished_at.has_value()) {
    return JudgeStamp(
        id, {"finished-at", "FinishedAt", "an ", "exit", "was handled"},
        c.finished, c.finished_at_before, *seen.finished_at, c.finished_at);
  }
  return absl::OkStatus();
}

absl::Status Spec::ContainerExecInspect(absl::string_view exec_id,
                                        const Reply& reply,
                                        const ExecView& seen) {
  if (absl::Status s = Check(Op::kContainerExecInspect, exec_id, reply);
      !s.ok()) {
    return s;
  }
  if (reply.kind != ErrorKind::kNone) return absl::OkStatus();
  Exec& e = *FindExec(exec_id);
  const ExecView want = *ExecInspect(exec_id);
  if (seen.running != want.running || seen.exit_code != want.exit_code) {
    auto show = [](const ExecView& v) {
      return absl::StrCat("Running=", Bool(v.running), " ExitCode=",
                          v.exit_code ? absl::StrCat(*v.exit_code) : "null");
    };
    return Violation("exec state",
                     absl::StrCat("ContainerExecInspect(", exec_id, ") shows ",
                                  show(seen), " but the exec is ",
                                  ToString(e.status), " (", show(want), ")"));
  }
  // Pid is set once Tasks/Exec returned, before the start replies and before
  // the exit handler can take the exec's lock. While it runs an inspect may
  // read Running before Pid (moby 20.10 reads without the lock); a failed or
  // cancelled start may or may not have one. An exited exec whose start
  // returned OK must show its pid.
  if (seen.has_pid.has_value() && !*seen.has_pid &&
      e.status == ExecStatus::kExited && e.started) {
    return Violation("exec state",
                     absl::StrCat("ContainerExecInspect(", exec_id,
                                  ") shows Pid 0, but the exec's start "
                                  "returned OK and it has exited (code ",
                                  e.exit_code, "): its pid is kept"));
  }
  if (e.status == ExecStatus::kExited) e.seen_exited = true;
  return absl::OkStatus();
}

absl::Status Spec::ContainerWaitEnd(int waiter, const Reply& reply,
                                    int status_code) {
  if (waiter < 0 || waiter >= static_cast<int>(waiters_.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("ContainerWaitEnd: unknown waiter ", waiter));
  }
  const Waiter& w = waiters_[waiter];
  const auto who = [&w] {
    return absl::StrCat("Wait(", ToString(w.condition), ") on ",
                        w.container_id);
  };
  if (reply.kind != ErrorKind::kNone) {
    // A client that gives up (context canceled) sees an error; a woken
    // waiter always has its result.
    if (w.woken) {
      return Violation(
          "I7", absl::StrCat(who(), " failed with ", ToString(reply.kind),
                             " but its condition was met"));
    }
    return absl::OkStatus();
  }
  if (!w.woken) {
    return Violation(
        "I7", absl::StrCat(who(), " returned ", status_code,
                           w.condition == WaitCondition::kRemoved
                               ? " but the container has not been removed"
                               : " but the container has not exited since "
                                 "the wait began"));
  }
  if (status_code != w.result) {
    return Violation("I7", absl::StrCat(who(), " returned ", status_code,
                                        " but the container exited with ",
                                        w.result, " at the transition"));
  }
  return absl::OkStatus();
}

absl::Status Spec::CheckConsistent() const {
  for (const auto& [id, c] : containers_) {
    auto bad = [&](absl::string_view what) {
      return absl::InternalError(absl::StrCat("container ", id, ": ", what));
    };
    if (c.paused && !c.running) return bad("Paused but not Running");
    if ((c.auto_remove_pending || c.auto_removing) &&
        (!c.auto_remove || c.removed)) {
      return bad(
          "an AutoRemove pending on a container without AutoRemove, "
          "or removed");
    }
    if (c.auto_removing && !c.removing) {
      return bad("autoRemove's rm under way without the removal mark");
    }
    if (c.restarting && (!c.running || c.paused)) {
      return bad("Restarting but not Running, or Paused");
    }
    if (c.removed && (c.running || !c.execs.empty())) {
      return bad("Removed but Running or with execs");
    }
    if (!c.execs.empty() && (!c.running || c.restarting)) {
      return bad("ExecIDs on a container that is not running");
    }
    if (c.running && c.exit_code != 0 && !c.restarting) {
      return bad("Running with a non-zero exit code");
    }
    for (const std::string& eid : c.execs) {
      const Exec* e = FindExec(eid);
      if (e == nullptr || e->container_id != id || !e->registered ||
          e->status == ExecStatus::kExited) {
        return bad(absl::StrCat("lists exec ", eid, ", which has exited"));
      }
    }
  }
  for (const auto& [id, e] : execs_) {
    const Container& c = containers_.at(e.container_id);
    if (e.registered && e.status != ExecStatus::kExited &&
        !c.execs.contains(id)) {
      return absl::InternalError(
          absl::StrCat("exec ", id, " has not exited but is not listed"));
    }
    if (e.registered && c.removed && e.status != ExecStatus::kExited) {
      return absl::InternalError(
          absl::StrCat("exec ", id, " is registered on a removed container"));
    }
  }
  for (const Waiter& w : waiters_) {
    if (!w.woken && containers_.at(w.container_id).removed) {
      return absl::InternalError(absl::StrCat("a waiter on removed container ",
                                              w.container_id, " is not woken"));
    }
  }
  return absl::OkStatus();
}

}  // namespace model
