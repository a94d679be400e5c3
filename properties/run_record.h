// properties/run_record.h: what a finished run hands to the check families:
// its History, containerd's state once the run settled, and which exec
// processes must have been deleted by then. The same for simulated and live
// runs.
#ifndef DSIM_PROPERTIES_RUN_RECORD_H_
#define DSIM_PROPERTIES_RUN_RECORD_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/history.h"
#include "properties/containerd_state.h"

namespace properties {

struct RunRecord {
  model::History history;
  ContainerdState containerd;
  // (container, exec) of every exec whose process the daemon must have
  // deleted (started, not cancelled, not orphaned by a restart).
  std::vector<std::pair<std::string, std::string>> deletable_execs;
  // (container, exec) of every exec the daemon now running started, in a run
  // without faults: none may still run unless its container lists it.
  std::vector<std::pair<std::string, std::string>> known_execs;
  // The pid the daemon's final inspect showed, per container it still has.
  std::map<std::string, uint32_t> final_pids;
  // Each container the final inspect showed Restarting, inspected again once
  // its restart was due (after the rest of the record was taken).
  struct Restarting {
    int restart_count = 0;  // at quiescence
    bool still_restarting = false;
    int restart_count_after = 0;  // when inspected again
  };
  std::map<std::string, Restarting> restarting;
  // Containers the final inspect showed running without a live task whose
  // exit the daemon handled by the settle time (moved on from that pid).
  std::set<std::string> exit_in_flight;
  // The containerd RPCs an injected fault failed (rpc-unavailable,
  // reply-lost), with the container each request named ("" if unknown):
  // {"c1", "rpc-unavailable Tasks/Delete"}.
  std::vector<std::pair<std::string, std::string>> faulted_rpcs;

  // The daemon's final view of `id` (the harness's last inspect), or null
  // when it no longer has the container.
  const model::InspectView* FinalView(const std::string& id) const;
  // The first faulted RPC of `id`'s cleanup (a delete, or the lookup before
  // one), or "" if none: moby logs a failed cleanup and moves on, so what
  // it leaves in containerd is moby's, not a leak of the code under test
  // (docs/SCENARIOS.md "Known moby races").
  std::string CleanupCutByAFault(const std::string& id) const;
  // For a check's message: " (after injected faults: rpc-unavailable
  // Tasks/Start, ...)" naming `id`'s faulted RPCs, or "" if none.
  std::string FaultsOn(const std::string& id) const;
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_RUN_RECORD_H_
