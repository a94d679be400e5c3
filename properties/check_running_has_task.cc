// Check family "running-has-task" at quiescence: a container the daemon shows
// running (not restarting) has a live task in containerd. The model cannot
// say this: no reply shows containerd's side. (The per-step half, a task
// handle inside the daemon, is judged by the runner after every step.)
#include <string>

#include "properties/checks.h"

namespace properties {

absl::Status CheckRunningHasTask(const RunRecord& record) {
  for (const model::Call& c : record.history.calls) {
    if (c.client != "quiescence" || !c.inspect) continue;
    if (!c.inspect->running || c.inspect->restarting) continue;
    auto task = record.containerd.tasks.find(c.container);
    if (task == record.containerd.tasks.end() ||
        task->second == ContainerdState::Status::kStopped) {
      return absl::FailedPreconditionError(
          "the daemon shows " + c.container + " running, but containerd has " +
          (task != record.containerd.tasks.end() ? "its task stopped"
                                                 : "no task for it"));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
