// daemon_core/daemon_restore.cc: restore() after a daemon restart (moby
// daemon/daemon.go, after PR #43564; moby-daemon.md §5), and its counterpart
// Shutdown() (daemon.Shutdown). Containers come back from the Disk; each is
// reconciled with what containerd still runs.
#include <algorithm>

#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"

namespace daemon_core {

sim::Task<void> Daemon::Restore() {
  // daemon.load + Register: every container is known before any is restored,
  // so events that arrive meanwhile find it.
  std::vector<std::shared_ptr<Container>> loaded;
  for (const ContainerCheckpoint& cp : disk_.Checkpoints()) {
    std::shared_ptr<Container> c =
        Container::FromCheckpoint(ex_, cp, options_.mutation);
    c->restoring = true;
    containers_[c->id] = c;
    loaded.push_back(std::move(c));
  }
  // One goroutine per container, as moby's restore does.
  std::vector<sim::JoinHandle<void>> restores;
  for (const std::shared_ptr<Container>& c : loaded) {
    restores.push_back(ex_.Spawn("restore " + c->id, RestoreContainer(c)));
  }
  for (const sim::JoinHandle<void>& h : restores) co_await ex_.Join(h);
  // restartContainers: containerStart with resetRestartManager, which is a
  // no-op for a container that is (still) running. The restart manager asked
  // is a fresh one (this daemon's first, or the one ResetRestartManager left):
  // no earlier kill or stop cancelled it, so `always` restarts a container
  // that was `docker stop`ped ("restarted only when the Docker daemon
  // restarts"), and on-failure one that a kill or stop left with a non-zero
  // code.
  //
  // Departure: moby also asks for a running (live-restored) container, which
  // leaves its restart manager "active" for one backoff step; dsim asks only
  // for those that are not running.
  for (const std::shared_ptr<Container>& c : loaded) {
    co_await c->state.mu.Lock();
    const bool restart = c->has_been_started_before && !c->state.running &&
                         c->GetRestartManager()->ShouldRestart(
                             c->state.exit_code, c->has_been_manually_stopped,
                             /*execution_duration=*/0);
    if (restart) {
      absl::Status s =
          co_await ContainerStartLocked(*c, /*reset_restart_manager=*/true);
      if (!s.ok()) {
        ex_.Note("failed to start container " + c->id +
                 " on restore: " + std::string(s.message()));
      }
    }
    c->state.mu.Unlock();
  }
  // removeContainers: every other container with AutoRemove that restore
  // went through (one it gave up on is skipped) is removed, rm -f, one
  // goroutine each: a stopped one, a created one never started, and, with
  // live-restore, a running one too (moby 20.10 daemon.restore decides
  // "restart, else remove if AutoRemove" for all of them).
  std::vector<sim::JoinHandle<void>> removals;
  for (const std::shared_ptr<Container>& c : loaded) {
    if (!c->auto_remove || c->restoring) continue;
    removals.push_back(ex_.Spawn("restore remove " + c->id, AutoRemove(c)));
  }
  for (const sim::JoinHandle<void>& h : removals) co_await ex_.Join(h);
  if (options_.startup_handshake) {
    // The rest of NewDaemon and cmd/dockerd ask containerd's version twice
    // (SystemInfo: once for the engine-info metric, once for the "Docker
    // daemon" log line); a failure is a warning ("containerd version N/A").
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<std::string> v = co_await c8d_.Version();
      if (!v.ok()) {
        ex_.Note("failed to retrieve containerd version: " +
                 std::string(v.status().message()));
      }
    }
  }
}

sim::Task<void> Daemon::Shutdown() {
  shutting_down_ = true;
  // With live-restore, containers keep running for the next daemon.
  if (!options_.live_restore) {
    // daemon.containers.ApplyAll runs one goroutine per container.
    std::vector<sim::JoinHandle<void>> stops;
    for (const auto& [id, c] : containers_) {
      if (!c->state.running) continue;
      stops.push_back(ex_.Spawn("shutdown " + id, ShutdownContainer(c)));
      tasks_.push_back(stops.back().id);  // a forced exit stops them too
    }
    for (const sim::JoinHandle<void>& h : stops) co_await ex_.Join(h);
  }
  Crash();
}

sim::Task<void> Daemon::ShutdownDaemon() {
  auto done = std::make_shared<sim::Notify>(ex_, "daemon shutdown done");
  sim::JoinHandle<void> shutdown =
      ex_.Spawn("daemon shutdown", RunShutdown(done));
  if (co_await done->WaitFor(ShutdownTimeout())) co_return;
  ex_.Note("Force shutdown daemon");
  ex_.Cancel(shutdown.id);
  Crash();
}

sim::Task<void> Daemon::RunShutdown(std::shared_ptr<sim::Notify> done) {
  co_await Shutdown();
  done->Fire();
}

sim::Nanos Daemon::ShutdownTimeout() const {
  constexpr sim::Nanos kShutdownTimeout = 15 * sim::kSecond;  // the default
  constexpr sim::Nanos kGrace = 5 * sim::kSecond;
  return std::max(kShutdownTimeout, options_.stop_timeout + kGrace);
}

sim::Task<void> Daemon::ShutdownContainer(std::shared_ptr<Container> c) {
  absl::Status s = co_await StopContainer(c, options_.stop_timeout);
  if (!s.ok()) {
    ex_.Note("failed to shut down container " + c->id + ": " +
             std::string(s.message()));
    co_return;
  }
  // shutdownContainer: then wait, without a timeout, for the exit.
  (void)co_await c->state.Wait(WaitCondition::kNotRunning);
}

sim::Task<void> Daemon::RestoreContainer(std::shared_ptr<Container> c) {
  State& st = c->state;
  // RestoreTask, under the container lock: NotFound leaves a handle nil; any
  // other error skips the container.
  co_await st.mu.Lock();
  absl::StatusOr<std::unique_ptr<libcontainerd::Container>> ctr =
      co_await client_->LoadContainer(c->id);
  absl::StatusOr<c8d::ProcessStatus> status = c8d::ProcessStatus::kUnknown;
  std::optional<c8d::TaskHandle> restored_process;
  if (ctr.ok()) {
    absl::StatusOr<libcontainerd::Container::Restored> r =
        co_await (*ctr)->Restore();
    if (!r.ok()) {
      ex_.Note("failed to restore container " + c->id +
               " with containerd: " + std::string(r.status().message()));
      st.mu.Unlock();
      co_return;
    }
    c->task = std::move(r->task);
    status = r->status;
    restored_process = std::move(r->loaded);
    c->ctr = std::move(*ctr);
  } else if (!absl::IsNotFound(ctr.status())) {
    ex_.Note("failed to restore container " + c->id +
             " with containerd: " + std::string(ctr.status().message()));
    st.mu.Unlock();
    co_return;
  }
  st.mu.Unlock();

  bool alive = false;
  std::optional<c8d::ExitStatus> es;
  if (c->task != nullptr) {
    if (!status.ok()) {
      ex_.Note("failed to get task status of " + c->id + ": " +
               std::string(status.status().message()));
    } else {
      alive = *status != c8d::ProcessStatus::kStopped;
      if (options_.mutation == Mutation::kRestoreTreatsDeadTaskAsAlive) {
        alive = true;  // the task exists, so it must run
      }
      if (!alive) {
        absl::StatusOr<c8d::ExitStatus> deleted =
            co_await restored_process->Delete();
        if (deleted.ok()) {
          es = *deleted;
        } else if (!absl::IsNotFound(deleted.status())) {
          ex_.Note("failed to delete task of " + c->id + ": " +
                   std::string(deleted.status().message()));
          co_return;
        }
      } else if (!options_.live_restore) {
        // shutdownContainer: containerStop, whose kill cancels the restart
        // manager (ExitOnNext), so the exit the event monitor handles is not
        // restarted by the policy; then a fresh restart manager, which
        // restartContainers below asks.
        absl::Status stopped = co_await StopContainer(c, options_.stop_timeout);
        if (!stopped.ok() && !absl::IsNotFound(stopped)) {
          // moby logs "error shutting down container" and leaves this
          // container as it is: Running from disk, with its task handle (a
          // task paused behind the daemon's back under a runtime that does
          // not thaw it for SIGKILL ignores both signals; runc 1.1 thaws).
          ex_.Note("error shutting down container " + c->id + ": " +
                   std::string(stopped.message()));
          co_return;
        }
        alive = false;
        status = c8d::ProcessStatus::kStopped;
        co_await st.mu.Lock();
        c->ResetRestartManager(false);
        st.mu.Unlock();
      }
    }
  }

  co_await st.mu.Lock();
  if (st.running || st.paused) {
    c->GetRestartManager()->Cancel();
    if (st.paused && alive) {
      c8d::ProcessStatus cached = *status;
      if (options_.design == libcontainerd::Design::kLegacy) {
        // Before the PR: a separate Status call for a paused container.
        absl::StatusOr<c8d::ProcessStatus> s = co_await c->task->Status();
        cached = s.ok() ? *s : c8d::ProcessStatus::kUnknown;
      }
      switch (cached) {
        case c8d::ProcessStatus::kPaused:
        case c8d::ProcessStatus::kPausing:
          break;
        case c8d::ProcessStatus::kUnknown:
        case c8d::ProcessStatus::kStopped:
          ex_.Note("unexpected status for paused container " + c->id +
                   " during restore");
          break;
        default:
          st.paused = false;
          co_await CheckpointTo(*c);
      }
    } else if (!alive) {
      ExitInfo exit;
      if (es.has_value()) {
        exit = ExitInfo{static_cast<int>(es->code), es->exited_at};
      } else if (options_.design == libcontainerd::Design::kLegacy &&
                 c->ctr != nullptr) {
        exit = ExitInfo{255, ex_.WallTime()};  // restoredProcess.Delete failed
      }
      st.SetStopped(exit);
      if (c->ctr != nullptr) {
        (void)co_await c->ctr->Delete();
      } else if (options_.design == libcontainerd::Design::kLegacy) {
        // The old Cleanup deleted by id regardless: its getContainer fails.
        (void)co_await client_->LoadContainer(c->id);
      }
      co_await CheckpointTo(*c);
    }
    c->ResetRestartManager(false);
  }
  if (st.removal_in_progress) {
    st.removal_in_progress = false;
    st.dead = true;
    if (options_.mutation != Mutation::kRestoreDeadNotSaved) {
      co_await CheckpointTo(*c);
    }
  }
  c->restoring = false;
  st.mu.Unlock();
}

}  // namespace daemon_core
