// The registry of properties/checks.h.
#include "properties/checks.h"

#include <string_view>

namespace properties {

const model::InspectView* RunRecord::FinalView(const std::string& id) const {
  const model::InspectView* view = nullptr;
  for (const model::Call& c : history.calls) {
    if (c.client == "quiescence" && c.container == id && c.inspect) {
      view = &*c.inspect;
    }
  }
  return view;
}

std::string RunRecord::CleanupCutByAFault(const std::string& id) const {
  static constexpr std::string_view kCleanups[] = {
      "Tasks/Delete",      "Tasks/DeleteProcess", "Tasks/Get",
      "Containers/Delete", "Containers/Get",
  };
  for (const auto& [container, rpc] : faulted_rpcs) {
    if (container != id) continue;
    // "POINT METHOD": the method is the part after the space.
    const std::string_view method =
        std::string_view(rpc).substr(rpc.find(' ') + 1);
    for (std::string_view m : kCleanups) {
      if (method == m) return rpc;
    }
  }
  return "";
}

std::string RunRecord::FaultsOn(const std::string& id) const {
  std::string out;
  for (const auto& [container, rpc] : faulted_rpcs) {
    if (container != id) continue;
    out += out.empty() ? " (after injected faults: " : ", ";
    out += rpc;
  }
  return out.empty() ? out : out + ")";
}

const std::vector<Check>& RecordChecks() {
  static const std::vector<Check> checks = {
      {"model",
       "every reply, every event the daemon received and the daemon's final "
       "view have an order consistent with real time that model::Spec "
       "allows (linearizability; I1, I6, I7, I9 and the state machine)",
       CheckModel},
      {"no-leak",
       "at quiescence, containerd has no container or task the daemon does "
       "not run (I9)",
       CheckNoLeak},
      {"running-has-task",
       "a running container has a task handle after every step, and at "
       "quiescence a live task in containerd with the pid the daemon shows "
       "(I11, I12)",
       CheckRunningHasTask},
      {"exec-process-deleted",
       "at quiescence, every exited exec's process was deleted (I13)",
       CheckExecProcessDeleted},
      {"exec-process-known",
       "at quiescence, every exec process containerd still runs is listed "
       "in its container's ExecIDs (the daemon forgets only ended execs)",
       CheckExecProcessKnown},
      {"settles",
       "a container Restarting when the run settled is restarted or stopped "
       "once its restart is due (liveness)",
       CheckSettles},
  };
  return checks;
}

std::vector<Property> Properties() {
  std::vector<Property> all;
  for (const Check& c : RecordChecks()) all.push_back({c.name, c.description});
  const std::vector<Property> during_run = {
      {"saved-state",
       "whenever a call returns, once the run settled and when the daemon "
       "goes down, what the daemon shows of each container no one holds is "
       "what it saved on disk (CheckpointTo after every change; dsim's "
       "daemon only)"},
      {"consistent-state",
       "whenever a call returns and once the run settled, each container no "
       "one holds shows State fields moby's setters leave together: "
       "Restarting and Paused with Running, a Pid exactly when running and "
       "not restarting, HasBeenStartedBefore exactly when StartedAt is set "
       "(dsim's daemon only)"},
      {"restore",
       "right after a daemon restart, a container saved with "
       "RemovalInProgress is Dead with the mark reset, none shown Paused "
       "has a running task, none is Running on its old task without "
       "live-restore, and an exit while the daemon was down shows its status "
       "(dsim's daemon only, without faults)"},
      {"container-lock-held",
       "every Tasks/Create, Start, Kill, Pause and Resume of a container's "
       "init process is sent by the task that holds the container lock "
       "(containerStart, killWithSignal, pause, unpause; dsim's daemon "
       "only)"},
      {"model-inconclusive",
       "the linearizability search hit its bound: neither pass nor fail"},
      {"exec-ids-never-exited",
       "after every step, no exec that has exited is in its container's "
       "ExecCommands (I1, read inside the daemon: no inspect need hit the "
       "window)"},
      {"every-waiter-woken", "every ContainerWait returns (I7)"},
      {"no-pending-call", "every API call returns"},
      {"expectation", "a call's result is what the scenario expects"},
      {"data-race",
       "no unsynchronized access to a field moby guards with a lock "
       "(runtime)"},
      {"lock-held-across-rpc",
       "no ExecStore lock is held across a containerd RPC (I2, runtime)"},
      {"no-panic", "the daemon does not dereference a nil Process (I3)"},
      {"deadlock", "some task can always run (runtime)"},
      {"livelock", "a run ends within its step budget (runtime)"},
      {"budget", "a run ends within its wall-time and memory budget (runtime)"},
  };
  all.insert(all.end(), during_run.begin(), during_run.end());
  return all;
}

}  // namespace properties
