// properties/containerd_state.h: what containerd holds for the daemon's
// namespace at quiescence (containers, tasks, exec processes), read off the
// fake directly in the simulation, and over RPCs from a real containerd in
// live mode, so the same quiescence checks judge both.
#ifndef DSIM_PROPERTIES_CONTAINERD_STATE_H_
#define DSIM_PROPERTIES_CONTAINERD_STATE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "fake_containerd/fake_containerd.h"
#include "sim/rpc.h"
#include "sim/task.h"

namespace properties {

struct ContainerdState {
  // Numbered like containerd.v1.types.Status.
  enum class Status { kUnknown = 0, kCreated, kRunning, kStopped, kPaused };
  std::vector<std::string> containers;
  std::map<std::string, Status> tasks;   // container id -> its init's status
  std::map<std::string, uint32_t> pids;  // container id -> its init's pid
  // container id -> its init's exit status, once stopped (read off the fake
  // only).
  std::map<std::string, uint32_t> exit_statuses;
  // (container id, exec id) -> status, for the execs asked about that exist.
  std::map<std::pair<std::string, std::string>, Status> execs;
};
std::string_view StatusName(ContainerdState::Status s);

using ExecKeys = std::vector<std::pair<std::string, std::string>>;

ContainerdState StateOfFake(fake_containerd::FakeContainerd& fake,
                            const std::string& ns, const ExecKeys& execs);

// Containers.List, Tasks.List, and Tasks.Get for each exec.
sim::Task<absl::StatusOr<ContainerdState>> StateOverRpc(
    sim::RpcConnection& conn, std::string ns, ExecKeys execs);

}  // namespace properties

#endif  // DSIM_PROPERTIES_CONTAINERD_STATE_H_
