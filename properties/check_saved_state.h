// properties/check_saved_state.h: the "saved-state" property, read from
// dsim's own daemon at the end of a run and as it is stopped or killed (dsim
// drive's dockerd keeps its disk to itself).
#ifndef DSIM_PROPERTIES_CHECK_SAVED_STATE_H_
#define DSIM_PROPERTIES_CHECK_SAVED_STATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "daemon_core/daemon.h"

namespace properties {

// OK, or which container's shown state differs from what it saved, and where.
// `when` ends the message: "once the run settled", "when the daemon was
// killed".
absl::Status CheckSavedState(const daemon_core::Daemon& daemon,
                             absl::string_view when = "once the run settled");

}  // namespace properties

#endif  // DSIM_PROPERTIES_CHECK_SAVED_STATE_H_
