// fake_containerd/in_process.h: serves a FakeContainerd on a SimTransport.
// Every full method name is bound to a handler that takes the namespace from
// the `containerd-namespace` metadata and calls the core with the request
// message, so a client talks to the fake as to a real containerd. A call in
// bytes (Unary, as a real client's over `dsim serve`) is parsed and its reply
// serialized; a call in messages (UnaryMessage, the daemon model's in a
// simulated run) hands them over, with the same scheduling points, fault draws
// and trace records (in_process_test.cc).
//
// Two fault points are drawn here, from the transport's fault model: kShimDies
// before a request that names a container (its shim died earlier: the task is
// gone), and kContainerdRestart after any request (event subscriptions end;
// tasks survive).
#ifndef DSIM_FAKE_CONTAINERD_IN_PROCESS_H_
#define DSIM_FAKE_CONTAINERD_IN_PROCESS_H_

#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/sim_transport.h"

namespace fake_containerd {

struct ServeInProcessOptions {
  // When positive, a successful Tasks/Create replies only once every event
  // subscription has taken the events published so far (its /tasks/create
  // among them), waiting at most this long: `dsim serve` sets it, so a real
  // client receives /tasks/create before it could send Tasks/Start, as from
  // a real containerd. Simulated runs leave it 0 and explore both orders.
  sim::Nanos task_create_event_wait = 0;
};

// Serves every Containers, Tasks, Events, Leases, Namespaces, Version and
// Introspection method on `transport` (handlers bound once per process; the
// transport keeps only `fake`, its faults and `options`). `fake` must outlive
// the transport's use.
void ServeInProcess(FakeContainerd& fake, SimTransport& transport,
                    const ServeInProcessOptions& options = {});

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_IN_PROCESS_H_
