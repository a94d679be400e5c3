// daemon_core/container.h: one container of the daemon (moby
// container/container.go): its State (with the container lock), its containerd
// handles, its ExecCommands, and what `docker create` fixed (the command line,
// the restart policy).
#ifndef DSIM_DAEMON_CORE_CONTAINER_H_
#define DSIM_DAEMON_CORE_CONTAINER_H_

#include <memory>
#include <string>
#include <vector>

#include "daemon_core/disk.h"
#include "daemon_core/exec_store.h"
#include "daemon_core/libcontainerd.h"
#include "daemon_core/mutation.h"
#include "daemon_core/restart_manager.h"
#include "daemon_core/restart_policy.h"
#include "daemon_core/state.h"

namespace daemon_core {

// A JSON array of strings ("[\"exit\",\"3\"]"), for the specs the fake reads
// programs from.
std::string ArgsJson(const std::vector<std::string>& args);

class Container {
 public:
  Container(sim::Executor& ex, std::string container_id,
            std::vector<std::string> command, RestartPolicy restart,
            const Mutation& mutation, bool auto_remove = false)
      : id(std::move(container_id)),
        args(std::move(command)),
        restart_policy(restart),
        auto_remove(auto_remove),
        state(ex, id, mutation),
        exec_commands(ex, "container " + id) {}

  const std::string id;
  const std::vector<std::string> args;
  const RestartPolicy restart_policy;
  // HostConfig.AutoRemove (docker run --rm): the daemon removes the container
  // after its task exits, or after a failed start.
  const bool auto_remove;

  State state;  // state.mu is the container lock
  // REQUIRES: state.mu. Nothing clears them: after an exit they are stale
  // handles until the next start, as in moby. The task is shared: whoever
  // uses it after dropping the lock (exec start) keeps its own reference, as a
  // Go caller keeps the interface value it read, while a restart replaces it.
  std::unique_ptr<libcontainerd::Container> ctr;
  std::shared_ptr<libcontainerd::Task> task;
  bool has_been_started_before = false;
  // Loaded from disk and not reconciled with containerd yet (or restore
  // failed to): Running may come from disk without a task handle.
  bool restoring = false;
  // Set by kill and stop (persisted); only unless-stopped reads it in moby.
  bool has_been_manually_stopped = false;
  // Set by docker restart before its stop, cleared by the next successful
  // start: the exit that stop causes is not an autoRemove (moby 498803bec9;
  // 20.10 instead cleared HostConfig.AutoRemove across the stop, a race).
  bool has_been_manually_restarted = false;
  int restart_count = 0;

  // container.RestartManager(): the current one, made on first use.
  // REQUIRES: state.mu (for all three).
  std::shared_ptr<RestartManager> GetRestartManager() {
    if (restart_manager_ == nullptr) {
      restart_manager_ =
          std::make_shared<RestartManager>(restart_policy, restart_count);
    }
    return restart_manager_;
  }
  // The delay of the restart the current restart manager last asked for
  // (0: none asked); for the harness, which must not make one.
  sim::Nanos restart_timeout() const {
    return restart_manager_ == nullptr ? 0 : restart_manager_->timeout();
  }
  // ExitOnNext: the restart manager stops restarting (kill, stop).
  void ExitOnNext() { GetRestartManager()->Cancel(); }
  // ResetRestartManager: cancels the current one; the next use makes a fresh
  // one.
  void ResetRestartManager(bool reset_count) {
    if (restart_manager_ != nullptr) restart_manager_->Cancel();
    if (reset_count) restart_count = 0;
    restart_manager_ = nullptr;
  }
  ExecStore exec_commands;  // execs that have not exited

  // The OCI spec the fake containerd reads the program from.
  std::string SpecJson() const;

  // What CheckpointTo writes. REQUIRES: state.mu.
  ContainerCheckpoint ToCheckpoint() const;
  // restore(): the container as its checkpoint left it (no handles, no execs).
  static std::shared_ptr<Container> FromCheckpoint(
      sim::Executor& ex, const ContainerCheckpoint& cp,
      const Mutation& mutation);

 private:
  std::shared_ptr<RestartManager> restart_manager_;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_CONTAINER_H_
