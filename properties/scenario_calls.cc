// properties/scenario_runner.h: the API calls the clients make and the
// environment events, as one run of ScenarioRun carries them out.
#include "absl/algorithm/container.h"
#include "properties/check_restore.h"
#include "properties/check_saved_state.h"
#include "properties/scenario_runner.h"

namespace properties::internal {

std::string OpName(sc::Op op) { return sc::Op_Name(op); }

daemon_core::RestartPolicy PolicyOf(sc::RestartPolicy p, int max_retry) {
  daemon_core::RestartPolicy r;
  using Name = daemon_core::RestartPolicy::Name;
  r.name = p == sc::RESTART_ALWAYS           ? Name::kAlways
           : p == sc::RESTART_ON_FAILURE     ? Name::kOnFailure
           : p == sc::RESTART_UNLESS_STOPPED ? Name::kUnlessStopped
                                             : Name::kNo;
  r.maximum_retry_count = max_retry;
  return r;
}

fake_containerd::FaultOptions FaultOptionsOf(const sc::Faults& f) {
  fake_containerd::FaultOptions o;
  auto ratio = [](double p) {
    return sim::Ratio{static_cast<uint64_t>(p * 1'000'000), 1'000'000};
  };
  using fake_containerd::FaultPoint;
  o.probability[static_cast<int>(FaultPoint::kRpcUnavailable)] =
      ratio(f.rpc_unavailable());
  o.probability[static_cast<int>(FaultPoint::kReplyLost)] =
      ratio(f.reply_lost());
  o.probability[static_cast<int>(FaultPoint::kReplyDelayed)] =
      ratio(f.reply_delayed());
  o.probability[static_cast<int>(FaultPoint::kExecStartFails)] =
      ratio(f.exec_start_fails());
  return o;
}

sim::Task<void> ScenarioRun::Invoke(std::shared_ptr<CallRecord> rec) {
  const sc::Call& c = *rec->call;
  daemon_core::Daemon& d = daemon();
  std::vector<std::string> args(c.args().begin(), c.args().end());
  const sim::Nanos timeout =
      (c.timeout_ms() > 0 ? c.timeout_ms() : 10'000) * sim::kMillisecond;
  absl::Status status;
  Bookkeeping(sim::Access::kRead);  // the exec ids below
  switch (c.op()) {
    case sc::CREATE:
      status = co_await d.ContainerCreate(
          c.container(), args, PolicyOf(c.restart(), 0), c.auto_remove());
      break;
    case sc::START:
      status = co_await d.ContainerStart(c.container());
      break;
    case sc::KILL:
      status =
          co_await d.ContainerKill(c.container(), c.signal() ? c.signal() : 9);
      break;
    case sc::STOP:
      status = co_await d.ContainerStop(c.container(), timeout);
      break;
    case sc::RESTART:
      status = co_await d.ContainerRestart(c.container(), timeout);
      break;
    case sc::PAUSE:
      status = co_await d.ContainerPause(c.container());
      break;
    case sc::UNPAUSE:
      status = co_await d.ContainerUnpause(c.container());
      break;
    case sc::WAIT: {
      const daemon_core::WaitCondition cond =
          c.condition() == sc::NEXT_EXIT ? daemon_core::WaitCondition::kNextExit
          : c.condition() == sc::REMOVED
              ? daemon_core::WaitCondition::kRemoved
              : daemon_core::WaitCondition::kNotRunning;
      absl::StatusOr<StateStatus> r =
          co_await d.ContainerWait(c.container(), cond);
      status = r.status();
      if (r.ok()) rec->wait = *r;
      break;
    }
    case sc::INSPECT: {
      absl::StatusOr<ContainerInspectResult> r =
          co_await d.ContainerInspect(c.container());
      status = r.status();
      if (r.ok()) rec->inspect = *r;
      break;
    }
    case sc::WAIT_UNTIL: {
      // Inspect until the expectation holds or the deadline passes; each
      // inspect is progress for the stuck-call watch. The last one is the
      // call's result (its expectation is judged when the call returns).
      const sim::Nanos deadline = ex_.now() + timeout;
      for (;;) {
        absl::StatusOr<ContainerInspectResult> r =
            co_await d.ContainerInspect(c.container());
        ++calls_seen_;
        Bookkeeping(sim::Access::kRead);
        if (NamesExecs(c)) ExecIds(sim::Access::kRead);
        status = r.status();
        rec->inspect.reset();
        if (r.ok()) rec->inspect = *r;
        const bool met =
            CheckExpectation(c, config_.design, status,
                             rec->inspect ? &*rec->inspect : nullptr, nullptr,
                             nullptr, ex_.now() / sim::kMillisecond, exec_ids_)
                .ok();
        if (met || ex_.now() >= deadline) break;
        co_await ex_.Sleep(10 * sim::kMillisecond);
      }
      break;
    }
    case sc::RM:
      status = co_await d.ContainerRm(c.container(), c.force());
      break;
    case sc::EXEC_CREATE: {
      absl::StatusOr<std::string> id =
          co_await d.ContainerExecCreate(c.container(), args);
      status = id.status();
      ExecIds(sim::Access::kWrite);
      if (id.ok()) {
        exec_ids_[c.exec()] = *id;
        exec_container_[*id] = c.container();
        rec->exec_id = *id;
      }
      break;
    }
    case sc::EXEC_START: {
      ExecIds(sim::Access::kRead);
      auto it = exec_ids_.find(c.exec());
      if (it == exec_ids_.end()) {
        status = absl::NotFoundError("No such exec instance: " + c.exec());
        break;
      }
      rec->exec_id = it->second;
      started_execs_.insert(it->second);
      std::shared_ptr<daemon_core::Context> ctx;
      if (!c.detach()) {
        ctx = std::make_shared<daemon_core::Context>(ex_, bookkeeping_);
        if (c.cancel_after_ms() > 0) {
          ex_.Spawn("cancel " + c.exec(),
                    CancelAfter(ctx, c.cancel_after_ms() * sim::kMillisecond,
                                it->second),
                    sim::SpawnOptions{.background = true});
        }
      }
      status = co_await d.ContainerExecStart(it->second, ctx);
      Bookkeeping(sim::Access::kRead);  // a set of the harness's own
      ExecIds(sim::Access::kRead);      // ExecRegistered
      if (status.ok() && !ExecRegistered(c.container(), it->second)) {
        // The container restarted between the exec's create and its start:
        // the exec runs in the new task but was unregistered with the old
        // run, so its exit finds no exec and its process is never deleted
        // (a moby race, docs/SCENARIOS.md). Left out of the DeleteProcess
        // check.
        orphaned_execs_.insert(it->second);
      }
      break;
    }
    case sc::EXEC_INSPECT: {
      ExecIds(sim::Access::kRead);
      auto it = exec_ids_.find(c.exec());
      if (it == exec_ids_.end()) {
        status = absl::NotFoundError("No such exec instance: " + c.exec());
        break;
      }
      rec->exec_id = it->second;
      absl::StatusOr<ExecInspectResult> r =
          co_await d.ContainerExecInspect(it->second);
      status = r.status();
      if (r.ok()) rec->exec_inspect = *r;
      break;
    }
    default:
      break;
  }
  rec->status = status;
  ++calls_seen_;
  rec->returned = Seq();
  rec->returned_at = ex_.now();
  rec->done = true;
}

bool ScenarioRun::ExecRegistered(const std::string& container,
                                 const std::string& exec_id) {
  // Reads the daemon's ExecCommands without its lock, as the per-step check.
  ex_.Touch(sim::kCheckedState, sim::Access::kRead);
  const std::string& cid =
      container.empty() ? exec_container_[exec_id] : container;
  auto it = daemon().containers().find(cid);
  return it != daemon().containers().end() &&
         it->second->exec_commands.PeekContains(exec_id);
}

sim::Task<void> ScenarioRun::CancelAfter(
    std::shared_ptr<daemon_core::Context> ctx, sim::Nanos after,
    std::string exec_id) {
  co_await ex_.Sleep(after);
  Bookkeeping();
  if (!ctx->cancelled()) cancelled_execs_.insert(exec_id);
  ctx->Cancel();
}

sim::Task<void> ScenarioRun::RunEnvEvent(const sc::EnvEvent* e) {
  co_await ex_.Sleep(e->after_ms() * sim::kMillisecond);
  // Only a daemon restart or shutdown changes the harness's bookkeeping
  // (daemon_down_, the calls in flight, the history's restarts); the others
  // act on containerd, whose own objects order them, so that an OOM event is
  // not a race with every client's bookkeeping read.
  const sim::Access bookkeeping =
      e->kind() == sc::EnvEvent::DAEMON_RESTART ||
              e->kind() == sc::EnvEvent::DAEMON_SHUTDOWN
          ? sim::Access::kWrite
          : sim::Access::kRead;
  Bookkeeping(bookkeeping);
  Seq();
  switch (e->kind()) {
    case sc::EnvEvent::DAEMON_RESTART:
    case sc::EnvEvent::DAEMON_SHUTDOWN: {
      if (daemon_down_) break;  // stopping a dockerd that is down: nothing
      daemon_down_ = true;
      // What the next daemon will restore: each container no one is changing
      // must be on disk as shown.
      if (absl::Status s = CheckSavedState(
              daemon(), e->kind() == sc::EnvEvent::DAEMON_SHUTDOWN
                            ? "when the daemon was told to stop"
                            : "when the daemon was killed");
          !s.ok()) {
        ex_.Fail("saved-state", std::string(s.message()));
      }
      // The API calls in flight die with the daemon. A graceful stop closes
      // the API server first, which resets their connections; their handlers
      // go on in the stopping daemon until it exits.
      const std::map<int, sim::TaskId> inflight = inflight_;
      const bool graceful = e->kind() == sc::EnvEvent::DAEMON_SHUTDOWN;
      if (graceful) {
        for (const auto& r : calls_) r->reset |= !r->done;
      } else {
        for (const auto& [unused, t] : inflight) ex_.Cancel(t);
      }
      // moby does not restore execs: their processes are the new daemon's
      // to ignore.
      orphaned_execs_.insert(started_execs_.begin(), started_execs_.end());
      model::DaemonRestart restart;
      restart.graceful = graceful;
      restart.live_restore = s_.live_restore();
      restart.crashed = Seq();
      if (graceful) {
        co_await stack_->ShutdownDaemon();
        Bookkeeping();
        // dockerd exits: what its handlers still do (a wait) ends with it.
        for (const auto& [index, t] : inflight) {
          auto it = inflight_.find(index);
          if (it != inflight_.end() && it->second == t) ex_.Cancel(t);
        }
      } else {
        stack_->CrashDaemon();
      }
      if (e->down_ms() > 0)
        co_await ex_.Sleep(e->down_ms() * sim::kMillisecond);
      NextDaemon();
      // Faults (and containerd's restarts) may make restore give up on a
      // container or not learn its task's status, as moby's does: restore
      // is judged only in runs without them.
      RestoreSeen seen;
      if (!hist_.faults) {
        seen.saved = stack_->disk.Checkpoints();
        seen.before = StateOfFake(stack_->fake, ns_, {});
        seen.live_restore = s_.live_restore();
        for (const daemon_core::ContainerCheckpoint& cp : seen.saved) {
          auto task = seen.before.tasks.find(cp.id);
          const bool alive = task != seen.before.tasks.end() &&
                             task->second != ContainerdState::Status::kStopped;
          if ((cp.running || cp.paused) && !alive) {
            restart.cleaned_by_restore.push_back(cp.id);
          }
        }
      }
      co_await stack_->StartDaemon();
      Bookkeeping();
      restart.restored = Seq();
      // What the crash left in containerd that restore does not know of.
      const ContainerdState left = StateOfFake(stack_->fake, ns_, {});
      if (!hist_.faults) {
        seen.after = left;
        if (absl::Status s = CheckRestore(seen, daemon()); !s.ok()) {
          ex_.Fail("restore", std::string(s.message()));
        }
      }
      for (const auto& [id, c] : daemon().containers()) {
        model::ContainerSnapshot& s =
            restart.containers.emplace_back(SnapshotOf(*c));
        auto task = left.tasks.find(id);
        s.stale_task = !s.view.running && task != left.tasks.end() &&
                       task->second != ContainerdState::Status::kStopped;
        s.stale_container =
            !s.view.running && absl::c_linear_search(left.containers, id);
        s.frozen_task = s.view.running && !s.view.paused &&
                        task != left.tasks.end() &&
                        task->second == ContainerdState::Status::kPaused;
      }
      std::set<std::string> left_ids(left.containers.begin(),
                                     left.containers.end());
      for (const auto& [id, status] : left.tasks) left_ids.insert(id);
      for (const std::string& id : left_ids) {
        if (!daemon().containers().contains(id)) {
          restart.left_behind.push_back(id);
        }
      }
      hist_.restarts.push_back(std::move(restart));
      daemon_down_ = false;
      break;
    }
    case sc::EnvEvent::CONTAINERD_RESTART:
      stack_->fake.Restart();
      break;
    case sc::EnvEvent::SHIM_DIES:
      (void)stack_->fake.kernel().KillShim(kNs, e->container());
      break;
    case sc::EnvEvent::KILL_PROCESS: {
      containerd::services::tasks::v1::KillRequest kill;
      kill.set_container_id(e->container());
      kill.set_signal(e->signal() ? e->signal() : 15);
      (void)stack_->fake.Kill(kNs, kill);
      break;
    }
    case sc::EnvEvent::OOM: {
      containerd::events::TaskOOM oom;
      oom.set_container_id(e->container());
      stack_->fake.events().Publish(kNs, "/tasks/oom", oom);
      break;
    }
    default:
      break;
  }
  Bookkeeping(bookkeeping);
  Seq();
}

}  // namespace properties::internal
