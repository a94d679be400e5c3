// properties/check_restore.h: the "restore" property, judged right after
// dsim's own daemon restored (dsim drive's dockerd keeps its disk to itself).
#ifndef DSIM_PROPERTIES_CHECK_RESTORE_H_
#define DSIM_PROPERTIES_CHECK_RESTORE_H_

#include <vector>

#include "absl/status/status.h"
#include "daemon_core/daemon.h"
#include "daemon_core/disk.h"
#include "properties/containerd_state.h"

namespace properties {

// OK, or the first container that restore left in a state moby's restore
// does not: `saved` is what the crashed daemon left on disk, `containerd`
// what containerd holds once `restored` finished its restore.
absl::Status CheckRestore(
    const std::vector<daemon_core::ContainerCheckpoint>& saved,
    const ContainerdState& containerd, const daemon_core::Daemon& restored);

}  // namespace properties

#endif  // DSIM_PROPERTIES_CHECK_RESTORE_H_
