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

// What a restore starts from and what it left in containerd.
struct RestoreSeen {
  std::vector<daemon_core::ContainerCheckpoint> saved;  // the disk
  ContainerdState before;  // when the daemon came back, before its restore
  ContainerdState after;   // once the restore finished
  bool live_restore = false;
};

// OK, or the first container that restore left in a state moby's restore
// does not, for a run without faults.
absl::Status CheckRestore(const RestoreSeen& seen,
                          const daemon_core::Daemon& restored);

}  // namespace properties

#endif  // DSIM_PROPERTIES_CHECK_RESTORE_H_
