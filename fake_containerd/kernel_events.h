// fake_containerd/kernel_events.h: the kernel's events as containerd publishes
// them: topic, payload message (containerd.events.*) and field values, e.g.
// TaskExit.id is the container id for init and the exec id for an exec;
// TaskDelete only for init, with id empty.
#ifndef DSIM_FAKE_CONTAINERD_KERNEL_EVENTS_H_
#define DSIM_FAKE_CONTAINERD_KERNEL_EVENTS_H_

#include "fake_containerd/event_exchange.h"
#include "fake_containerd/kernel.h"

namespace fake_containerd {

void PublishKernelEvent(const KernelEvent& e, EventExchange& exchange);

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_KERNEL_EVENTS_H_
