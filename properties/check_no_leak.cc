// Check family "no-leak": what containerd holds once the run settled belongs
// to a container the daemon shows running. The model cannot say this: no
// reply shows containerd's side. Left out: what a daemon crash left behind
// that moby's restore never stops (LeftByACrash), and what a cleanup cut by
// an injected fault left (RunRecord::CleanupCutByAFault).
#include <string>

#include "absl/algorithm/container.h"
#include "properties/checks.h"

namespace properties {

namespace {
bool Running(const RunRecord& r, const std::string& id) {
  const model::InspectView* v = r.FinalView(id);
  return v != nullptr && v->running;
}

// moby's own leak (docs/SCENARIOS.md "Known moby races"): what a daemon
// crash cut (a start, an exit's cleanup) leaves in containerd, restore never
// deletes for a container it shows not running; but what restore itself
// cleans up (a container saved running whose task died meanwhile) is not.
bool LeftByACrash(const RunRecord& r, const std::string& id) {
  for (const model::DaemonRestart& restart : r.history.restarts) {
    if (absl::c_linear_search(restart.cleaned_by_restore, id)) continue;
    for (const model::ContainerSnapshot& s : restart.containers) {
      if (s.id == id && (s.stale_task || s.stale_container)) return true;
    }
    // Restore removed the container (AutoRemove): nothing deletes them.
    if (absl::c_linear_search(restart.left_behind, id)) return true;
  }
  return false;
}
}  // namespace

absl::Status CheckNoLeak(const RunRecord& record) {
  const ContainerdState& cs = record.containerd;
  for (const std::string& id : cs.containers) {
    if (!Running(record, id) && !LeftByACrash(record, id) &&
        record.CleanupCutByAFault(id).empty()) {
      return absl::FailedPreconditionError(
          "containerd still has container " + id +
          ", which the daemon does not run" + record.FaultsOn(id));
    }
  }
  for (const auto& [id, status] : cs.tasks) {
    if (!Running(record, id) && !LeftByACrash(record, id) &&
        record.CleanupCutByAFault(id).empty()) {
      return absl::FailedPreconditionError(
          "containerd still has the task of " + id + " (" +
          std::string(StatusName(status)) + "), which the daemon does not run" +
          record.FaultsOn(id));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
