// Check family "exec-process-known": once the run settled, every exec process
// containerd still runs is one its container lists in ExecIDs. The daemon
// forgets an exec only once it has ended: its exit was handled, its start
// failed, or its attach was cancelled, which SIGKILLs the process first (a
// process of a paused container dies of that only once thawed, so only
// running ones are judged). The model cannot say this: no reply shows
// containerd's side. The runner asks only about the execs the daemon now
// running started, in runs without faults (a failed Kill, or a start whose
// reply was lost, is moby's leak), and not those whose start was out when an
// exit of their container came: its Cleanup unregisters every exec, and the
// start's Tasks/Exec may then land in the task a policy restart made (legacy
// finds the task by id), a process moby no longer tracks.
#include <algorithm>

#include "properties/checks.h"

namespace properties {

namespace {
// Some init exit of `cid` overlapped a start of `exec_id`: received before
// the start returned, handled after it was invoked.
bool StartCrossedAnExit(const model::History& h, const std::string& cid,
                        const std::string& exec_id) {
  for (const model::Call& c : h.calls) {
    if (c.kind != model::CallKind::kExecStart || c.exec_id != exec_id) {
      continue;
    }
    for (const model::Event& e : h.events) {
      const uint64_t handled = e.handled == 0 ? model::kNever : e.handled;
      if (e.kind == model::EventKind::kInitExit && e.container == cid &&
          e.seq < c.returned && handled > c.invoked) {
        return true;
      }
    }
  }
  return false;
}
}  // namespace

absl::Status CheckExecProcessKnown(const RunRecord& record) {
  for (const auto& [cid, exec_id] : record.known_execs) {
    auto p = record.containerd.execs.find({cid, exec_id});
    if (p == record.containerd.execs.end() ||
        p->second != ContainerdState::Status::kRunning) {
      continue;
    }
    const model::InspectView* v = record.FinalView(cid);
    if ((v != nullptr && std::find(v->exec_ids.begin(), v->exec_ids.end(),
                                   exec_id) != v->exec_ids.end()) ||
        StartCrossedAnExit(record.history, cid, exec_id)) {
      continue;
    }
    return absl::FailedPreconditionError(
        "containerd still runs exec " + exec_id + " of " + cid + ", which " +
        (v == nullptr ? "the daemon no longer has"
                      : "the container's ExecIDs no longer list") +
        ": nothing will stop or delete it");
  }
  return absl::OkStatus();
}

}  // namespace properties
