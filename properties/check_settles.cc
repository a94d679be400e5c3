// Check family "settles": a container the daemon showed Restarting once the
// run settled is restarted (RestartCount moves on) or stopped by the time its
// restart was due. A liveness property the model cannot state: the model
// allows a restart at any later point, never that none comes.
#include <string>

#include "absl/strings/str_cat.h"
#include "properties/checks.h"

namespace properties {

absl::Status CheckSettles(const RunRecord& record) {
  for (const auto& [id, r] : record.restarting) {
    if (r.still_restarting && r.restart_count_after == r.restart_count) {
      return absl::FailedPreconditionError(absl::StrCat(
          id,
          " was Restarting when the run settled and still is after its "
          "restart was due, with RestartCount still ",
          r.restart_count, ": nothing will restart or stop it"));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
