// daemon_core/daemon.h: the dockerd slice under test (moby daemon/): the
// container store, the container operations of the Docker API, and the event
// monitor that turns containerd events into ProcessEvent calls through
// per-container serial queues.
//
// Results are Docker API results as values (errdefs.h), so a history can record
// them. A daemon restart is Crash() on this object and restore() on a new one
// sharing the Disk.
#ifndef DSIM_DAEMON_CORE_DAEMON_H_
#define DSIM_DAEMON_CORE_DAEMON_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon_core/container.h"
#include "daemon_core/containerd_client.h"
#include "daemon_core/context.h"
#include "daemon_core/disk.h"
#include "daemon_core/libcontainerd.h"
#include "daemon_core/mutation.h"
#include "sim/chan.h"
#include "sim/executor.h"
#include "sim/notify.h"
#include "sim/rpc.h"

namespace containerd::services::events::v1 {
class Envelope;
}

namespace daemon_core {

// moby libcontainerd/types EventType.
enum class EventType {
  kUnknown,
  kExit,
  kOom,
  kCreate,
  kStart,
  kExecAdded,
  kExecStarted,
  kPaused,
  kResumed
};

// moby libcontainerd/types EventInfo (after the PR: no OOMKilled).
struct EventInfo {
  std::string container_id;
  std::string process_id;  // the container id for init, the exec id for an exec
  uint32_t pid = 0;
  uint32_t exit_code = 0;
  sim::Nanos exited_at = 0;
};

// What `docker inspect` shows of a container's state.
struct ContainerInspectResult {
  std::string status;  // created, running, paused, restarting, exited
  bool running = false, paused = false, restarting = false, oom_killed = false,
       dead = false;
  uint32_t pid = 0;
  int exit_code = 0;
  int restart_count = 0;  // RestartCount: policy restarts since the last start
  sim::Nanos started_at = 0;  // State.StartedAt; 0 is Go's zero time
  sim::Nanos finished_at = 0;
  std::string error;
  std::vector<std::string> exec_ids;
};

// What `docker exec inspect` shows.
struct ExecInspectResult {
  std::string id;
  std::string container_id;
  bool running = false;
  std::optional<int> exit_code;
  uint32_t pid = 0;
};

class Daemon {
 public:
  struct Options {
    libcontainerd::Design design = libcontainerd::Design::kObjects;
    Mutation mutation = Mutation::kNone;
    std::string ns = "moby";
    // Put before every exec id this daemon makes: moby's ids are random, so
    // a restarted daemon never reuses one; the simulation numbers them.
    std::string exec_id_prefix;
    bool live_restore = false;
    // containerStop's timeout when restore shuts a container down.
    sim::Nanos stop_timeout = 10 * sim::kSecond;
    // The OCI documents sent to containerd (dockerd's createSpec). Unset:
    // the minimal ones the fake reads a program from; `dsim live` sets real
    // ones (rootfs, cgroups path, memory limit).
    std::function<std::string(const std::string& id,
                              const std::vector<std::string>& args)>
        container_spec;
    std::function<std::string(const std::vector<std::string>& args)>
        process_spec;
    // The stdio of each container's init (see c8d::Client::set_init_stdio).
    c8d::Client::InitStdio init_stdio;
    // dockerd's startup handshake (dockerd-20.10.md, "Daemon-level RPCs"):
    // Namespaces/Get of `ns` and of the plugins' namespace before the
    // subscriptions (the Go client's New, for cmd/dockerd's client and for
    // the plugin executor's), and Version/Version twice once restore is done
    // (NewDaemon's SystemInfo, then cmd/dockerd's). A daemon that never runs
    // Restore makes only the Namespaces/Get calls (a scenario run's first
    // daemon restores its empty disk, as dockerd does).
    bool startup_handshake = true;
    // The plugin executor's event subscription (pluginexec's libcontainerd
    // client, namespace `plugins_ns`), made before the daemon's own. Off by
    // default: dsim runs no plugins, so it only costs every simulated run a
    // task and an RPC (and changes every recorded trace); `dsim rpcs` turns
    // it on to show dockerd's startup.
    bool plugin_events = false;
    std::string plugins_ns = "plugins.moby";
    // Told in a container's event queue once ProcessEvent returned: the
    // harness bounds when the model may place the event's handling.
    std::function<void(EventType type, const EventInfo& info)> event_handled;
  };
  // `containerd` and `disk` must outlive the daemon. Call ex.DestroyAllTasks()
  // before destroying it.
  Daemon(sim::Executor& ex, sim::RpcConnection& containerd, Disk& disk,
         Options options);

  // restore(): loads every container from the disk, then reconciles each with
  // containerd (moby-daemon.md §5) and restarts those whose policy says so.
  // Call after StartEventMonitor, before serving API calls.
  sim::Task<void> Restore();
  // dockerd is killed: every task this daemon spawned stops where it is. The
  // object stays valid (and inert) until the run ends. REQUIRES: not called
  // from one of those tasks.
  void Crash();

  void set_event_handled(
      std::function<void(EventType type, const EventInfo& info)> f) {
    options_.event_handled = std::move(f);
  }

  // Subscribes to containerd's events in a background task (resubscribing after
  // an error); with the startup handshake, asks for the namespaces first.
  void StartEventMonitor();
  // dockerd is stopped (SIGTERM; moby daemon.Shutdown): without live-restore,
  // each running container is stopped (shutdownContainer: containerStop with
  // its stop timeout, then a wait for the exit); then the subscriptions end
  // (the containerd client is closed) as in Crash().
  sim::Task<void> Shutdown();
  // cmd/dockerd's shutdownDaemon: Shutdown(), given ShutdownTimeout() of
  // virtual time; past it ("Force shutdown daemon") the process exits anyway
  // (Crash). A container a concurrent docker restart started again would
  // otherwise keep shutdownContainer's wait for its exit waiting forever.
  sim::Task<void> ShutdownDaemon();
  // daemon.ShutdownTimeout: the configured 15 s, or the stop timeout plus a
  // 5 s grace when that is longer.
  sim::Nanos ShutdownTimeout() const;
  // Returns once the event monitor has subscribed (dockerd serves its API only
  // after libcontainerd is connected).
  sim::Task<void> EventMonitorReady() { co_await subscribed_.Wait(); }

  // InvalidParameter for AutoRemove with a restart policy (moby
  // verifyContainerSettings: "can't create 'AutoRemove' container with
  // restart policy").
  sim::Task<absl::Status> ContainerCreate(std::string id,
                                          std::vector<std::string> args,
                                          RestartPolicy policy = {},
                                          bool auto_remove = false);
  sim::Task<absl::Status> ContainerStart(std::string id);
  sim::Task<absl::Status> ContainerKill(std::string id, uint32_t signal);
  // SIGTERM, up to `timeout` of virtual time for the exit, then SIGKILL.
  sim::Task<absl::Status> ContainerStop(std::string id, sim::Nanos timeout);
  // Stop (if running), then start.
  sim::Task<absl::Status> ContainerRestart(std::string id, sim::Nanos timeout);
  sim::Task<absl::Status> ContainerPause(std::string id);
  sim::Task<absl::Status> ContainerUnpause(std::string id);
  // docker rm [-f]: a running container needs `force` (it is killed first).
  sim::Task<absl::Status> ContainerRm(std::string id, bool force);
  sim::Task<absl::StatusOr<StateStatus>> ContainerWait(std::string id,
                                                       WaitCondition condition);
  sim::Task<absl::StatusOr<ContainerInspectResult>> ContainerInspect(
      std::string id);
  // Returns the new exec's id.
  sim::Task<absl::StatusOr<std::string>> ContainerExecCreate(
      std::string container_id, std::vector<std::string> args);
  // Detached (no `attach`): returns once the process started or failed to.
  // Attached: returns when the exec's streams close at its exit, or, when
  // `attach` is cancelled first, SIGKILLs the process and returns Cancelled.
  sim::Task<absl::Status> ContainerExecStart(
      std::string exec_id, std::shared_ptr<Context> attach = nullptr);
  sim::Task<absl::StatusOr<ExecInspectResult>> ContainerExecInspect(
      std::string exec_id);

  // The libcontainerd Backend callback.
  sim::Task<void> ProcessEvent(std::string container_id, EventType type,
                               EventInfo info);

  // For end-of-run checks: the daemon's containers, without locks.
  const Disk& disk() const { return disk_; }
  const std::map<std::string, std::shared_ptr<Container>>& containers() const {
    return containers_;
  }
  const Options& options() const { return options_; }

 private:
  struct QueuedEvent {
    EventType type;
    EventInfo info;
  };
  std::shared_ptr<Container> Lookup(const std::string& id) const;
  // Spawns a task that Crash() stops.
  void Go(std::string name, sim::Task<void> task);
  // CheckpointTo(daemon.containersReplica). REQUIRES: c.state.mu.
  sim::Task<void> CheckpointTo(Container& c);
  // containerStop: the stop signal, up to `timeout` for the exit, then SIGKILL.
  // Each signal goes through KillWithSignal, so a stop cancels the restart
  // manager, whoever stops (the API, rm, restore).
  sim::Task<absl::Status> StopContainer(std::shared_ptr<Container> c,
                                        sim::Nanos timeout);
  // killWithSignal: ExitOnNext (cancels the restart manager), marks the
  // container manually stopped and saves it, then signals the task unless the
  // container is restarting. Conflict if it is not running. REQUIRES:
  // c.state.mu.
  sim::Task<absl::Status> KillWithSignal(Container& c, uint32_t signal);
  // container.GetRunningTask: Conflict if not running, System if running
  // without a task handle (a restore that could not reach containerd).
  // REQUIRES: c.state.mu.
  absl::StatusOr<std::shared_ptr<libcontainerd::Task>> GetRunningTask(
      const Container& c) const;
  sim::Task<void> RestoreContainer(std::shared_ptr<Container> c);
  // daemon.autoRemove: rm -f of a container with AutoRemove (errors are
  // logged, as moby does). REQUIRES: c.state.mu not held.
  sim::Task<void> AutoRemove(std::shared_ptr<Container> c);
  sim::Task<void> RunShutdown(std::shared_ptr<sim::Notify> done);
  // shutdownContainer: containerStop, then a wait for the exit.
  sim::Task<void> ShutdownContainer(std::shared_ptr<Container> c);
  // Removes a dead container's exec from both stores.
  sim::Task<void> UnregisterExecs(Container& c);
  // `reset_restart_manager` is false on the restart policy's path: the
  // container is then Restarting, which shows as Running, and the running check
  // must not stop the start.
  sim::Task<absl::Status> ContainerStartLocked(Container& c,
                                               bool reset_restart_manager);
  sim::Task<absl::StatusOr<std::unique_ptr<libcontainerd::Container>>>
  ReplaceContainer(const Container& c);
  // The end of containerStart's error defer (daemon.Cleanup's containerd
  // delete). REQUIRES: c.state.mu.
  sim::Task<void> CleanupFailedStart(const Container& c);
  // With AutoRemove, containerStart's error defer removes the container
  // (dropping and retaking the container lock). REQUIRES: c.state.mu.
  sim::Task<void> AutoRemoveFailedStart(Container& c);
  sim::Task<void> HandleContainerExit(std::shared_ptr<Container> c,
                                      EventInfo info);
  sim::Task<void> HandleExecExit(std::shared_ptr<Container> c, EventInfo info);
  sim::Task<absl::Status> ExecStartFailed(std::shared_ptr<Container> c,
                                          std::shared_ptr<ExecConfig> ec,
                                          absl::Status err);
  // The goroutine handleContainerExit starts when `rm` said restart: after the
  // policy's delay, start again, unless `rm` was cancelled before the delay
  // ended; when it was, or the start fails, the container stops with `exit`.
  sim::Task<void> RestartAfterDelay(std::shared_ptr<Container> c,
                                    std::shared_ptr<RestartManager> rm,
                                    ExitInfo exit);
  // The first of the backoff's timer and a cancel decides (moby's `wait`
  // channel); this is the timer's side: once it fires, a cancel no longer
  // sets `canceled`.
  sim::Task<void> RestartBackoff(std::shared_ptr<Container> c,
                                 std::shared_ptr<RestartManager> rm,
                                 std::shared_ptr<sim::Notify> wake);
  // `filters` name the namespace; `dispatch` false drops every event (the
  // plugin executor's: dsim runs no plugins).
  sim::Task<void> EventLoop(std::string ns, bool dispatch,
                            sim::Notify* subscribed);
  // The startup handshake's Namespaces/Get calls, then the subscriptions.
  sim::Task<void> Connect();
  // `env` lives in EventLoop's frame, which awaits this at once.
  sim::Task<void> Dispatch(
      const containerd::services::events::v1::Envelope& env);
  sim::Task<void> QueueWorker(std::string container_id,
                              sim::Chan<QueuedEvent>* queue);

  sim::Executor& ex_;
  Disk& disk_;
  Options options_;
  std::vector<sim::TaskId> tasks_;  // spawned by Go
  sim::Notify subscribed_;
  // Made only with Options::plugin_events (a sim object more would change
  // the trace of every run).
  std::unique_ptr<sim::Notify> plugins_subscribed_;
  bool shutting_down_ = false;  // daemon.IsShuttingDown()
  c8d::Client c8d_;
  std::unique_ptr<libcontainerd::Client> client_;
  std::map<std::string, std::shared_ptr<Container>> containers_;
  ExecStore exec_commands_;  // every exec, for exec inspect
  uint64_t next_exec_ = 0;
  // The legacy client's oom map (pre-57d2d6ef): set by OOM events, applied at
  // exit.
  std::map<std::string, bool> oom_at_exit_;
  // libcontainerd/queue: one serial FIFO per container id.
  std::map<std::string, std::unique_ptr<sim::Chan<QueuedEvent>>> queues_;
};

}  // namespace daemon_core

#endif  // DSIM_DAEMON_CORE_DAEMON_H_
