// daemon_core/daemon.cc: container create, kill, wait and inspect (no
// containerd RPCs but kill's), and the container's spec.
#include "daemon_core/daemon.h"

#include "daemon_core/errdefs.h"

namespace daemon_core {

std::string ArgsJson(const std::vector<std::string>& args) {
  std::string json = "[";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) json += ",";
    json += "\"";
    for (char ch : args[i]) {
      if (ch == '"' || ch == '\\') json += '\\';
      json += ch;
    }
    json += "\"";
  }
  return json + "]";
}

std::string Container::SpecJson() const {
  return "{\"process\":{\"args\":" + ArgsJson(args) + "}}";
}

Daemon::Daemon(sim::Executor& ex, sim::RpcConnection& containerd,
               Options options)
    : ex_(ex),
      options_(std::move(options)),
      c8d_(ex, containerd, options_.ns),
      client_(libcontainerd::NewClient(options_.design, c8d_)),
      exec_commands_(ex, "daemon") {}

std::shared_ptr<Container> Daemon::Lookup(const std::string& id) const {
  auto it = containers_.find(id);
  return it == containers_.end() ? nullptr : it->second;
}

sim::Task<absl::Status> Daemon::ContainerCreate(std::string id,
                                                std::vector<std::string> args,
                                                RestartPolicy policy) {
  if (Lookup(id) != nullptr) {
    co_return Conflict("Conflict. The container name \"/" + id +
                       "\" is already in use");
  }
  containers_[id] = std::make_shared<Container>(ex_, id, std::move(args),
                                                policy, options_.mutation);
  co_return absl::OkStatus();
}

sim::Task<absl::Status> Daemon::ContainerKill(std::string id, uint32_t signal) {
  std::shared_ptr<Container> c = Lookup(id);
  if (c == nullptr) co_return NotFound("No such container: " + id);
  // Kill holds the container lock across the RPC (moby does).
  co_await c->state.mu.Lock();
  if (!c->state.running) {
    c->state.mu.Unlock();
    co_return Conflict("Container " + id + " is not running");
  }
  absl::Status s = co_await c->task->Kill(signal);
  c->state.mu.Unlock();
  if (!s.ok())
    co_return System("Cannot kill container " + id + ": " +
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
  r.error = s.error_msg;
  r.status = s.paused                                             ? "paused"
             : s.restarting                                       ? "restarting"
             : s.running                                          ? "running"
             : s.dead                                             ? "dead"
             : c->has_been_started_before || !s.error_msg.empty() ? "exited"
                                                                  : "created";
  // getInspectData reads ExecIDs under the container lock (lock order:
  // container -> store).
  r.exec_ids = co_await c->exec_commands.List();
  c->state.mu.Unlock();
  co_return r;
}

}  // namespace daemon_core
