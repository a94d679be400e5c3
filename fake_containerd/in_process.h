// fake_containerd/in_process.h: serves a FakeContainerd on a SimTransport.
// Every full method name is bound to a handler that parses the request bytes,
// takes the namespace from the `containerd-namespace` metadata, calls the core,
// and serializes the reply, so a client talks to the fake exactly as to a real
// containerd, in bytes, through the sim transport.
//
// Leases live here (a table of ids per namespace): the daemon only needs the Go
// client's Create/Delete pair around Containers/Create, and nothing reads a
// lease.
#ifndef DSIM_FAKE_CONTAINERD_IN_PROCESS_H_
#define DSIM_FAKE_CONTAINERD_IN_PROCESS_H_

#include <map>
#include <set>
#include <string>

#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/sim_transport.h"

namespace fake_containerd {

class LeaseTable {
 public:
  absl::Status Create(const std::string& ns, const std::string& id);
  absl::Status Delete(const std::string& ns, const std::string& id);
  size_t size() const;

 private:
  std::map<std::string, std::set<std::string>> by_namespace_;
};

// Binds every Containers, Tasks, Events and Leases method. `fake` and `leases`
// must outlive the transport's use.
void ServeInProcess(FakeContainerd& fake, LeaseTable& leases,
                    SimTransport& transport);

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_IN_PROCESS_H_
