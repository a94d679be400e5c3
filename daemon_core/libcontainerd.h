// daemon_core/libcontainerd.h: moby's libcontainerd as the daemon uses it, with
// the two designs the harness compares (moby PR #43564):
//   kLegacy   ID-based (before the PR): every call reloads the containerd
//   container, task or
//             process by id, issuing the "before" RPC sequences of
//             moby-daemon.md §2;
//   kObjects  retained handles (after the PR): the "after" sequences.
// Both implement one handle-shaped interface (the "after" one), so daemon code
// is written once; a legacy handle holds only ids and pays the reload on every
// call, as the old client did.
#ifndef DSIM_DAEMON_CORE_LIBCONTAINERD_H_
#define DSIM_DAEMON_CORE_LIBCONTAINERD_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon_core/containerd_client.h"
#include "sim/task.h"

namespace daemon_core::libcontainerd {

enum class Design { kLegacy, kObjects };
std::string_view DesignName(Design d);
bool ParseDesign(std::string_view name, Design* d);

class Process {
 public:
  virtual ~Process() = default;
  virtual const std::string& exec_id() const = 0;  // empty for the init task
  virtual uint32_t Pid() const = 0;
  virtual sim::Task<absl::Status> Kill(uint32_t signal) = 0;
  virtual sim::Task<absl::Status> Resize(uint32_t width, uint32_t height) = 0;
  virtual sim::Task<absl::Status> CloseStdin() = 0;
  // The task must be stopped; returns its exit status.
  virtual sim::Task<absl::StatusOr<c8d::ExitStatus>> Delete() = 0;
};

class Task : public Process {
 public:
  virtual sim::Task<absl::Status> Pause() = 0;
  virtual sim::Task<absl::Status> Resume() = 0;
  virtual sim::Task<absl::StatusOr<c8d::ProcessStatus>> Status() = 0;
  virtual sim::Task<absl::StatusOr<std::vector<uint32_t>>> Pids() = 0;
  // Deletes a task that may still run. objects: task.Delete(WithProcessKill)
  // (Tasks/Wait, Tasks/Kill SIGKILL, Tasks/Get, Tasks/Delete); legacy:
  // DeleteTask, which does not kill and so fails on a live task (the reason for
  // 6a2f385a).
  virtual sim::Task<absl::StatusOr<c8d::ExitStatus>> ForceDelete() = 0;
  // Tasks/Exec then Tasks/Start; when Start fails the process is deleted again.
  virtual sim::Task<absl::StatusOr<std::unique_ptr<Process>>> Exec(
      std::string exec_id, std::string spec_json, bool with_stdin) = 0;
};

class Container {
 public:
  virtual ~Container() = default;
  virtual const std::string& id() const = 0;
  // The OCI spec (objects: cached when the handle was made; legacy:
  // Containers/Get).
  virtual sim::Task<absl::StatusOr<std::string>> Spec() = 0;
  // NewTask + Tasks/Start; on a Start failure the task is deleted and the error
  // returned.
  virtual sim::Task<absl::StatusOr<std::unique_ptr<Task>>> Start(
      bool with_stdin) = 0;
  // The container's task (Tasks/Get); NotFound when it has none.
  virtual sim::Task<absl::StatusOr<std::unique_ptr<Task>>> AttachTask() = 0;
  // restore(): AttachTask, then the task's status (Tasks/Get) on the handle
  // just loaded. The same two RPCs in both designs; `task` is null when
  // containerd has no task.
  struct Restored {
    std::unique_ptr<Task> task;
    absl::StatusOr<c8d::ProcessStatus> status = c8d::ProcessStatus::kUnknown;
    // The containerd task as loaded: the old client's restoredProcess, which
    // restore deletes when it is dead (no reload in either design).
    std::optional<c8d::TaskHandle> loaded;
  };
  virtual sim::Task<absl::StatusOr<Restored>> Restore() = 0;
  virtual sim::Task<absl::Status> Delete() = 0;
};

class Client {
 public:
  virtual ~Client() = default;
  virtual Design design() const = 0;
  virtual sim::Task<absl::StatusOr<std::unique_ptr<Container>>> LoadContainer(
      std::string id) = 0;
  // AlreadyExists when a containerd container with that id exists.
  virtual sim::Task<absl::StatusOr<std::unique_ptr<Container>>> NewContainer(
      c8d::ContainerInfo info) = 0;
  // legacy only: the by-id cleanup of a stale containerd container (the
  // objects design replaces it through handles, in the daemon's
  // ReplaceContainer).
  virtual sim::Task<absl::Status> DeleteStaleContainer(std::string /*id*/) {
    co_return absl::UnimplementedError("DeleteStaleContainer: legacy only");
  }
  // legacy only: client.Delete(ctx, id), by id (getContainer, its Labels,
  // ctr.Delete); NotFound at once when containerd has no such container.
  virtual sim::Task<absl::Status> DeleteContainer(std::string /*id*/) {
    co_return absl::UnimplementedError("DeleteContainer: legacy only");
  }
};

std::unique_ptr<Client> NewClient(Design design, c8d::Client& containerd);

}  // namespace daemon_core::libcontainerd

#endif  // DSIM_DAEMON_CORE_LIBCONTAINERD_H_
