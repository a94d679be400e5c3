// Property "restore": what restore leaves of each container follows from what
// the crashed daemon saved and what containerd runs (moby daemon.restore,
// moby-daemon.md §5). The model adopts what restore left
// (model::Spec::Adopt), so it cannot tell a wrong restore; this judges it
// against containerd and the disk instead:
// - a container saved with RemovalInProgress (the crash cut its removal)
//   comes back Dead with the mark reset, for its owner to remove;
// - a container restore shows Paused has no running task: restore asks the
//   task of a container saved paused and clears Paused when it runs;
// - without live-restore, none is left Running on the task it had at the
//   crash: restore stops it (shutdownContainer; a policy may start a new
//   one). A task paused behind the daemon's back is left out: a runtime
//   that does not thaw it for SIGKILL keeps it;
// - a container saved running whose task had exited while the daemon was
//   down shows that task's exit status, unless started again since.
// A container restore gave up on (an RPC failed: moby logs and returns) is
// left out, as are AutoRemove ones (restore removes them).
#include "properties/check_restore.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"

namespace properties {

absl::Status CheckRestore(const RestoreSeen& seen,
                          const daemon_core::Daemon& restored) {
  using Status = ContainerdState::Status;
  std::map<std::string, const daemon_core::ContainerCheckpoint*> on_disk;
  for (const daemon_core::ContainerCheckpoint& cp : seen.saved) {
    on_disk[cp.id] = &cp;
  }
  for (const auto& [id, c] : restored.containers()) {
    if (c->restoring || c->auto_remove) continue;
    const daemon_core::State& st = c->state;
    auto found = on_disk.find(id);
    const daemon_core::ContainerCheckpoint* cp =
        found == on_disk.end() ? nullptr : found->second;
    if (cp != nullptr && cp->removal_in_progress &&
        (st.removal_in_progress || !st.dead)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "container ", id,
          " was saved with RemovalInProgress (the crash cut its removal), but "
          "restore left it with RemovalInProgress=",
          st.removal_in_progress ? "true" : "false",
          " Dead=", st.dead ? "true" : "false",
          " (restore resets the mark and marks it Dead)"));
    }
    auto task = seen.after.tasks.find(id);
    if (st.paused && task != seen.after.tasks.end() &&
        (task->second == Status::kRunning ||
         task->second == Status::kCreated)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "restore left container ", id, " Paused, but containerd's task is ",
          std::string(StatusName(task->second)),
          " (restore asks a paused container's task and clears Paused when "
          "it runs)"));
    }
    if (cp == nullptr) continue;
    auto was = seen.before.tasks.find(id);
    auto was_pid = seen.before.pids.find(id);
    if (!seen.live_restore && st.running && was != seen.before.tasks.end() &&
        was->second == Status::kRunning && was_pid != seen.before.pids.end() &&
        st.pid == was_pid->second) {
      return absl::FailedPreconditionError(absl::StrCat(
          "restore left container ", id,
          " Running on the task it had at the crash (pid ", st.pid,
          "), without live-restore (restore stops it: shutdownContainer)"));
    }
    auto exited = seen.before.exit_statuses.find(id);
    if ((cp->running || cp->paused) &&
        exited != seen.before.exit_statuses.end() && !st.running &&
        st.started_at == cp->started_at &&
        st.exit_code != static_cast<int>(exited->second)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "container ", id, " was saved running and its task exited with ",
          exited->second,
          " while the daemon was down, but restore shows "
          "ExitCode ",
          st.exit_code,
          " (restore deletes the task and takes its exit status)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
