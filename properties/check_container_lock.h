// properties/check_container_lock.h: the "container-lock-held" property,
// judged as dsim's daemon sends each containerd request (simulated and live
// runs; dsim drive cannot see dockerd's locks).
#ifndef DSIM_PROPERTIES_CHECK_CONTAINER_LOCK_H_
#define DSIM_PROPERTIES_CHECK_CONTAINER_LOCK_H_

#include <string>
#include <string_view>

#include "daemon_core/daemon.h"
#include "google/protobuf/message.h"
#include "sim/executor.h"

namespace properties {

// Empty, or why `request` breaks the rule: moby changes a container's task
// only under the container lock (containerStart around Tasks/Create and
// Tasks/Start, killWithSignal around Tasks/Kill and the Tasks/Resume that
// follows it for a paused container, containerPause and containerUnpause),
// so every such request about an init process that `daemon` knows must be
// sent by the task holding that container's lock. An exec's Kill and Start
// are not judged (moby kills a cancelled attach's exec without it).
std::string ContainerLockMissing(std::string_view method,
                                 const google::protobuf::Message& request,
                                 const daemon_core::Daemon& daemon,
                                 const sim::Executor& ex);

}  // namespace properties

#endif  // DSIM_PROPERTIES_CHECK_CONTAINER_LOCK_H_
