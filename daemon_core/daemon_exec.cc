// daemon_core/daemon_exec.cc: exec create, start and inspect, and the exec exit
// event (moby daemon/exec.go and daemon/monitor.go after PR #43564, with
// a09f8dbe and b7524620), each planted bug at the line where it lived.
#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"

namespace daemon_core {

namespace {

std::string ProcessSpecJson(const std::vector<std::string>& args) {
  return "{\"args\":" + ArgsJson(args) + "}";
}

}  // namespace

sim::Task<absl::StatusOr<std::string>> Daemon::ContainerExecCreate(
    std::string container_id, std::vector<std::string> args) {
  std::shared_ptr<Container> c = Lookup(container_id);
  if (c == nullptr) co_return NotFound("No such container: " + container_id);
  co_await c->state.mu.Lock();
  const bool running = c->state.running, paused = c->state.paused,
             restarting = c->state.restarting;
  c->state.mu.Unlock();
  if (!running)
    co_return Conflict("Container " + container_id + " is not running");
  if (paused) {
    co_return Conflict("Container " + container_id +
                       " is paused, unpause the container before exec");
  }
  if (restarting) {
    co_return Conflict("Container " + container_id +
                       " is restarting, wait until the container is running");
  }
  const std::string id =
      options_.exec_id_prefix + "exec" + std::to_string(++next_exec_);
  auto ec =
      std::make_shared<ExecConfig>(ex_, id, container_id, std::move(args));
  co_await c->exec_commands.Add(ec);
  co_await exec_commands_.Add(ec);
  co_return id;
}

// The error defer of ContainerExecStart.
sim::Task<absl::Status> Daemon::ExecStartFailed(std::shared_ptr<Container> c,
                                                std::shared_ptr<ExecConfig> ec,
                                                absl::Status err) {
  co_await ec->mu.Lock();
  if (options_.mutation == Mutation::kExecStartFailureDeletesAfterUnlock) {
    // Pre-a09f8dbe: the fields first, the delete after the unlock, so an
    // inspect in between lists an exec that exec inspect already shows exited.
    ec->running.Set(false);
    ec->exit_code.Set(126);
    ec->CloseStreams();
    ec->mu.Unlock();
    co_await ex_.Yield();  // the race window between the unlock and the delete
    co_await c->exec_commands.Delete(ec->id);
    co_return err;
  }
  co_await c->exec_commands.Delete(ec->id);
  ec->running.Set(false);
  ec->exit_code.Set(126);
  ec->CloseStreams();
  ec->mu.Unlock();
  co_return err;
}

sim::Task<absl::Status> Daemon::ContainerExecStart(
    std::string exec_id, std::shared_ptr<Context> attach) {
  std::shared_ptr<ExecConfig> ec = co_await exec_commands_.Get(exec_id);
  if (ec == nullptr) co_return NotFound("No such exec instance: " + exec_id);
  std::shared_ptr<Container> c = Lookup(ec->container_id);
  if (c == nullptr)
    co_return NotFound("No such container: " + ec->container_id);
  // getExecConfig: one message per reason, in moby's order.
  co_await c->state.mu.Lock();
  const State& st = c->state;
  const char* refused = !st.running    ? " is not running"
                        : st.paused     ? " is paused, unpause the container "
                                          "before exec"
                        : st.restarting ? " is restarting, wait until the "
                                          "container is running"
                                        : nullptr;
  c->state.mu.Unlock();
  if (refused != nullptr) co_return Conflict("Container " + c->id + refused);

  co_await ec->mu.Lock();
  if (ec->exit_code.Get().has_value()) {
    ec->mu.Unlock();
    co_return Conflict("exec " + exec_id + " has already run");
  }
  if (ec->running.Get()) {
    ec->mu.Unlock();
    co_return Conflict("Error: Exec command " + exec_id +
                       " is already running");
  }
  ec->running.Set(true);
  ec->mu.Unlock();

  // The spec, without locks (objects: the cached info; legacy: Containers/Get).
  absl::StatusOr<std::unique_ptr<libcontainerd::Container>> ctr =
      co_await client_->LoadContainer(c->id);
  if (!ctr.ok())
    co_return co_await ExecStartFailed(
        c, ec, System(std::string(ctr.status().message())));
  (void)co_await (*ctr)->Spec();

  // GetRunningTask under the container lock. The handle is held by this
  // request (moby's tsk variable): a restart may replace the container's task
  // before Tasks/Exec is sent, and then the exec goes to whatever task
  // containerd has under this id.
  co_await c->state.mu.Lock();
  absl::StatusOr<std::shared_ptr<libcontainerd::Task>> running_task =
      GetRunningTask(*c);
  c->state.mu.Unlock();
  if (!running_task.ok()) {
    co_return co_await ExecStartFailed(c, ec, running_task.status());
  }
  std::shared_ptr<libcontainerd::Task> task = std::move(*running_task);

  // The exec lock is held across Tasks/Exec and Tasks/Start, to order the start
  // with the event loop's exit handling; the ExecStore lock must not be
  // (b7524620).
  co_await ec->mu.Lock();
  sim::RWMutex& store = c->exec_commands.mutex_for_legacy_exec_start();
  const bool hold_store =
      options_.mutation == Mutation::kExecStoreLockedAcrossRpc;
  if (hold_store) co_await store.Lock();
  std::string spec = options_.process_spec ? options_.process_spec(ec->args)
                                           : ProcessSpecJson(ec->args);
  absl::StatusOr<std::unique_ptr<libcontainerd::Process>> p =
      co_await task->Exec(ec->id, std::move(spec), /*with_stdin=*/false);
  if (hold_store) store.Unlock();
  ec->started.Fire();  // closed even when the start failed, as moby does
  if (!p.ok()) {
    const std::string msg(p.status().message());
    const bool missing =
        msg.find("executable file not found") != std::string::npos;
    ec->exit_code.Set(
        missing ? 127 : 126);  // translateContainerdStartErr, still locked
    ec->mu.Unlock();
    absl::Status err = missing ? InvalidParameter(msg) : System(msg);
    co_return co_await ExecStartFailed(c, ec, err);
  }
  ec->process.Set(std::shared_ptr<libcontainerd::Process>(std::move(*p)));
  if (attach == nullptr) {
    ec->mu.Unlock();
    co_return absl::OkStatus();
  }
  // Attached: wait for the attach to end (the exit closes the streams) or for
  // the client's context to be cancelled.
  sim::Notify attach_end(ex_, "exec " + ec->id + " attach");
  ec->attach_watchers.push_back(&attach_end);
  if (ec->streams_closed) attach_end.Fire();
  ec->mu.Unlock();
  // The request can end at the wait below without resuming: a client that
  // gives up, or whose daemon restarted, has this frame destroyed there. The
  // exec and the context must then not keep a pointer to `attach_end` (they
  // did: a later CloseStreams or Cancel fired a freed Notify).
  struct Unregister {
    ExecConfig& ec;
    Context& ctx;
    sim::Notify* n;
    // Without the exec lock: a destructor cannot wait for it, and this only
    // forgets a pointer that no other task reads between scheduling points.
    ~Unregister() {
      std::erase(ec.attach_watchers, n);
      ctx.Unwatch(n);
    }
  } unregister{*ec, *attach, &attach_end};
  attach->Watch(&attach_end);
  co_await attach_end.Wait();
  attach->Unwatch(&attach_end);
  co_await ec->mu.Lock();
  std::erase(ec->attach_watchers, &attach_end);
  const bool ended = ec->streams_closed;
  ec->mu.Unlock();
  if (ended) co_return absl::OkStatus();
  // ctx.Done(): moby reads ec.Process without the lock here (no writer can
  // race it any more), SIGKILLs it and returns ctx.Err(); its error defer then
  // removes the exec while the process may still run. The exit event finds no
  // exec, so no DeleteProcess is ever issued for it (moby-daemon.md §3, I13).
  std::shared_ptr<libcontainerd::Process> process = ec->process.Get();
  (void)co_await process->Kill(9);
  co_return co_await ExecStartFailed(c, ec,
                                     absl::CancelledError("context canceled"));
}

sim::Task<absl::StatusOr<ExecInspectResult>> Daemon::ContainerExecInspect(
    std::string exec_id) {
  std::shared_ptr<ExecConfig> ec = co_await exec_commands_.Get(exec_id);
  if (ec == nullptr) co_return NotFound("No such exec instance: " + exec_id);
  if (Lookup(ec->container_id) == nullptr) {
    co_return NotFound("No such exec instance: " + exec_id);
  }
  // Before a09f8dbe exec inspect read without the exec lock; the old
  // exit-handler order is only visible through such a read, so that mutation
  // brings the unlocked read back too.
  const bool lock =
      options_.mutation != Mutation::kExecInspectWithoutLock &&
      options_.mutation != Mutation::kExecExitClearsRunningBeforeDelete;
  if (lock) co_await ec->mu.Lock();
  ExecInspectResult r;
  r.id = ec->id;
  r.container_id = ec->container_id;
  r.running = ec->running.Get();
  r.exit_code = ec->exit_code.Get();
  const std::shared_ptr<libcontainerd::Process>& process = ec->process.Get();
  r.pid = process != nullptr ? process->Pid() : 0;
  if (lock) ec->mu.Unlock();
  co_return r;
}

namespace {

sim::Task<void> DeleteProcess(std::shared_ptr<libcontainerd::Process> p) {
  (void)co_await p->Delete();
}

}  // namespace

// ProcessEvent(EventExit) for an exec: no container lock.
sim::Task<void> Daemon::HandleExecExit(std::shared_ptr<Container> c,
                                       EventInfo info) {
  std::shared_ptr<ExecConfig> ec =
      co_await c->exec_commands.Get(info.process_id);
  if (ec == nullptr) {
    ex_.Note("exec_die " + info.process_id + " exitCode=127 (no such exec)");
    co_return;
  }
  co_await ec->mu.Lock();
  const int code = static_cast<int>(info.exit_code);
  if (options_.mutation == Mutation::kExecExitClearsRunningBeforeDelete) {
    // Pre-a09f8dbe order: the fields, the streams' wait (a scheduling point),
    // then the delete.
    ec->exit_code.Set(code);
    ec->running.Set(false);
    co_await ex_.Yield();
    co_await c->exec_commands.Delete(ec->id);
  } else {
    co_await c->exec_commands.Delete(ec->id);
    ec->exit_code.Set(code);
    ec->running.Set(false);
  }
  ec->CloseStreams();
  std::shared_ptr<libcontainerd::Process> process = ec->process.Get();
  if (process != nullptr) {
    // The Process.Delete goroutine: outside the event queue, may overlap the
    // container's exit.
    Go("delete process " + ec->id, DeleteProcess(process));
  } else if (options_.mutation == Mutation::kExitHandlerNilProcess) {
    ex_.Fail("no-panic", "nil pointer dereference: the exit handler of exec " +
                             ec->id +
                             " deletes through a nil Process (3b28a24e)");
  }
  ec->mu.Unlock();
}

}  // namespace daemon_core
