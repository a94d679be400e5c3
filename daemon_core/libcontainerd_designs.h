// daemon_core/libcontainerd_designs.h: the two designs' factories (internal;
// daemon code calls libcontainerd::NewClient).
#ifndef DSIM_DAEMON_CORE_LIBCONTAINERD_DESIGNS_H_
#define DSIM_DAEMON_CORE_LIBCONTAINERD_DESIGNS_H_

#include <functional>
#include <memory>

#include "daemon_core/libcontainerd.h"

namespace daemon_core::libcontainerd {

std::unique_ptr<Client> NewObjectsClient(c8d::Client& containerd);

// Both designs' restore: ctr.Task (Tasks/Get) and t.Status (Tasks/Get) on the
// loaded handle.
sim::Task<absl::StatusOr<Container::Restored>> RestoreTask(
    c8d::ContainerHandle ctr,
    std::function<std::unique_ptr<Task>(c8d::TaskHandle)> wrap);
std::unique_ptr<Client> NewLegacyClient(c8d::Client& containerd);

}  // namespace daemon_core::libcontainerd

#endif  // DSIM_DAEMON_CORE_LIBCONTAINERD_DESIGNS_H_
