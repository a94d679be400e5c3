// daemon_core/daemon_start.cc: containerStart (moby daemon/start.go, after PR
// #43564): the container lock is held for the whole call, RPCs included; a
// stale containerd container is replaced (libcontainerd/replace.go, 6a2f385a);
// a failed start deletes what it created.
#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"

namespace daemon_core {

namespace {

// translateContainerdStartErr: what a failed runtime start means to a client.
absl::Status TranslateStartError(const absl::Status& s, int* exit_code) {
  const std::string msg(s.message());
  if (msg.find("executable file not found") != std::string::npos ||
      msg.find("no such file or directory") != std::string::npos) {
    *exit_code = 127;
    return InvalidParameter(msg);
  }
  if (msg.find("permission denied") != std::string::npos) {
    *exit_code = 126;
    return InvalidParameter(msg);
  }
  return System(msg);
}

}  // namespace

sim::Task<absl::Status> Daemon::ContainerStart(std::string id) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  co_await c->state.mu.Lock();
  // ContainerStart's validateState: a paused container is refused before the
  // running check answers 304.
  if (c->state.paused) {
    c->state.mu.Unlock();
    co_return Conflict("cannot start a paused container, try unpause instead");
  }
  absl::Status s =
      co_await ContainerStartLocked(*c, /*reset_restart_manager=*/true);
  c->state.mu.Unlock();
  co_return s;
}

sim::Task<absl::StatusOr<std::unique_ptr<libcontainerd::Container>>>
Daemon::ReplaceContainer(const Container& c) {
  c8d::ContainerInfo info;
  info.id = c.id;
  info.spec_json = options_.container_spec
                       ? options_.container_spec(c.id, c.args)
                       : c.SpecJson();
  absl::StatusOr<std::unique_ptr<libcontainerd::Container>> ctr =
      co_await client_->NewContainer(info);
  if (ctr.ok() || !absl::IsAlreadyExists(ctr.status()) ||
      options_.mutation == Mutation::kStartDoesNotReplaceStaleContainer) {
    co_return ctr;
  }
  ex_.Note("cleaning up stale containerd container " + c.id);
  if (options_.design == libcontainerd::Design::kLegacy) {
    absl::Status removed = co_await client_->DeleteStaleContainer(c.id);
    if (!removed.ok() && !absl::IsNotFound(removed)) {
      ex_.Note("Error cleaning up stale containerd container object: " +
               std::string(removed.message()));
    }
    co_return co_await client_->NewContainer(info);
  }
  absl::StatusOr<std::unique_ptr<libcontainerd::Container>> stale =
      co_await client_->LoadContainer(c.id);
  if (absl::IsNotFound(stale.status()))
    co_return co_await client_->NewContainer(info);
  if (!stale.ok()) co_return stale.status();
  absl::StatusOr<std::unique_ptr<libcontainerd::Task>> task =
      co_await (*stale)->AttachTask();
  if (task.ok()) {
    absl::StatusOr<c8d::ExitStatus> deleted = co_await (*task)->ForceDelete();
    if (!deleted.ok() && !absl::IsNotFound(deleted.status())) {
      co_return deleted.status();
    }
  } else if (!absl::IsNotFound(task.status())) {
    co_return task.status();
  }
  absl::Status removed = co_await (*stale)->Delete();
  if (!removed.ok() && !absl::IsNotFound(removed)) co_return removed;
  co_return co_await client_->NewContainer(info);
}

sim::Task<void> Daemon::CleanupFailedStart(const Container& c) {
  // Before PR #43564 daemon.Cleanup ended with containerd.Delete(ctx, c.ID),
  // by id: after a failed Tasks/Create or Tasks/Start the start path has
  // deleted the container already, so this is one Containers/Get answered
  // NOT_FOUND (dockerd 20.10 logs "cleanup: failed to delete container from
  // containerd: no such container"). After the PR, Cleanup deletes the
  // container's retained C8dContainer(): a failed start never set it, so it
  // is the previous run's stale handle (if the container ever ran), whose
  // Delete looks for a task, then for the container (Tasks/Get and
  // Containers/Get, both answered NOT_FOUND), and logs the same line.
  // The planted bug leaves the containerd container: this delete would undo
  // it.
  if (options_.mutation == Mutation::kFailedStartSkipsContainerDelete) {
    co_return;
  }
  absl::Status s;
  if (options_.design == libcontainerd::Design::kLegacy) {
    s = co_await client_->DeleteContainer(c.id);
  } else if (c.ctr != nullptr) {
    s = co_await c.ctr->Delete();
  }
  if (!s.ok()) {
    ex_.Note(c.id + " cleanup: failed to delete container from containerd: " +
             std::string(s.message()));
  }
}

sim::Task<void> Daemon::AutoRemoveFailedStart(Container& c) {
  // The end of containerStart's error defer: with AutoRemove, unlock, rm -f,
  // lock again (the caller unlocks). The start's reply waits for the rm.
  if (!c.auto_remove) co_return;
  c.state.mu.Unlock();
  absl::Status s = co_await ContainerRm(c.id, /*force=*/true);
  if (!s.ok()) {
    ex_.Note("can't remove container " + c.id + ": " +
             std::string(s.message()));
  }
  co_await c.state.mu.Lock();
}

sim::Task<absl::Status> Daemon::ContainerStartLocked(
    Container& c, bool reset_restart_manager) {
  State& st = c.state;
  if (reset_restart_manager && st.running)
    co_return absl::OkStatus();  // 304 Not Modified
  if (st.removal_in_progress || st.dead) {
    co_return Conflict("container is marked for removal and cannot be started");
  }
  // The error defer of containerStart: the error and a non-zero exit code
  // stick.
  auto fail = [&st](absl::Status s, int exit_code) {
    st.SetError(std::string(s.message()));
    st.exit_code =
        exit_code != 0 ? exit_code : (st.exit_code != 0 ? st.exit_code : 128);
    return s;
  };
  // After createSpec, before containerd is asked: a start by the API (not the
  // policy's) drops the restart manager and the restart count, and forgets
  // the manual stop, even if the start then fails.
  if (reset_restart_manager) {
    c.ResetRestartManager(true);
    c.has_been_manually_stopped = false;
  }
  if (options_.mutation == Mutation::kStartedBeforeSetEarly) {
    c.has_been_started_before = true;
  }
  absl::StatusOr<std::unique_ptr<libcontainerd::Container>> ctr =
      co_await ReplaceContainer(c);
  if (!ctr.ok()) {
    absl::Status s = absl::IsAlreadyExists(ctr.status())
                         ? Conflict("container " + c.id + ": id already in use")
                         : System(std::string(ctr.status().message()));
    s = fail(s, 0);
    co_await CheckpointTo(c);
    co_await CleanupFailedStart(c);
    co_await AutoRemoveFailedStart(c);
    co_return s;
  }
  absl::StatusOr<std::unique_ptr<libcontainerd::Task>> task =
      co_await (*ctr)->Start(false);
  if (!task.ok()) {
    if (options_.mutation != Mutation::kFailedStartSkipsContainerDelete) {
      (void)co_await (*ctr)->Delete();  // moby logs a failure and goes on
    }
    int exit_code = 0;
    absl::Status s = TranslateStartError(task.status(), &exit_code);
    s = fail(s, exit_code);
    co_await CheckpointTo(c);
    co_await CleanupFailedStart(c);
    co_await AutoRemoveFailedStart(c);
    co_return s;
  }
  c.ctr = std::move(*ctr);
  c.task = std::move(*task);
  st.SetRunning(
      c.task->Pid(),
      /*initial=*/reset_restart_manager ||
          options_.mutation != Mutation::kPolicyRestartKeepsStartedAt);
  c.has_been_manually_restarted = false;
  c.has_been_started_before = true;
  co_await CheckpointTo(c);
  co_return absl::OkStatus();
}

}  // namespace daemon_core
