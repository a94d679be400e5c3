// daemon_core/disk.h: the daemon's on-disk state (/var/lib/docker/containers/
// <id>/config.v2.json), the one thing that survives a daemon restart. Written
// by Container::CheckpointTo, read by restore(), removed by rm.
//
// A checkpoint write keeps its file open across a scheduling point, and a root
// dir cannot be removed while a file in it is open (the Windows symptom of
// 18e322bc). Each root dir is a sim::Tracked cell, so a removal that does not
// hold the container lock is also reported as a data race against the locked
// CheckpointTo.
#ifndef DSIM_DAEMON_CORE_DISK_H_
#define DSIM_DAEMON_CORE_DISK_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "daemon_core/restart_policy.h"
#include "sim/executor.h"
#include "sim/task.h"
#include "sim/tracked.h"

namespace daemon_core {

// What CheckpointTo persists of a container (moby's json fields; ExecCommands
// and the containerd handles are json "-" and are lost on restart).
struct ContainerCheckpoint {
  std::string id;
  std::vector<std::string> args;
  RestartPolicy restart_policy;
  bool auto_remove = false;  // HostConfig.AutoRemove
  bool running = false, paused = false, restarting = false, oom_killed = false,
       removal_in_progress = false, dead = false;
  uint32_t pid = 0;
  int exit_code = 0;
  std::string error_msg;
  sim::Nanos started_at = 0, finished_at = 0;
  bool has_been_started_before = false;
  bool has_been_manually_stopped = false;
  int restart_count = 0;
};

class Disk {
 public:
  explicit Disk(sim::Executor& ex) : ex_(ex) {}

  // Creates the root dir (docker create). REQUIRES: the container lock, or a
  // container nobody else can see yet.
  void CreateRoot(const std::string& id);
  // CheckpointTo: writes `cp` into the root dir; the file stays open across one
  // scheduling point. A missing root dir is an error, as in moby.
  sim::Task<absl::Status> Write(ContainerCheckpoint cp);
  // EnsureRemoveAll(root): fails while a checkpoint is being written.
  sim::Task<absl::Status> RemoveAll(std::string id);

  // A new daemon process: writes the crashed one left half done are closed, and
  // its accesses happened before anything the new one does.
  void Remount();

  bool Exists(const std::string& id) const;
  // What the last finished write of `id` left, or null when there is none or
  // a write is under way (checks, after the run).
  const ContainerCheckpoint* Saved(const std::string& id) const;
  // Every container with a root dir and a checkpoint, sorted by id (restore).
  std::vector<ContainerCheckpoint> Checkpoints() const;

 private:
  struct Dir {
    bool exists = false;
    std::optional<ContainerCheckpoint> config;  // empty until the first write
  };
  // A removed root keeps its entry, so that its access history outlives it.
  struct Root {
    Root(sim::Executor& ex, const std::string& id, Dir initial)
        : dir(ex, "root dir " + id, std::move(initial)) {}
    sim::Tracked<Dir> dir;
    int open_files = 0;
  };
  sim::Executor& ex_;
  std::map<std::string, std::unique_ptr<Root>> roots_;
  // Roots of crashed daemons: a cancelled write may still point at one.
  std::vector<std::unique_ptr<Root>> retired_;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_DISK_H_
