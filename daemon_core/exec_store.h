// daemon_core/exec_store.h: moby's container.ExecStore, used for a container's
// ExecCommands (execs that have not exited) and for the daemon-wide store
// (every exec, for inspect). Its RWMutex is declared "not to be held across an
// RPC" (b7524620): the executor reports a task that awaits an RPC while holding
// it.
#ifndef DSIM_DAEMON_CORE_EXEC_STORE_H_
#define DSIM_DAEMON_CORE_EXEC_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon_core/exec_config.h"
#include "sim/executor.h"
#include "sim/mutex.h"

namespace daemon_core {

class ExecStore {
 public:
  ExecStore(sim::Executor& ex, const std::string& name)
      : ex_(ex), mu_(ex, name + " ExecStore lock") {
    mu_.DeclareNoRpcWhileHeld();
  }

  sim::Task<void> Add(std::shared_ptr<ExecConfig> config);
  sim::Task<std::shared_ptr<ExecConfig>> Get(
      std::string id);  // null when absent
  sim::Task<void> Delete(std::string id);
  sim::Task<std::vector<std::string>> List();  // ids, sorted
  sim::Task<std::map<std::string, std::shared_ptr<ExecConfig>>>
  Commands();  // a copy

  // Without the lock: for the harness after a run, never for model code.
  size_t PeekSize() const { return by_id_.size(); }
  // For checkers outside the model: the execs, without the lock.
  const std::map<std::string, std::shared_ptr<ExecConfig>>& Peek() const {
    return by_id_;
  }
  bool PeekContains(const std::string& id) const {
    return by_id_.count(id) > 0;
  }
  // The lock itself, for the pre-b7524620 code path only (the mutation holds it
  // across RPCs).
  sim::RWMutex& mutex_for_legacy_exec_start() { return mu_; }

 private:
  sim::Executor& ex_;
  sim::RWMutex mu_;
  std::map<std::string, std::shared_ptr<ExecConfig>> by_id_;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_EXEC_STORE_H_
