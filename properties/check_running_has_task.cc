// Check family "running-has-task" at quiescence: a container the daemon shows
// running (not restarting) has a live task in containerd, and the pid the
// daemon shows is that task's. The model cannot say this: no reply shows
// containerd's side, and pids are values the model does not predict. A
// container whose exit was on its way to the daemon (it moved on from that
// pid by the settle time: a restart loop never settles) is not blamed. (The
// per-step half, a task handle inside the daemon, is judged by the runner
// after every step.)
#include <string>

#include "absl/strings/str_cat.h"
#include "properties/checks.h"

namespace properties {

absl::Status CheckRunningHasTask(const RunRecord& record) {
  const ContainerdState& cs = record.containerd;
  for (const model::Call& c : record.history.calls) {
    if (c.client != "quiescence" || !c.inspect) continue;
    if (!c.inspect->running || c.inspect->restarting) continue;
    if (record.exit_in_flight.contains(c.container)) continue;
    auto task = cs.tasks.find(c.container);
    if (task == cs.tasks.end() ||
        task->second == ContainerdState::Status::kStopped) {
      return absl::FailedPreconditionError(
          "the daemon shows " + c.container + " running, but containerd has " +
          (task != cs.tasks.end() ? "its task stopped" : "no task for it"));
    }
    auto shown = record.final_pids.find(c.container);
    auto pid = cs.pids.find(c.container);
    if (shown != record.final_pids.end() && pid != cs.pids.end() &&
        shown->second != pid->second) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the daemon shows ", c.container, " running with pid ", shown->second,
          ", but containerd's task has pid ", pid->second));
    }
  }
  return absl::OkStatus();
}

}  // namespace properties
