#include "properties/rpc_table.h"

#include <functional>
#include <memory>
#include <optional>

#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "daemon_core/daemon.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/in_process.h"
#include "fake_containerd/real_command.h"
#include "fake_containerd/sim_transport.h"
#include "properties/live_stack.h"
#include "properties/stack.h"
#include "sim/strategy_random.h"

namespace properties {

namespace {

using daemon_core::Daemon;
using daemon_core::WaitCondition;

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
  std::optional<fake_containerd::RpcLog::Scope> scope;
  std::vector<std::string> measured;
  void Begin() { scope.emplace(log()); }
  // The event monitor's subscription is the daemon's, not the operation's.
  void End() {
    for (std::string& m : scope->calls()) {
      if (m != "/containerd.services.events.v1.Events/Subscribe")
        measured.push_back(m);
    }
    scope.reset();
  }
};

using Body = std::function<sim::Task<void>(World&)>;

// Runs `body` in a fresh world (seed 0, so the table is the same every time)
// and returns the RPCs between its Begin and End.
std::vector<std::string> Measure(daemon_core::libcontainerd::Design design,
                                 Body body) {
  sim::RandomStrategy strategy;
  sim::Executor ex({}, strategy);
  Stack stack(ex, design);
  World w(ex, &stack, nullptr);
  ex.Spawn("client", body(w));
  ex.Run();
  std::vector<std::string> rpcs = w.measured;
  ex.DestroyAllTasks();
  return rpcs;
}

sim::Task<void> Running(World& w, std::vector<std::string> args) {
  (void)co_await w.daemon()->ContainerCreate("c1", std::move(args));
  (void)co_await w.daemon()->ContainerStart("c1");
}

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

sim::Task<std::string> ExecCreated(World& w, std::vector<std::string> args) {
  absl::StatusOr<std::string> id =
      co_await w.daemon()->ContainerExecCreate("c1", std::move(args));
  co_return id.ok() ? *id : "";
}

// A containerd container "c1" with a running task, left by an earlier daemon
// (its task killed when `kill_its_task`); then the daemon creates and starts
// "c1", measured.
sim::Task<void> StartOverStaleContainer(World& w, bool kill_its_task) {
  const std::vector<std::string> run{"run"};
  (void)w.stack->LeaveStaleContainer("c1", run, /*task=*/true);
  if (kill_its_task) {
    ::containerd::services::tasks::v1::KillRequest kill;
    kill.set_container_id("c1");
    kill.set_signal(9);
    (void)w.stack->fake.Kill("moby", kill);
    co_await w.ex.Sleep(sim::kMillisecond);
  }
  std::vector<std::string> args{"run"};
  (void)co_await w.daemon()->ContainerCreate("c1", std::move(args));
  w.Begin();
  (void)co_await w.daemon()->ContainerStart("c1");
  w.End();
}

struct RowDef {
  std::string name;
  Body body;
  bool live = true;  // false: it reaches into the fake (simulated only)
};

std::vector<RowDef> Rows() {
  std::vector<RowDef> rows;
  auto row = [&](std::string name, Body body, bool live = true) {
    rows.push_back(RowDef{std::move(name), std::move(body), live});
  };
  row("create", [](World& w) -> sim::Task<void> {
    w.Begin();
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon()->ContainerCreate("c1", std::move(args));
    w.End();
  });
  row("start", [](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon()->ContainerCreate("c1", std::move(args));
    w.Begin();
    (void)co_await w.daemon()->ContainerStart("c1");
    w.End();
  });
  row("start, runtime error (missing binary)", [](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"/no/such/binary"};
    (void)co_await w.daemon()->ContainerCreate("c1", std::move(args));
    w.Begin();
    (void)co_await w.daemon()->ContainerStart("c1");
    w.End();
  });
  row("inspect", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a1{"run"};

    co_await Running(w, std::move(a1));
    w.Begin();
    (void)co_await w.daemon()->ContainerInspect("c1");
    w.End();
  });
  row("kill", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a2{"run"};

    co_await Running(w, std::move(a2));
    w.Begin();
    (void)co_await w.daemon()->ContainerKill("c1", 15);
    w.End();
  });
  row("pause", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a{"run"};
    co_await Running(w, std::move(a));
    w.Begin();
    (void)co_await w.daemon()->ContainerPause("c1");
    w.End();
  });
  row("unpause", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a{"run"};
    co_await Running(w, std::move(a));
    (void)co_await w.daemon()->ContainerPause("c1");
    w.Begin();
    (void)co_await w.daemon()->ContainerUnpause("c1");
    w.End();
  });
  row("stop (exits on SIGTERM; includes the exit's handling)",
      [](World& w) -> sim::Task<void> {
        std::vector<std::string> a{"run"};
        co_await Running(w, std::move(a));
        co_await AwaitSigtermTrap(w);
        w.Begin();
        (void)co_await w.daemon()->ContainerStop("c1", 10 * sim::kSecond);
        w.End();
      });
  row("init exit event (until wait returns)", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a3{"exit", "0", "10ms"};

    co_await Running(w, std::move(a3));
    w.Begin();
    (void)co_await w.daemon()->ContainerWait("c1", WaitCondition::kNotRunning);
    w.End();
  });
  row("exec create", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a4{"run"};

    co_await Running(w, std::move(a4));
    w.Begin();
    std::vector<std::string> a5{"exit", "0"};

    (void)co_await ExecCreated(w, std::move(a5));
    w.End();
  });
  row("exec start", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a6{"run"};

    co_await Running(w, std::move(a6));
    std::vector<std::string> a7{"run"};

    std::string id = co_await ExecCreated(w, std::move(a7));
    w.Begin();
    (void)co_await w.daemon()->ContainerExecStart(id);
    w.End();
  });
  row("exec start, runtime error", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a8{"run"};

    co_await Running(w, std::move(a8));
    std::vector<std::string> a9{"no-such-binary"};

    std::string id = co_await ExecCreated(w, std::move(a9));
    w.Begin();
    (void)co_await w.daemon()->ContainerExecStart(id);
    w.End();
  });
  row("exec exit event (until the process is deleted)",
      [](World& w) -> sim::Task<void> {
        std::vector<std::string> a10{"run"};

        co_await Running(w, std::move(a10));
        std::vector<std::string> a11{"exit", "0", "10ms"};

        std::string id = co_await ExecCreated(w, std::move(a11));
        (void)co_await w.daemon()->ContainerExecStart(id);
        w.Begin();
        sim::Executor& ex = w.ex;
        // The exit, its handler, the Process.Delete (long enough for a real
        // containerd too).
        co_await ex.Sleep(sim::kSecond);
        w.End();
      });
  row("exec inspect", [](World& w) -> sim::Task<void> {
    std::vector<std::string> a12{"run"};

    co_await Running(w, std::move(a12));
    std::vector<std::string> a13{"run"};

    std::string id = co_await ExecCreated(w, std::move(a13));
    w.Begin();
    (void)co_await w.daemon()->ContainerExecInspect(id);
    w.End();
  });
  row("exec ctx cancel (attached client goes away)",
      [](World& w) -> sim::Task<void> {
        std::vector<std::string> a{"run"};
        co_await Running(w, std::move(a));
        std::vector<std::string> e{"run"};
        std::string id = co_await ExecCreated(w, std::move(e));
        auto ctx = std::make_shared<daemon_core::Context>();
        sim::Executor& ex = w.ex;
        auto cancel = ex.Spawn(
            "cancel",
            [](World& wd,
               std::shared_ptr<daemon_core::Context> c) -> sim::Task<void> {
              // Once the exec runs, on a real containerd too.
              co_await wd.ex.Sleep(500 * sim::kMillisecond);
              wd.Begin();
              c->Cancel();
            }(w, ctx));
        (void)co_await w.daemon()->ContainerExecStart(id, ctx);
        w.End();
        co_await ex.Join(cancel);
      });
  row(
      "start, stale containerd container",
      [](World& w) -> sim::Task<void> {
        co_await StartOverStaleContainer(w, /*kill_its_task=*/false);
      },
      false);
  row(
      "start, stale containerd container, its task dead",
      [](World& w) -> sim::Task<void> {
        co_await StartOverStaleContainer(w, /*kill_its_task=*/true);
      },
      false);
  row("rm stopped", [](World& w) -> sim::Task<void> {
    std::vector<std::string> args{"run"};
    (void)co_await w.daemon()->ContainerCreate("c1", std::move(args));
    w.Begin();
    (void)co_await w.daemon()->ContainerRm("c1", false);
    w.End();
  });
  row(
      "restore, running (live-restore)",
      [](World& w) -> sim::Task<void> {
        std::vector<std::string> a{"run"};
        co_await Running(w, std::move(a));
        w.stack->options.live_restore = true;
        w.Begin();
        co_await w.stack->RestartDaemon();
        w.End();
      },
      false);
  row(
      "restore, task dead",
      [](World& w) -> sim::Task<void> {
        std::vector<std::string> a{"exit", "0", "10ms"};
        co_await Running(w, std::move(a));
        w.daemon()->Crash();
        co_await w.ex.Sleep(sim::kSecond);
        w.Begin();
        co_await w.stack->RestartDaemon();
        w.End();
      },
      false);
  row(
      "restore, paused and alive (live-restore)",
      [](World& w) -> sim::Task<void> {
        std::vector<std::string> a{"run"};
        co_await Running(w, std::move(a));
        (void)co_await w.daemon()->ContainerPause("c1");
        co_await w.ex.Sleep(sim::kMillisecond);
        w.stack->options.live_restore = true;
        w.Begin();
        co_await w.stack->RestartDaemon();
        w.End();
      },
      false);
  row(
      "restore, containerd container gone",
      [](World& w) -> sim::Task<void> {
        std::vector<std::string> a{"run"};
        co_await Running(w, std::move(a));
        w.daemon()->Crash();
        // The task and container vanish behind the daemon's back.
        containerd::services::tasks::v1::KillRequest kill;
        kill.set_container_id("c1");
        kill.set_signal(9);
        (void)w.stack->fake.Kill("moby", kill);
        sim::Executor& ex = w.ex;
        co_await ex.Sleep(sim::kMillisecond);
        containerd::services::tasks::v1::DeleteTaskRequest del;
        del.set_container_id("c1");
        containerd::services::tasks::v1::DeleteResponse del_resp;
        (void)w.stack->fake.DeleteTask("moby", del, &del_resp);
        containerd::services::containers::v1::DeleteContainerRequest cdel;
        cdel.set_id("c1");
        (void)w.stack->fake.DeleteContainer("moby", cdel);
        w.Begin();
        co_await w.stack->RestartDaemon();
        w.End();
      },
      false);
  return rows;
}

}  // namespace

std::vector<RpcRow> MeasureRpcs(daemon_core::libcontainerd::Design design) {
  std::vector<RpcRow> rows;
  for (RowDef& r : Rows()) {
    rows.push_back(RpcRow{r.name, Measure(design, std::move(r.body))});
  }
  return rows;
}

absl::StatusOr<std::vector<RpcRow>> MeasureRpcsLive(
    daemon_core::libcontainerd::Design design, const LiveOptions& live) {
  std::vector<RpcRow> rows;
  for (RowDef& r : Rows()) {
    if (!r.live) continue;
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
      auto run = [](World* wp, Body* body,
                    absl::Status* out) -> sim::Task<void> {
        World& w = *wp;
        *out = co_await RemoveEverything(w.ex, w.live->grpc, w.live->live.ns);
        if (!out->ok()) co_return;
        co_await w.daemon()->EventMonitorReady();
        co_await (*body)(w);
        *out = co_await RemoveEverything(w.ex, w.live->grpc, w.live->live.ns);
      };
      ex.Spawn("client", run(&w, &r.body, &failed));
      sim::RunResult result = ex.Run();
      if (result.violation.has_value() && failed.ok()) {
        failed = absl::InternalError(result.violation->message);
      }
      ex.DestroyAllTasks();
      rows.push_back(RpcRow{r.name, w.measured});
    }
    if (!failed.ok()) {
      return absl::Status(failed.code(), "row '" + r.name + "': " +
                                             std::string(failed.message()));
    }
  }
  return rows;
}

}  // namespace properties
