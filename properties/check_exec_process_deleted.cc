// Check family "exec-process-deleted": once the run settled, no exec process
// the daemon started is left stopped in containerd (Tasks/DeleteProcess was
// called). The model cannot say this: no reply shows containerd's side. The
// runner leaves out the execs moby itself never deletes (a cancelled attach,
// I13; execs orphaned by a daemon restart or a restart between create and
// start; docs/SCENARIOS.md "Known moby races"), and the execs of a container
// whose cleanup an injected fault cut.
#include "properties/checks.h"

namespace properties {

absl::Status CheckExecProcessDeleted(const RunRecord& record) {
  for (const auto& [cid, exec_id] : record.deletable_execs) {
    auto p = record.containerd.execs.find({cid, exec_id});
    if (p != record.containerd.execs.end() &&
        p->second == ContainerdState::Status::kStopped &&
        record.CleanupCutByAFault(cid).empty()) {
      return absl::FailedPreconditionError(
          "exec " + exec_id + " of " + cid +
          " exited, but its process was never deleted (Tasks/DeleteProcess)");
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
