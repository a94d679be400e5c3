// daemon_core/exec_config.h: one exec (moby container/exec.go ExecConfig). Its
// mutable fields are sim::Tracked, so that reading or writing one without the
// exec lock, while another task does the same, is reported as a data race
// ("hold the ExecConfig lock whenever a mutable field is read or written",
// a09f8dbe).
#ifndef DSIM_DAEMON_CORE_EXEC_CONFIG_H_
#define DSIM_DAEMON_CORE_EXEC_CONFIG_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon_core/libcontainerd.h"
#include "sim/executor.h"
#include "sim/mutex.h"
#include "sim/notify.h"
#include "sim/tracked.h"

namespace daemon_core {

class ExecConfig {
 public:
  ExecConfig(sim::Executor& ex, std::string id, std::string container_id,
             std::vector<std::string> args)
      : id(std::move(id)),
        container_id(std::move(container_id)),
        args(std::move(args)),
        mu(ex, "exec " + this->id + " lock"),
        started(ex, "exec " + this->id + " started"),
        running(ex, "exec " + this->id + " Running", false),
        exit_code(ex, "exec " + this->id + " ExitCode", std::nullopt),
        process(ex, "exec " + this->id + " Process", nullptr),
        can_remove(ex, "exec " + this->id + " CanRemove", false) {
    // The harness's per-step check reads both (and the exec stores).
    running.AlsoWrites(sim::kCheckedState);
    exit_code.AlsoWrites(sim::kCheckedState);
  }

  // Immutable after creation.
  const std::string id;
  const std::string container_id;
  const std::vector<std::string> args;

  sim::Mutex mu;  // the exec lock
  sim::Notify
      started;  // closed once, even when the start failed (as moby does)

  // REQUIRES: mu held, for every read and write.
  sim::Tracked<bool> running;
  sim::Tracked<std::optional<int>> exit_code;
  sim::Tracked<std::shared_ptr<libcontainerd::Process>> process;
  sim::Tracked<bool> can_remove;

  // CloseStreams: the attach of `docker exec` ends. REQUIRES: mu.
  void CloseStreams() {
    streams_closed = true;
    for (sim::Notify* n : attach_watchers) n->Fire();
  }
  bool streams_closed = false;                // REQUIRES: mu
  std::vector<sim::Notify*> attach_watchers;  // REQUIRES: mu
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_EXEC_CONFIG_H_
