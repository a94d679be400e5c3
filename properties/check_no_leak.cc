// Check family "no-leak": what containerd holds once the run settled belongs
// to a container the daemon shows running. The model cannot say this: no
// reply shows containerd's side.
#include <string>

#include "properties/checks.h"

namespace properties {

namespace {
bool Running(const RunRecord& r, const std::string& id) {
  const model::InspectView* v = r.FinalView(id);
  return v != nullptr && v->running;
}
}  // namespace

absl::Status CheckNoLeak(const RunRecord& record) {
  const ContainerdState& cs = record.containerd;
  for (const std::string& id : cs.containers) {
    if (!Running(record, id)) {
      return absl::FailedPreconditionError("containerd still has container " +
                                           id +
                                           ", which the daemon does not run");
    }
  }
  for (const auto& [id, status] : cs.tasks) {
    if (!Running(record, id)) {
      return absl::FailedPreconditionError(
          "containerd still has the task of " + id + " (" +
          std::string(StatusName(status)) + "), which the daemon does not run");
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
