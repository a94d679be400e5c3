// properties/stack.h: the whole simulated stack for one run: the fake
// containerd served in process on the sim transport, and the daemon model
// talking to it with its event monitor running. Tests, the RPC table and
// (later) scenarios build on it.
#ifndef DSIM_PROPERTIES_STACK_H_
#define DSIM_PROPERTIES_STACK_H_

#include "daemon_core/daemon.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/sim_transport.h"

namespace properties {

struct Stack {
  Stack(sim::Executor& ex, daemon_core::libcontainerd::Design design,
        daemon_core::Mutation mutation = daemon_core::Mutation::kNone)
      : fake(ex),
        faults(ex, {}),
        transport(ex, faults),
        daemon(ex, transport,
               daemon_core::Daemon::Options{.design = design,
                                            .mutation = mutation}) {
    fake_containerd::ServeInProcess(fake, transport);
    daemon.StartEventMonitor();
  }
  // Containers containerd still has for the daemon's namespace (a leak when the
  // daemon runs none of them).
  size_t ContainerdContainers() {
    return fake.containers().List("moby", {})->size();
  }

  fake_containerd::FakeContainerd fake;
  fake_containerd::Faults faults;
  fake_containerd::SimTransport transport;
  daemon_core::Daemon daemon;
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_STACK_H_
