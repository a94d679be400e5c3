// daemon_core/daemon.cc: container create, kill, wait and inspect (no
// containerd RPCs but kill's), and the container's spec.
#include "daemon_core/daemon.h"

#include "daemon_core/errdefs.h"

namespace daemon_core {

Daemon::Daemon(sim::Executor& ex, sim::RpcConnection& containerd, Disk& disk,
               Options options)
    : ex_(ex),
      disk_(disk),
      options_(std::move(options)),
      subscribed_(ex, "event monitor subscribed"),
      c8d_(ex, containerd, options_.ns),
      client_(libcontainerd::NewClient(options_.design, c8d_)),
      exec_commands_(ex, "daemon") {
  c8d_.set_init_stdio(options_.init_stdio);
  // The Go client's lease ids are random: a lease a crash left (its create
  // cut before the deferred delete) never collides with the next daemon's.
  c8d_.set_lease_prefix(options_.exec_id_prefix);
}

std::shared_ptr<Container> Daemon::Lookup(const std::string& id) const {
  auto it = containers_.find(id);
  return it == containers_.end() ? nullptr : it->second;
}

void Daemon::Go(std::string name, sim::Task<void> task) {
  tasks_.push_back(ex_.Spawn(std::move(name), std::move(task),
                             sim::SpawnOptions{.background = true})
                       .id);
}

void Daemon::Crash() {
  for (sim::TaskId t : tasks_) ex_.Cancel(t);
  tasks_.clear();
}

sim::Task<void> Daemon::CheckpointTo(Container& c) {
  absl::Status s = co_await disk_.Write(c.ToCheckpoint());
  if (!s.ok())
    ex_.Note("could not save container " + c.id +
             " to disk: " + std::string(s.message()));
}

sim::Task<absl::Status> Daemon::ContainerCreate(std::string id,
                                                std::vector<std::string> args,
                                                RestartPolicy policy,
                                                bool auto_remove) {
  if (auto_remove && policy.name != RestartPolicy::Name::kNo) {
    co_return InvalidParameter(
        "can't create 'AutoRemove' container with restart policy");
  }
  if (Lookup(id) != nullptr) {
    co_return Conflict("Conflict. The container name \"/" + id +
                       "\" is already in use");
  }
  auto c = std::make_shared<Container>(ex_, id, std::move(args), policy,
                                       options_.mutation, auto_remove);
  containers_[id] = c;
  co_await c->state.mu.Lock();
  disk_.CreateRoot(id);
  co_await CheckpointTo(*c);
  c->state.mu.Unlock();
  co_return absl::OkStatus();
}

sim::Task<absl::Status> Daemon::ContainerKill(std::string id, uint32_t signal) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  // Kill holds the container lock across the RPC (moby does).
  co_await c->state.mu.Lock();
  absl::Status s = co_await KillWithSignal(*c, signal);
  c->state.mu.Unlock();
  co_return s;
}

absl::StatusOr<std::shared_ptr<libcontainerd::Task>> Daemon::GetRunningTask(
    const Container& c) const {
  if (!c.state.running) {
    return Conflict("Container " + c.id + " is not running");
  }
  if (c.task == nullptr) {
    return System("container " + c.id +
                  " is in the running state but has no containerd Task");
  }
  return c.task;
}

sim::Task<absl::Status> Daemon::KillWithSignal(Container& c, uint32_t signal) {
  if (!c.state.running) {
    co_return Conflict("Container " + c.id + " is not running");
  }
  // moby calls ExitOnNext for SIGKILL and the stop signal; with no StopSignal
  // in the config (dsim has none) that is every signal. It cancels the
  // restart manager, so the exit this kill causes is not restarted, whoever
  // kills (the API, stop, rm, restore's shutdown).
  c.ExitOnNext();
  // A daemon shutting down stops its containers without marking them
  // stopped by hand, so `unless-stopped` brings them back with the daemon.
  if (!shutting_down_) c.has_been_manually_stopped = true;
  co_await CheckpointTo(c);
  // A restarting container has no process: cancelling the restart manager is
  // enough, its goroutine stops the container.
  if (c.state.restarting) co_return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<libcontainerd::Task>> task = GetRunningTask(c);
  if (!task.ok()) co_return task.status();
  const bool paused = c.state.paused;
  const bool drop_lock = options_.mutation == Mutation::kKillDropsContainerLock;
  if (drop_lock) c.state.mu.Unlock();
  absl::Status s = co_await (*task)->Kill(signal);
  if (drop_lock) co_await c.state.mu.Lock();
  // A frozen process acts on SIGKILL (and the stop signal) once thawed.
  if (s.ok() && paused && (signal == 9 || signal == 15)) {
    (void)co_await (*task)->Resume();
  }
  // A process that already finished (containerd's NotFound, its exit event
  // not handled yet) is not an error: moby logs it and the exit event does
  // the rest.
  if (absl::IsNotFound(s)) co_return absl::OkStatus();
  if (!s.ok())
    co_return System("Cannot kill container " + c.id + ": " +
                     std::string(s.message()));
  co_return absl::OkStatus();
}

sim::Task<absl::StatusOr<StateStatus>> Daemon::ContainerWait(
    std::string id, WaitCondition condition) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  co_return co_await c->state.Wait(condition);
}

sim::Task<absl::StatusOr<ContainerInspectResult>> Daemon::ContainerInspect(
    std::string id) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  co_await c->state.mu.Lock();
  const State& s = c->state;
  ContainerInspectResult r;
  r.running = s.running;
  r.paused = s.paused;
  r.restarting = s.restarting;
  r.oom_killed = s.oom_killed;
  r.dead = s.dead;
  r.pid = s.pid;
  r.exit_code = s.exit_code;
  r.restart_count = c->restart_count;
  r.started_at = s.started_at;
  r.finished_at = s.finished_at;
  r.error = s.error_msg;
  // moby State.StateString: "created" while StartedAt is zero, so a
  // container whose first start failed stays "created" (dockerd 20.10 shows
  // that too).
  r.status = s.paused                ? "paused"
             : s.restarting          ? "restarting"
             : s.running             ? "running"
             : s.removal_in_progress ? "removing"
             : s.dead                ? "dead"
             : s.started_at != 0     ? "exited"
                                     : "created";
  // getInspectData reads ExecIDs under the container lock (lock order:
  // container -> store).
  r.exec_ids = co_await c->exec_commands.List();
  c->state.mu.Unlock();
  co_return r;
}

}  // namespace daemon_core
