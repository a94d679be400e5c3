// properties/rpc_table_rows.h: the rows of the RPC table (rpc_table.h) as
// data: per row a setup (steps that bring the stack to a state), the Docker
// operation whose RPCs are measured, and the RPCs expected per design, in the
// notation of reference/dockerd-20.10.md. rpc_table.cc runs them.
#ifndef DSIM_PROPERTIES_RPC_TABLE_ROWS_H_
#define DSIM_PROPERTIES_RPC_TABLE_ROWS_H_

#include <string>
#include <string_view>
#include <vector>

namespace properties::rpc_table {

// What brings the stack to a row's state (nothing measured). The container is
// always "c1".
enum class Step {
  kCreate,                // c1 runs `run` (until signalled)
  kCreateExiting,         // c1 runs `exit 0 10ms`
  kCreateMissingBinary,   // c1's binary does not exist
  kStart,                 //
  kAwaitSigtermTrap,      // live: c1's shell handles SIGTERM
  kPause,                 //
  kExecCreate,            // an exec `run`
  kExecCreateExiting,     // an exec `exit 0 10ms`
  kExecCreateMissing,     // an exec of a missing binary
  kExecStart,             // detached
  kCrashDaemon,           // dockerd is SIGKILLed (sim only)
  kSleep,                 // one second of virtual time
  kStaleContainer,        // containerd has a c1 left, with a running task
  kStaleContainerNoTask,  // containerd has a c1 left, without a task
  kKillItsTask,           // SIGKILL c1's task behind the daemon's back
  kRemoveItsContainer,    // delete c1's task and container behind its back
};

// The operation measured.
enum class Op {
  kCreate,
  kStart,
  kInspect,
  kKill15,
  kKill9,  // until the exit is handled
  kPause,
  kUnpause,
  kStop,     // 10 s timeout
  kRestart,  // 10 s timeout
  kWaitExit,
  kRmStopped,
  kRmForce,
  kExecCreate,
  kExecStart,
  kExecStartAttached,  // until the process is deleted
  kExecExitEvent,      // one second, for the exit and its handling
  kExecInspect,
  kExecCtxCancel,       // from the cancel on
  kShutdown,            // dockerd stopped (SIGTERM), live-restore off
  kRestore,             // dockerd restarted, live-restore off
  kRestoreLiveRestore,  // dockerd restarted with live-restore
  kStartup,             // as kRestore, with the daemon-level RPCs
};

struct RowSpec {
  std::string_view operation;
  std::vector<Step> setup;
  Op op;
  // Expected RPCs, ", "-separated: `C/Get` (C Containers, T Tasks, L Leases,
  // E Events, N Namespaces, V Version), `C/Get x4` four times, `~T/Wait` once
  // at any place. N/ and V/ calls are the startup handshake's.
  std::string_view legacy, objects;
};

// The rows. Legacy's are dockerd-20.10.md's (the real dockerd 20.10.24);
// objects' are what the model of PR #43564 issues, reviewed against moby's
// code after the PR.
std::vector<RowSpec> Rows();

// A row that plants state in the fake containerd or restarts the daemon, or
// whose RPCs race an event's handling (not run against a real containerd).
bool SimulatedOnly(const RowSpec& r);

// An expectation as full method names: those in order, and those expected
// once each at any place. Without `handshake`, the N/ and V/ calls are left
// out.
struct Expected {
  std::vector<std::string> in_order, anywhere;
};
Expected ParseExpected(std::string_view spec, bool handshake);

}  // namespace properties::rpc_table

#endif  // DSIM_PROPERTIES_RPC_TABLE_ROWS_H_
