// Property "restore": what restore leaves of each container follows from what
// the crashed daemon saved and what containerd runs (moby daemon.restore,
// moby-daemon.md §5). The model adopts what restore left
// (model::Spec::Adopt), so it cannot tell a wrong restore; this judges it
// against containerd and the disk instead:
// - a container saved with RemovalInProgress (the crash cut its removal)
//   comes back Dead with the mark reset, for its owner to remove;
// - a container restore shows Paused has no running task: restore asks the
//   task of a container saved paused and clears Paused when it runs.
// A container restore gave up on (an RPC failed: moby logs and returns) is
// left out, as are AutoRemove ones (restore removes them).
#include "properties/check_restore.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"

namespace properties {

absl::Status CheckRestore(
    const std::vector<daemon_core::ContainerCheckpoint>& saved,
    const ContainerdState& containerd, const daemon_core::Daemon& restored) {
  std::map<std::string, const daemon_core::ContainerCheckpoint*> on_disk;
  for (const daemon_core::ContainerCheckpoint& cp : saved) on_disk[cp.id] = &cp;
  for (const auto& [id, c] : restored.containers()) {
    if (c->restoring || c->auto_remove) continue;
    const daemon_core::State& st = c->state;
    auto cp = on_disk.find(id);
    if (cp != on_disk.end() && cp->second->removal_in_progress &&
        (st.removal_in_progress || !st.dead)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "container ", id,
          " was saved with RemovalInProgress (the crash cut its removal), but "
          "restore left it with RemovalInProgress=",
          st.removal_in_progress ? "true" : "false",
          " Dead=", st.dead ? "true" : "false",
          " (restore resets the mark and marks it Dead)"));
    }
    auto task = containerd.tasks.find(id);
    if (st.paused && task != containerd.tasks.end() &&
        (task->second == ContainerdState::Status::kRunning ||
         task->second == ContainerdState::Status::kCreated)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "restore left container ", id, " Paused, but containerd's task is ",
          std::string(StatusName(task->second)),
          " (restore asks a paused container's task and clears Paused when "
          "it runs)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
