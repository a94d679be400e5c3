// properties/check_consistent_state.h: the "consistent-state" property, read
// from dsim's own daemon whenever a client's call returns and once the run
// settled.
#ifndef DSIM_PROPERTIES_CHECK_CONSISTENT_STATE_H_
#define DSIM_PROPERTIES_CHECK_CONSISTENT_STATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "daemon_core/daemon.h"

namespace properties {

// OK, or which container no one holds the lock of shows a combination of
// State fields that moby's setters never leave (container/state.go), and
// where: `when` ends the message.
absl::Status CheckConsistentState(
    const daemon_core::Daemon& daemon,
    absl::string_view when = "once the run settled");

}  // namespace properties

#endif  // DSIM_PROPERTIES_CHECK_CONSISTENT_STATE_H_
