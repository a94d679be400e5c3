// properties/rpc_table_rows.cc: the rows. Each expectation that differs from
// what the model would do if it followed moby blindly says why next to it.
#include "properties/rpc_table_rows.h"

#include <string>
#include <utility>

namespace properties::rpc_table {

std::vector<RowSpec> Rows() {
  using enum Step;
  const std::vector<Step> running{kCreate, kStart};
  const std::vector<Step> trap{kCreate, kStart, kAwaitSigtermTrap};
  const std::vector<Step> exec{kCreate, kStart, kExecCreate};
  return {
      {"create", {}, Op::kCreate, "", ""},
      {"start",
       {kCreate},
       Op::kStart,
       "L/Create, C/Create, L/Delete, C/Get x4, T/Create, T/Start",
       "L/Create, C/Create, L/Delete, C/Get, T/Create, T/Start"},
      // legacy: the last C/Get (NOT_FOUND) is containerStart's error defer
      // (daemon.Cleanup's delete by id). objects: Cleanup deletes only the
      // retained container, which a failed start never set.
      {"start, runtime error (missing binary)",
       {kCreateMissingBinary},
       Op::kStart,
       "L/Create, C/Create, L/Delete, C/Get x4, T/Create, C/Get, C/Get, T/Get, "
       "C/Get, C/Delete, C/Get",
       "L/Create, C/Create, L/Delete, C/Get, T/Create, T/Get, C/Get, "
       "C/Delete"},
      {"inspect", running, Op::kInspect, "", ""},
      {"kill", running, Op::kKill15, "C/Get, T/Get, T/Kill", "T/Kill"},
      // moby's daemon.Kill waits for the exit; the model's ContainerKill
      // returns after Tasks/Kill (the row waits), so the RPCs are the same.
      {"kill (default SIGKILL; includes the exit's handling)", running,
       Op::kKill9,
       "C/Get, T/Get, T/Kill, C/Get, T/Get, T/Get, T/Delete, C/Get, C/Get, "
       "T/Get, C/Get, C/Delete",
       "T/Kill, T/Get, T/Delete, T/Get, C/Get, C/Delete"},
      {"pause", running, Op::kPause, "C/Get, T/Get, T/Pause", "T/Pause"},
      {"unpause",
       {kCreate, kStart, kPause},
       Op::kUnpause,
       "C/Get, T/Get, T/Resume",
       "T/Resume"},
      {"stop (exits on SIGTERM; includes the exit's handling)", trap, Op::kStop,
       "C/Get, T/Get, T/Kill, C/Get, T/Get, T/Get, T/Delete, C/Get, C/Get, "
       "T/Get, C/Get, C/Delete",
       "T/Kill, T/Get, T/Delete, T/Get, C/Get, C/Delete"},
      {"restart (running)", trap, Op::kRestart,
       "C/Get, T/Get, T/Kill, C/Get, T/Get, T/Get, T/Delete, C/Get, C/Get, "
       "T/Get, C/Get, C/Delete, L/Create, C/Create, L/Delete, C/Get x4, "
       "T/Create, T/Start",
       "T/Kill, T/Get, T/Delete, T/Get, C/Get, C/Delete, L/Create, C/Create, "
       "L/Delete, C/Get, T/Create, T/Start"},
      {"init exit event (until wait returns)",
       {kCreateExiting, kStart},
       Op::kWaitExit,
       "C/Get, T/Get, T/Get, T/Delete, C/Get, C/Get, T/Get, C/Get, C/Delete",
       "T/Get, T/Delete, T/Get, C/Get, C/Delete"},
      {"rm stopped", {kCreate}, Op::kRmStopped, "", ""},
      {"rm -f running (includes the exit's handling)", running, Op::kRmForce,
       "C/Get, T/Get, T/Kill, C/Get, T/Get, T/Get, T/Delete, C/Get, C/Get, "
       "T/Get, C/Get, C/Delete",
       "T/Kill, T/Get, T/Delete, T/Get, C/Get, C/Delete"},
      {"exec create", running, Op::kExecCreate, "", ""},
      {"exec start", exec, Op::kExecStart,
       "C/Get, C/Get, C/Get, T/Get, C/Get, T/Exec, T/Start",
       "C/Get, T/Exec, T/Start"},
      {"exec start, runtime error",
       {kCreate, kStart, kExecCreateMissing},
       Op::kExecStart,
       "C/Get, C/Get, C/Get, T/Get, C/Get, T/Exec, T/Start, T/Get, "
       "T/DeleteProcess",
       "C/Get, T/Exec, T/Start, T/Get, T/DeleteProcess"},
      {"exec exit event (until the process is deleted)",
       {kCreate, kStart, kExecCreateExiting, kExecStart},
       Op::kExecExitEvent,
       "C/Get, T/Get, T/Get, C/Get, C/Get, T/Get, T/DeleteProcess",
       "T/Get, T/DeleteProcess"},
      {"exec attached (until the process is deleted)",
       {kCreate, kStart, kExecCreateExiting},
       Op::kExecStartAttached,
       "C/Get, C/Get, C/Get, T/Get, C/Get, T/Exec, T/Start, C/Get, T/Get, "
       "T/Get, C/Get, C/Get, T/Get, T/DeleteProcess",
       "C/Get, T/Exec, T/Start, T/Get, T/DeleteProcess"},
      {"exec inspect", exec, Op::kExecInspect, "", ""},
      // Not measured on dockerd 20.10: killing an attached CLI did not cancel
      // the exec's context there. This is the path when the request's context
      // is cancelled (ContainerExecStart's ctx.Done: SIGKILL the process).
      {"exec ctx cancel (attached client goes away)", exec, Op::kExecCtxCancel,
       "C/Get, T/Get, T/Get, T/Kill", "T/Kill"},
      // Legacy: DeleteTask fails on the live task and Delete on the task, so
      // the second Create fails too; containerStart's error defer then tries
      // the delete by id once more (C/Get, Labels' C/Get, the task's T/Get).
      // Not measured on dockerd 20.10 (it needs a task left running).
      {"start, stale containerd container",
       {kStaleContainer, kCreate},
       Op::kStart,
       "L/Create, C/Create, L/Delete, C/Get, T/Get, T/Get, C/Get, C/Get, "
       "T/Get, L/Create, C/Create, L/Delete, C/Get, C/Get, T/Get",
       "L/Create, C/Create, L/Delete, C/Get, T/Get, T/Kill, ~T/Wait, T/Get, "
       "T/Delete, T/Get, C/Get, C/Delete, L/Create, C/Create, L/Delete, C/Get, "
       "T/Create, T/Start"},
      // TestContainerStartOnDaemonRestart's case. objects: ForceDelete's
      // Tasks/Wait runs in its own goroutine (the Go client's process.Wait).
      {"start, stale containerd container, its task dead",
       {kStaleContainer, kKillItsTask, kCreate},
       Op::kStart,
       "L/Create, C/Create, L/Delete, C/Get, T/Get, T/Get, T/Delete, C/Get, "
       "C/Get, T/Get, C/Get, C/Delete, L/Create, C/Create, L/Delete, C/Get x4, "
       "T/Create, T/Start",
       "L/Create, C/Create, L/Delete, C/Get, T/Get, T/Kill, ~T/Wait, T/Get, "
       "T/Delete, T/Get, C/Get, C/Delete, L/Create, C/Create, L/Delete, C/Get, "
       "T/Create, T/Start"},
      {"start, stale containerd container without a task",
       {kStaleContainerNoTask, kCreate},
       Op::kStart,
       "L/Create, C/Create, L/Delete, C/Get, T/Get, C/Get, C/Get, T/Get, "
       "C/Get, C/Delete, L/Create, C/Create, L/Delete, C/Get x4, T/Create, "
       "T/Start",
       "L/Create, C/Create, L/Delete, C/Get, T/Get, T/Get, C/Get, C/Delete, "
       "L/Create, C/Create, L/Delete, C/Get, T/Create, T/Start"},
      // dockerd's startup with one container on disk, stopped: restore's
      // C/Get (NOT_FOUND) between the subscriptions and the versions.
      {"startup (one stopped container on disk)",
       {kCreate},
       Op::kStartup,
       "N/Get x2, E/Subscribe x2, C/Get, V/Version x2",
       "N/Get x2, E/Subscribe x2, C/Get, V/Version x2"},
      {"shutdown, live-restore off, running (includes the exit)", trap,
       Op::kShutdown,
       "C/Get, T/Get, T/Kill, C/Get, T/Get, T/Get, T/Delete, C/Get, C/Get, "
       "T/Get, C/Get, C/Delete",
       "T/Kill, T/Get, T/Delete, T/Get, C/Get, C/Delete"},
      {"restore, running (live-restore)", running, Op::kRestoreLiveRestore,
       "C/Get, T/Get, T/Get", "C/Get, T/Get, T/Get"},
      // dockerd SIGKILLed and started again: restore stops the container.
      {"restore, alive, live-restore off (includes the exit)", trap,
       Op::kRestore,
       "C/Get, T/Get, T/Get, C/Get, T/Get, T/Kill, C/Get, T/Get, T/Get, "
       "T/Delete, C/Get, C/Get, T/Get, C/Get, C/Delete",
       "C/Get, T/Get, T/Get, T/Kill, T/Get, T/Delete, T/Get, C/Get, "
       "C/Delete"},
      {"restore, task dead",
       {kCreateExiting, kStart, kCrashDaemon, kSleep},
       Op::kRestore,
       "C/Get, T/Get, T/Get, T/Get, T/Delete, C/Get, C/Get, T/Get, C/Get, "
       "C/Delete",
       "C/Get, T/Get, T/Get, T/Get, T/Delete, T/Get, C/Get, C/Delete"},
      // legacy: the separate Status call (C/Get, T/Get, T/Get) for a paused
      // container, which PR #43564 dropped.
      {"restore, paused and alive (live-restore)",
       {kCreate, kStart, kPause},
       Op::kRestoreLiveRestore,
       "C/Get, T/Get, T/Get, C/Get, T/Get, T/Get",
       "C/Get, T/Get, T/Get"},
      // legacy: the old Cleanup deleted by id regardless (its C/Get fails).
      {"restore, containerd container gone",
       {kCreate, kStart, kCrashDaemon, kKillItsTask, kRemoveItsContainer},
       Op::kRestore,
       "C/Get, C/Get",
       "C/Get"},
  };
}

bool SimulatedOnly(const RowSpec& r) {
  for (Step s : r.setup) {
    if (s == Step::kCrashDaemon || s == Step::kStaleContainer ||
        s == Step::kStaleContainerNoTask || s == Step::kKillItsTask ||
        s == Step::kRemoveItsContainer) {
      return true;
    }
  }
  // Against a real containerd the kill's exit event races the error defer
  // that removes the exec (moby-daemon.md §3, I13): the exit's handling
  // issues its first RPCs inside the row or not, run by run.
  return r.op == Op::kRestore || r.op == Op::kRestoreLiveRestore ||
         r.op == Op::kStartup || r.op == Op::kExecCtxCancel;
}

namespace {

std::string FullMethod(std::string_view short_name) {
  static constexpr std::pair<std::string_view, std::string_view> kServices[] = {
      {"C/", "containers.v1.Containers/"}, {"T/", "tasks.v1.Tasks/"},
      {"L/", "leases.v1.Leases/"},         {"E/", "events.v1.Events/"},
      {"N/", "namespaces.v1.Namespaces/"}, {"V/", "version.v1.Version/"}};
  for (const auto& [prefix, service] : kServices) {
    if (short_name.starts_with(prefix)) {
      return "/containerd.services." + std::string(service) +
             std::string(short_name.substr(prefix.size()));
    }
  }
  return std::string(short_name);  // a typo shows in the mismatch
}

}  // namespace

Expected ParseExpected(std::string_view spec, bool handshake) {
  Expected out;
  for (size_t at = 0; at < spec.size();) {
    size_t end = spec.find(", ", at);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(at, end - at);
    at = end + 2;
    int times = 1;
    if (size_t x = item.find(" x"); x != std::string_view::npos) {
      times = std::stoi(std::string(item.substr(x + 2)));
      item = item.substr(0, x);
    }
    const bool anywhere = item.starts_with("~");
    std::string method = FullMethod(anywhere ? item.substr(1) : item);
    if (!handshake && (method.starts_with("/containerd.services.namespaces") ||
                       method.starts_with("/containerd.services.version"))) {
      continue;
    }
    for (int i = 0; i < times; ++i) {
      (anywhere ? out.anywhere : out.in_order).push_back(method);
    }
  }
  return out;
}

}  // namespace properties::rpc_table
