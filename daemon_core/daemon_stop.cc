// daemon_core/daemon_stop.cc: stop, restart, pause and unpause (moby
// daemon/stop.go, pause.go, unpause.go). Pause and unpause hold the container
// lock across their RPC; stop sends the stop signal, waits in virtual time,
// then kills.
#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"

namespace daemon_core {

namespace {

constexpr uint32_t kSigTerm = 15;
constexpr uint32_t kSigKill = 9;
constexpr sim::Nanos kKillWait =
    10 * sim::kSecond;  // moby waits this long after SIGKILL

}  // namespace

sim::Task<absl::Status> Daemon::ContainerStop(std::string id,
                                              sim::Nanos timeout) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  co_return co_await StopContainer(std::move(c), timeout);
}

sim::Task<absl::Status> Daemon::StopContainer(std::shared_ptr<Container> c,
                                              sim::Nanos timeout) {
  const std::string& id = c->id;
  co_await c->state.mu.Lock();
  if (!c->state.running) {
    c->state.mu.Unlock();
    co_return absl::OkStatus();  // 304 Not Modified
  }
  // The stop signal; a failure to send it still waits, then kills.
  (void)co_await KillWithSignal(*c, kSigTerm);
  c->state.mu.Unlock();
  if (co_await c->state.WaitFor(WaitCondition::kNotRunning, timeout))
    co_return absl::OkStatus();
  // The timeout passed: Kill, then wait for the exit once more.
  co_await c->state.mu.Lock();
  if (c->state.running) (void)co_await KillWithSignal(*c, kSigKill);
  c->state.mu.Unlock();
  if (co_await c->state.WaitFor(WaitCondition::kNotRunning, kKillWait)) {
    co_return absl::OkStatus();
  }
  co_return System("container " + id + " did not exit after SIGKILL");
}

sim::Task<absl::Status> Daemon::ContainerRestart(std::string id,
                                                 sim::Nanos timeout) {
  // containerRestart marks a running container manually restarted, so the
  // exit its stop causes is not an autoRemove (moby 498803bec9). Only an
  // AutoRemove container reads the flag, so only one takes the lock for it
  // here (no scheduling point more for the others).
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  if (c->auto_remove) {
    co_await c->state.mu.Lock();
    if (c->state.running) c->has_been_manually_restarted = true;
    c->state.mu.Unlock();
  }
  // containerRestart works on the container it looked up, and ContainerRestart
  // wraps every later error with fmt.Errorf, so the API shows a 500 whatever
  // its kind (a concurrent rm: "marked for removal").
  auto wrap = [&id](const absl::Status& s) {
    return System("Cannot restart container " + id + ": " +
                  std::string(s.message()));
  };
  absl::Status stopped = co_await StopContainer(c, timeout);
  if (!stopped.ok()) co_return wrap(stopped);
  // containerRestart calls the internal containerStart: no paused check, and
  // a container something else started meanwhile is left running (nil).
  co_await c->state.mu.Lock();
  absl::Status s =
      co_await ContainerStartLocked(*c, /*reset_restart_manager=*/true);
  c->state.mu.Unlock();
  if (!s.ok()) co_return wrap(s);
  co_return s;
}

sim::Task<absl::Status> Daemon::ContainerPause(std::string id) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  co_await c->state.mu.Lock();
  absl::Status s;
  if (!c->state.running) {
    s = Conflict("Container " + id + " is not running");
  } else if (c->state.paused) {
    s = Conflict("Container " + id + " is already paused");
  } else if (c->state.restarting) {
    s = Conflict("Container " + id +
                 " is restarting, wait until the container is running");
  } else if (absl::StatusOr<std::shared_ptr<libcontainerd::Task>> task =
                 GetRunningTask(*c);
             !task.ok()) {
    s = task.status();
  } else {
    absl::Status paused = co_await (*task)->Pause();
    if (paused.ok()) {
      c->state.paused = true;
      co_await CheckpointTo(*c);
    } else {
      s = System("Cannot pause container " + id + ": " +
                 std::string(paused.message()));
    }
  }
  c->state.mu.Unlock();
  co_return s;
}

sim::Task<absl::Status> Daemon::ContainerUnpause(std::string id) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  co_await c->state.mu.Lock();
  absl::Status s;
  if (!c->state.paused) {
    // moby: a plain fmt.Errorf, so a 500 (not errdefs.Conflict).
    s = System("Container " + id + " is not paused");
  } else if (c->task == nullptr) {
    s = System("container " + id + " has no containerd Task");
  } else {
    absl::Status resumed = co_await c->task->Resume();
    if (resumed.ok()) {
      c->state.paused = false;
      co_await CheckpointTo(*c);
    } else {
      s = System("Cannot unpause container " + id + ": " +
                 std::string(resumed.message()));
    }
  }
  c->state.mu.Unlock();
  co_return s;
}

}  // namespace daemon_core
