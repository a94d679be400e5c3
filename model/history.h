// model/history.h: what one run recorded, the same for simulated, live and
// driven runs: every API call (invocation, response, what it showed), every
// containerd event as the daemon received it, and the daemon restarts that cut
// the run into epochs. Positions (`seq`) order calls and events in one
// sequence; a simulated run also gives each its place in the happens-before
// order of the run's steps (`order`), which is what the checks read as real
// time. Times are virtual (or wall, live) nanoseconds for messages.
#ifndef DSIM_MODEL_HISTORY_H_
#define DSIM_MODEL_HISTORY_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "model/spec.h"
#include "model/types.h"

namespace model {

enum class CallKind {
  kCreate,
  kStart,
  kKill,
  kStop,
  kRestart,
  kPause,
  kUnpause,
  kWait,
  kInspect,
  kRm,
  kExecCreate,
  kExecStart,
  kExecInspect,
};
const char* ToString(CallKind k);

inline constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

struct Call {
  std::string client;
  CallKind kind = CallKind::kInspect;
  std::string container;  // for exec calls, the exec's container
  std::string exec_id;    // the daemon's id (ExecCreate: the one it returned)
  RestartPolicy policy;   // kCreate
  bool auto_remove = false;  // kCreate: HostConfig.AutoRemove
  // kInspect: the harness's read once the run settled. An autoRemove due by
  // then must have happened (it runs right after the exit it follows).
  bool settled = false;
  bool force = false;                                    // kRm
  WaitCondition condition = WaitCondition::kNotRunning;  // kWait
  uint64_t invoked = 0;
  uint64_t returned = kNever;  // kNever: no reply was ever seen
  int64_t invoked_at = 0, returned_at = 0;
  // The reply, when it is one the API contract knows. Otherwise (the
  // connection was reset by a daemon restart, an RPC fault surfaced, the
  // client gave up) the call is indeterminate: it may or may not have taken
  // effect.
  Reply reply;
  bool indeterminate = false;
  // kExecStart: the client cancelled its attach. The start went ahead (its
  // checks held then, the exec ran), and the error defer ended the exec (126)
  // when the cancel came: two points, not one.
  bool cancelled = false;
  std::optional<InspectView> inspect;  // kInspect, OK
  std::optional<ExecView> exec;        // kExecInspect, OK
  std::optional<int> wait_code;        // kWait, OK
};

enum class EventKind { kInitExit, kExecExit, kOom, kPaused, kResumed };
const char* ToString(EventKind k);

struct Event {
  uint64_t seq = 0;  // when the daemon received it
  // When the daemon's event queue had handled it; 0 if never seen (a live
  // daemon's real dockerd, a crash first).
  uint64_t handled = 0;
  int64_t at = 0;
  EventKind kind = EventKind::kInitExit;
  std::string container;
  std::string exec_id;  // kExecExit
  int exit_code = 0;
};

// The daemon was killed at `crashed` and served again at `restored`, with the
// containers as restore left them. `graceful`: it was stopped (SIGTERM, moby
// daemon.Shutdown) rather than killed: its API closed at `crashed`, then
// (without live-restore) it stopped every running container before it
// exited.
struct DaemonRestart {
  bool graceful = false;
  bool live_restore = false;
  uint64_t crashed = 0;
  uint64_t restored = 0;
  std::vector<ContainerSnapshot> containers;
  // Containers whose containerd container or task the crash left, but which
  // restore removed (an AutoRemove container it did not restart): moby never
  // deletes those objects (docs/SCENARIOS.md "Known moby races").
  std::vector<std::string> left_behind;
  // Containers the disk said Running or Paused whose task was gone or stopped
  // when the daemon came back, in a run without faults: restore's SetStopped
  // and Cleanup delete what containerd has of them (dsim's daemon only; dsim
  // drive cannot read dockerd's disk).
  std::vector<std::string> cleaned_by_restore;
};

// Where a position (a `seq`) sits in the run's happens-before order
// (sim/happens_before.h; model/ knows no sim): recorded by task `task` in its
// `step`-th step, after `seen[t]` steps of each task t. kOutsideSteps: before
// everything recorded after it.
struct PositionOrder {
  static constexpr uint32_t kOutsideSteps =
      std::numeric_limits<uint32_t>::max();
  uint32_t task = kOutsideSteps;
  uint32_t step = 0;
  std::vector<uint32_t> seen;
};

struct History {
  // Whether position a came before position b in every execution that orders
  // the run's conflicting steps as this one did: by `order` where the run
  // kept it, else by seq. kNever comes after everything.
  bool Precedes(uint64_t a, uint64_t b) const;

  SpecOptions spec;
  // RPC faults or containerd restarts were possible: a restart-policy start
  // may fail, and a call may fail in ways the API contract does not list.
  bool faults = false;
  // A restart-policy start may fail without a fault: something kills tasks
  // behind the daemon's back, and a kill may land between the policy's
  // Tasks/Create and Tasks/Start.
  bool restart_may_fail = false;
  std::vector<Call> calls;
  std::vector<Event> events;
  std::vector<DaemonRestart> restarts;
  // Everything received before this was handled by then (the run settled).
  uint64_t quiescent = kNever;
  // order[seq - 1]: simulated runs keep it, so that a verdict is the same
  // for every interleaving of independent steps (what partial-order reduction
  // relies on). Empty: seq is the order (live and driven runs, whose daemon
  // or containerd runs outside the simulated footprints).
  std::vector<PositionOrder> order;
};

}  // namespace model

#endif  // DSIM_MODEL_HISTORY_H_
