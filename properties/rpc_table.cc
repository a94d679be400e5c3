// properties/rpc_table.cc: measures the rows of rpc_table_rows.h (one
// interpreter for their steps and operations, each row in a fresh stack) and
// compares what was issued with what the row expects.
#include "properties/rpc_table.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "daemon_core/daemon.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/real_command.h"
#include "properties/live_stack.h"
#include "properties/rpc_table_rows.h"
#include "properties/stack.h"
#include "sim/strategy_random.h"

namespace properties {

namespace {

using daemon_core::WaitCondition;

using rpc_table::Op;
using rpc_table::Rows;
using rpc_table::RowSpec;
using rpc_table::Step;

bool DaemonLevel(const std::string& method) {
  return method.starts_with("/containerd.services.events.v1.") ||
         method.starts_with("/containerd.services.namespaces.v1.") ||
         method.starts_with("/containerd.services.version.v1.");
}

// One row's world: the simulated stack, or a live one against a real
// containerd (rows that need the fake's back door are simulated only).
struct World {
  World(sim::Executor& ex, Stack* stack, LiveStack* live)
      : ex(ex), stack(stack), live(live) {}
  daemon_core::Daemon* daemon() {
    return live != nullptr ? live->daemon.get() : stack->daemon.get();
  }
  fake_containerd::RpcLog& log() {
    return live != nullptr ? live->conn.rpcs() : stack->fake.rpcs();
  }
  sim::Executor& ex;
  Stack* stack;
  LiveStack* live;
  bool daemon_level = false;  // keep Subscribe, Namespaces and Version
  std::string exec_id;
  std::optional<fake_containerd::RpcLog::Scope> scope;
  std::vector<std::string> measured;
  void Begin() { scope.emplace(log()); }
  // The daemon-level RPCs (the event monitor's subscriptions, the startup
  // handshake) are not an operation's, but for the startup row.
  void End() {
    for (std::string& m : scope->calls()) {
      if (daemon_level || !DaemonLevel(m)) measured.push_back(m);
    }
    scope.reset();
  }
};

// Live only: waits until c1's init (the `run` program's shell) handles
// SIGTERM, so a stop never signals it before its traps are set (as PID 1 it
// would ignore SIGTERM and the stop would end in SIGKILL after its timeout,
// with three more RPCs). Readiness from the kernel, polled; bounded by a
// minute, after which the row runs anyway and shows the difference.
sim::Task<void> AwaitSigtermTrap(World& w) {
  if (w.live == nullptr) co_return;
  constexpr int kSigTerm = 15;
  for (int i = 0; i < 6000; ++i) {
    absl::StatusOr<daemon_core::ContainerInspectResult> c =
        co_await w.daemon()->ContainerInspect("c1");
    if (!c.ok()) co_return;
    if (fake_containerd::RealProcessHandles(c->pid, kSigTerm)) co_return;
    co_await w.ex.Sleep(10 * sim::kMillisecond);  // live: the wall clock
  }
}

sim::Task<void> Create(World& w, std::vector<std::string> args) {
  (void)co_await w.daemon()->ContainerCreate("c1", std::move(args));
}

sim::Task<void> ExecCreate(World& w, std::vector<std::string> args) {
  absl::StatusOr<std::string> id =
      co_await w.daemon()->ContainerExecCreate("c1", std::move(args));
  w.exec_id = id.ok() ? *id : "";
}

// Behind the daemon's back, straight on the fake (no RPC).
void KillItsTask(World& w) {
  ::containerd::services::tasks::v1::KillRequest kill;
  kill.set_container_id("c1");
  kill.set_signal(9);
  (void)w.stack->fake.Kill("moby", kill);
}
void RemoveItsContainer(World& w) {
  ::containerd::services::tasks::v1::DeleteTaskRequest del;
  del.set_container_id("c1");
  ::containerd::services::tasks::v1::DeleteResponse del_resp;
  (void)w.stack->fake.DeleteTask("moby", del, &del_resp);
  ::containerd::services::containers::v1::DeleteContainerRequest cdel;
  cdel.set_id("c1");
  (void)w.stack->fake.DeleteContainer("moby", cdel);
}

// The program a create or exec create step runs.
std::vector<std::string> ProgramOf(Step step) {
  switch (step) {
    case Step::kCreateExiting:
    case Step::kExecCreateExiting:
      return {"exit", "0", "10ms"};
    case Step::kCreateMissingBinary:
      return {"/no/such/binary"};
    case Step::kExecCreateMissing:
      return {"no-such-binary"};
    default:
      return {"run"};
  }
}

sim::Task<void> RunStep(World& w, Step step) {
  std::vector<std::string> program = ProgramOf(step);
  switch (step) {
    case Step::kCreate:
    case Step::kCreateExiting:
    case Step::kCreateMissingBinary:
      co_await Create(w, std::move(program));
      break;
    case Step::kExecCreate:
    case Step::kExecCreateExiting:
    case Step::kExecCreateMissing:
      co_await ExecCreate(w, std::move(program));
      break;
    case Step::kStart:
      (void)co_await w.daemon()->ContainerStart("c1");
      break;
    case Step::kAwaitSigtermTrap:
      co_await AwaitSigtermTrap(w);
      break;
    case Step::kPause:
      (void)co_await w.daemon()->ContainerPause("c1");
      co_await w.ex.Sleep(sim::kMillisecond);  // the paused event handled
      break;
    case Step::kExecStart:
      (void)co_await w.daemon()->ContainerExecStart(w.exec_id);
      break;
    case Step::kCrashDaemon:
      w.daemon()->Crash();
      break;
    case Step::kSleep:
      co_await w.ex.Sleep(sim::kSecond);
      break;
    case Step::kStaleContainer:
    case Step::kStaleContainerNoTask:
      (void)w.stack->LeaveStaleContainer("c1", program,
                                         step == Step::kStaleContainer);
      break;
    case Step::kKillItsTask:
      KillItsTask(w);
      co_await w.ex.Sleep(sim::kMillisecond);
      break;
    case Step::kRemoveItsContainer:
      RemoveItsContainer(w);
      break;
  }
}

// The cancel of an attached exec's context, once the exec runs (on a real
// containerd too); measured from the cancel on.
sim::Task<void> ExecCtxCancel(World& w) {
  auto ctx = std::make_shared<daemon_core::Context>();
  auto cancel = w.ex.Spawn(
      "cancel",
      [](World& wd,
         std::shared_ptr<daemon_core::Context> c) -> sim::Task<void> {
        co_await wd.ex.Sleep(500 * sim::kMillisecond);
        wd.Begin();
        c->Cancel();
      }(w, ctx));
  (void)co_await w.daemon()->ContainerExecStart(w.exec_id, ctx);
  w.End();
  co_await w.ex.Join(cancel);
}

sim::Task<void> RunOp(World& w, Op op) {
  if (op == Op::kExecCtxCancel) {
    co_await ExecCtxCancel(w);
    co_return;
  }
  daemon_core::Daemon& d = *w.daemon();
  if (op == Op::kRestore || op == Op::kRestoreLiveRestore) {
    w.stack->options.live_restore = op == Op::kRestoreLiveRestore;
  }
  w.daemon_level = op == Op::kStartup;
  w.Begin();
  switch (op) {
    case Op::kCreate: {
      std::vector<std::string> args{"run"};
      co_await Create(w, std::move(args));
    } break;
    case Op::kStart:
      (void)co_await d.ContainerStart("c1");
      break;
    case Op::kInspect:
      (void)co_await d.ContainerInspect("c1");
      break;
    case Op::kKill15:
      (void)co_await d.ContainerKill("c1", 15);
      break;
    case Op::kKill9:
      (void)co_await d.ContainerKill("c1", 9);
      (void)co_await d.ContainerWait("c1", WaitCondition::kNotRunning);
      break;
    case Op::kPause:
      (void)co_await d.ContainerPause("c1");
      break;
    case Op::kUnpause:
      (void)co_await d.ContainerUnpause("c1");
      break;
    case Op::kStop:
      (void)co_await d.ContainerStop("c1", 10 * sim::kSecond);
      break;
    case Op::kRestart:
      (void)co_await d.ContainerRestart("c1", 10 * sim::kSecond);
      break;
    case Op::kWaitExit:
      (void)co_await d.ContainerWait("c1", WaitCondition::kNotRunning);
      break;
    case Op::kRmStopped:
      (void)co_await d.ContainerRm("c1", false);
      break;
    case Op::kRmForce:
      (void)co_await d.ContainerRm("c1", true);
      break;
    case Op::kExecCreate: {
      std::vector<std::string> args{"exit", "0"};
      co_await ExecCreate(w, std::move(args));
    } break;
    case Op::kExecStart:
      (void)co_await d.ContainerExecStart(w.exec_id);
      break;
    case Op::kExecStartAttached:
      (void)co_await d.ContainerExecStart(
          w.exec_id, std::make_shared<daemon_core::Context>());
      co_await w.ex.Sleep(sim::kSecond);
      break;
    case Op::kExecExitEvent:
      co_await w.ex.Sleep(sim::kSecond);
      break;
    case Op::kExecInspect:
      (void)co_await d.ContainerExecInspect(w.exec_id);
      break;
    case Op::kShutdown:
      co_await d.Shutdown();
      break;
    case Op::kRestore:
    case Op::kRestoreLiveRestore:
    case Op::kStartup:
      co_await w.stack->RestartDaemon();
      break;
    case Op::kExecCtxCancel:
      break;
  }
  w.End();
}

sim::Task<void> RunRow(World& w, const RowSpec& r) {
  for (Step s : r.setup) co_await RunStep(w, s);
  co_await RunOp(w, r.op);
}

RpcRow Row(const RowSpec& r, daemon_core::libcontainerd::Design design,
           std::vector<std::string> measured) {
  rpc_table::Expected e = rpc_table::ParseExpected(
      design == daemon_core::libcontainerd::Design::kLegacy ? r.legacy
                                                            : r.objects,
      daemon_core::Daemon::Options{}.startup_handshake);
  return RpcRow{std::string(r.operation), std::move(measured),
                std::move(e.in_order), std::move(e.anywhere)};
}

// Runs a row in a fresh world (seed 0, so the table is the same every time)
// and returns the RPCs its operation issued.
std::vector<std::string> Measure(daemon_core::libcontainerd::Design design,
                                 const RowSpec& r) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Stack stack(ex, design);
  // A restarted daemon shows dockerd's startup whole (the first one is made
  // by the Stack with the default options).
  stack.options.plugin_events = true;
  World w(ex, &stack, nullptr);
  ex.Spawn("client", RunRow(w, r));
  ex.Run();
  std::vector<std::string> rpcs = w.measured;
  ex.DestroyAllTasks();
  return rpcs;
}

}  // namespace

std::vector<RpcRow> MeasureRpcs(daemon_core::libcontainerd::Design design) {
  std::vector<RpcRow> rows;
  for (const RowSpec& r : Rows()) {
    rows.push_back(Row(r, design, Measure(design, r)));
  }
  return rows;
}

std::optional<std::string> RpcRowMismatch(const RpcRow& row) {
  std::vector<std::string> ordered = row.rpcs;
  for (const std::string& m : row.anywhere) {
    auto it = std::find(ordered.begin(), ordered.end(), m);
    if (it == ordered.end()) return "no " + m + " at any place";
    ordered.erase(it);
  }
  if (ordered == row.expected) return std::nullopt;
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& m : v) {
      out += (out.empty() ? "" : ", ") + m.substr(m.rfind('.') + 1);
    }
    return out.empty() ? std::string("(none)") : out;
  };
  return "measured " + join(ordered) + "; expected " + join(row.expected);
}

absl::StatusOr<std::vector<RpcRow>> MeasureRpcsLive(
    daemon_core::libcontainerd::Design design, const LiveOptions& live) {
  std::vector<RpcRow> rows;
  for (const RowSpec& r : Rows()) {
    if (rpc_table::SimulatedOnly(r)) continue;
    wire::CompletionLoop loop(std::make_unique<grpc::CompletionQueue>());
    sim::RandomStrategy strategy;
    sim::ExecutorOptions options;
    options.max_steps = UINT64_MAX;
    sim::Executor ex(options, strategy);
    ex.set_outside(&loop);
    absl::Status failed;
    {
      LiveStack stack(ex, loop, live, design);
      World w(ex, nullptr, &stack);
      // A clean namespace before and after: each row starts from nothing.
      auto run = [](World* wp, const RowSpec* row,
                    absl::Status* out) -> sim::Task<void> {
        World& w = *wp;
        *out = co_await RemoveEverything(w.ex, w.live->grpc, w.live->live.ns);
        if (!out->ok()) co_return;
        co_await w.daemon()->EventMonitorReady();
        co_await RunRow(w, *row);
        *out = co_await RemoveEverything(w.ex, w.live->grpc, w.live->live.ns);
      };
      ex.Spawn("client", run(&w, &r, &failed));
      sim::RunResult result = ex.Run();
      if (result.violation.has_value() && failed.ok()) {
        failed = absl::InternalError(result.violation->message);
      }
      ex.DestroyAllTasks();
      rows.push_back(Row(r, design, w.measured));
    }
    if (!failed.ok()) {
      return absl::Status(failed.code(),
                          "row '" + std::string(r.operation) +
                              "': " + std::string(failed.message()));
    }
  }
  return rows;
}

}  // namespace properties
