// daemon_core/daemon_events.cc: the event monitor (libcontainerd/remote
// processEventStream), the per-container serial queues (libcontainerd/queue)
// and ProcessEvent for the init exit, OOM, start, paused and resumed events
// (moby daemon/monitor.go, after PR #43564).
#include <google/protobuf/timestamp.pb.h>

#include <optional>

#include "containerd/events/task.pb.h"
#include "containerd/services/events/v1/events.pb.h"
#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"

namespace daemon_core {

namespace {

namespace ev = ::containerd::events;

// containerd's payloads carry the bare type name, which Any::UnpackTo rejects.
template <typename M>
bool Unpack(const google::protobuf::Any& any, M* out) {
  return any.type_url() == M::descriptor()->full_name() &&
         out->ParseFromString(any.value());
}

constexpr int kQueueCapacity = 1024;

}  // namespace

void Daemon::StartEventMonitor() { Go("event monitor", Connect()); }

sim::Task<void> Daemon::Connect() {
  if (options_.startup_handshake) {
    // containerd.New with a default namespace reads its labels; dockerd
    // treats a failure as fatal ("failed to dial"). dsim notes it and goes
    // on, so a run still ends.
    const std::vector<std::string> namespaces{options_.ns, options_.plugins_ns};
    for (const std::string& ns : namespaces) {
      absl::Status s = co_await c8d_.GetNamespace(ns);
      if (!s.ok()) {
        ex_.Note("failed to dial containerd (namespace " + ns +
                 "): " + std::string(s.message()));
      }
    }
  }
  if (options_.plugin_events) {
    // NewDaemon makes the plugin manager (and its libcontainerd client, whose
    // processEventStream subscribes) before the daemon's own client.
    plugins_subscribed_ =
        std::make_unique<sim::Notify>(ex_, "plugin event monitor subscribed");
    Go("plugin event monitor",
       EventLoop(options_.plugins_ns, false, plugins_subscribed_.get()));
    co_await plugins_subscribed_->Wait();
  }
  co_await EventLoop(options_.ns, true, &subscribed_);
}

sim::Task<void> Daemon::EventLoop(std::string ns, bool dispatch,
                                  sim::Notify* subscribed) {
  for (;;) {
    std::vector<std::string> filters{"namespace==" + ns, "topic~=|^/tasks/|"};
    absl::StatusOr<std::unique_ptr<sim::RpcStream>> stream =
        co_await c8d_.Subscribe(std::move(filters));
    if (stream.ok()) {
      subscribed->Fire();
      for (;;) {
        containerd::services::events::v1::Envelope env;
        absl::StatusOr<bool> got = co_await (*stream)->NextMessage(&env);
        if (!got.ok() || !*got) break;
        if (dispatch) co_await Dispatch(env);
      }
    }
    // processEventStream: the stream broke (containerd restarting); once
    // containerd serves again (waitServe polls every 100 ms), subscribe again.
    // Events published in between are lost, as they are for moby.
    co_await ex_.Sleep(100 * sim::kMillisecond);
  }
}

sim::Task<void> Daemon::Dispatch(
    const containerd::services::events::v1::Envelope& env) {
  const std::string& topic = env.topic();
  EventInfo info;
  EventType type = EventType::kUnknown;
  if (topic == "/tasks/exit") {
    ev::TaskExit e;
    if (!Unpack(env.event(), &e)) co_return;
    type = EventType::kExit;
    info = EventInfo{
        e.container_id(), e.id(), e.pid(), e.exit_status(),
        c8d::VirtualTimeOf(e.exited_at().seconds(), e.exited_at().nanos())};
  } else if (topic == "/tasks/oom") {
    ev::TaskOOM e;
    if (!Unpack(env.event(), &e)) co_return;
    type = EventType::kOom;
    info.container_id = e.container_id();
  } else if (topic == "/tasks/start") {
    ev::TaskStart e;
    if (!Unpack(env.event(), &e)) co_return;
    type = EventType::kStart;
    info.container_id = e.container_id();
    info.pid = e.pid();
  } else if (topic == "/tasks/paused" || topic == "/tasks/resumed") {
    ev::TaskPaused e;  // TaskResumed has the same single field
    e.ParseFromString(env.event().value());
    type = topic == "/tasks/paused" ? EventType::kPaused : EventType::kResumed;
    info.container_id = e.container_id();
  } else {
    co_return;  // create, exec-added, exec-started and delete fall through in
                // moby
  }
  auto& queue = queues_[info.container_id];
  if (queue == nullptr) {
    queue = std::make_unique<sim::Chan<QueuedEvent>>(
        ex_, "event queue " + info.container_id, kQueueCapacity);
    Go("event queue " + info.container_id,
       QueueWorker(info.container_id, queue.get()));
  }
  QueuedEvent queued{type,
                     std::move(info)};  // not inline: see sim/task.h on GCC 12
  co_await queue->Send(std::move(queued));
}

sim::Task<void> Daemon::QueueWorker(std::string container_id,
                                    sim::Chan<QueuedEvent>* queue) {
  for (;;) {
    std::optional<QueuedEvent> e = co_await queue->Recv();
    if (!e.has_value()) co_return;
    std::optional<EventInfo> told;
    if (options_.event_handled) told = e->info;
    co_await ProcessEvent(container_id, e->type, std::move(e->info));
    if (told.has_value()) options_.event_handled(e->type, *told);
  }
}

sim::Task<void> Daemon::ProcessEvent(std::string container_id, EventType type,
                                     EventInfo info) {
  std::shared_ptr<Container> c = Lookup(container_id);
  if (c == nullptr) co_return;
  const bool oom_at_exit = options_.design == libcontainerd::Design::kLegacy ||
                           options_.mutation == Mutation::kOomKilledOnlyAtExit;
  switch (type) {
    case EventType::kExit: {
      // 0e4d3feb: init is told from an exec by process id. The pid comparison
      // it replaced read c.Pid without the container lock and is fooled by a
      // pid collision.
      const bool init = options_.mutation == Mutation::kInitExitClassifiedByPid
                            ? info.pid == c->state.pid
                            : info.process_id == info.container_id;
      if (init) {
        co_await HandleContainerExit(c, std::move(info));
      } else {
        co_await HandleExecExit(c, std::move(info));
      }
      co_return;
    }
    case EventType::kOom: {
      // Before 57d2d6ef too, the handler took the container lock and
      // checkpointed (dockerd 20.10 has the rm -f race 18e322bc fixed); only
      // OOMKilled waited in the legacy client's map for the exit.
      co_await c->state.mu.Lock();
      if (oom_at_exit) {
        oom_at_exit_[container_id] = true;
      } else {
        c->state.oom_killed = true;  // 57d2d6ef: at once, under the lock
      }
      co_await CheckpointTo(*c);
      c->state.mu.Unlock();
      co_return;
    }
    case EventType::kStart:
    case EventType::kPaused:
    case EventType::kResumed: {
      // Each waits for the container lock that start/pause hold across their
      // RPCs: the link that keeps a fast exit after its start (I14).
      // A paused event handled after a later unpause sets Paused again: moby
      // has that race as well (its handler only compares).
      co_await c->state.mu.Lock();
      const bool paused = type == EventType::kPaused && c->state.running;
      if (type != EventType::kStart && c->state.paused != paused) {
        c->state.paused = paused;
        co_await CheckpointTo(*c);
      }
      c->state.mu.Unlock();
      co_return;
    }
    default:
      co_return;
  }
}

sim::Task<void> Daemon::HandleContainerExit(std::shared_ptr<Container> c,
                                            EventInfo info) {
  co_await c->state.mu.Lock();
  if (!c->state.running && options_.design == libcontainerd::Design::kLegacy) {
    // The exit of an init whose start failed (killed between Tasks/Create and
    // Tasks/Start, or the created task the failed start deleted):
    // containerStart's error path has cleaned up. dockerd 20.10 tells an init
    // exit by `ei.Pid == c.Pid`, and a container that is not running has Pid
    // 0, so it takes this for an exec's and changes nothing. Since 0e4d3feb
    // (ProcessID) handleContainerExit runs whatever the state: it stops the
    // container again with this status, and its restart policy may restart
    // it.
    c->state.mu.Unlock();
    ex_.Note("ignoring the exit of " + c->id + ", which is not running");
    co_return;
  }
  ExitInfo exit;
  if (c->task != nullptr) {
    absl::StatusOr<c8d::ExitStatus> deleted = co_await c->task->Delete();
    if (deleted.ok())
      exit = ExitInfo{static_cast<int>(deleted->code), deleted->exited_at};
  }
  // The event's exit code and time win over the delete's.
  exit.exit_code = static_cast<int>(info.exit_code);
  exit.exited_at = info.exited_at;
  // The restart manager decides; a kill or stop since the start cancelled it
  // (ExitOnNext), whatever the policy: so do the stops of a daemon shutting
  // down (its IsShuttingDown() reaches only unless-stopped, as moby's).
  // How long it ran is moby's time.Since(StartedAt), read as the exit is
  // handled. Nanos is unsigned: a StartedAt that WallTime set past the clock
  // (two stamps in one instant) is no time at all, not a run of centuries
  // that would reset the backoff.
  const sim::Nanos now = ex_.now();
  const sim::Nanos ran =
      now > c->state.started_at ? now - c->state.started_at : 0;
  std::shared_ptr<RestartManager> rm = c->GetRestartManager();
  const bool restart = rm->ShouldRestart(
      exit.exit_code, shutting_down_ || c->has_been_manually_stopped, ran);
  // Cleanup starts with the containerd container (after the PR, so Windows can
  // shut down), then unregisters the execs that have not exited from both
  // stores.
  if (c->ctr != nullptr) (void)co_await c->ctr->Delete();
  co_await UnregisterExecs(*c);
  if (restart) {
    ++c->restart_count;
    c->state.SetRestarting(exit);
  } else {
    c->state.SetStopped(exit);
  }
  if (auto it = oom_at_exit_.find(c->id); it != oom_at_exit_.end()) {
    c->state.oom_killed = it->second;  // pre-57d2d6ef: copied in at the exit
    oom_at_exit_.erase(it);
  }
  co_await CheckpointTo(*c);
  // The deferred autoRemove runs after the unlock, still in this event
  // queue's goroutine; not for the exit a docker restart waits for.
  const bool auto_remove = !restart && !c->has_been_manually_restarted;
  c->state.mu.Unlock();
  if (restart) {
    Go("restart " + c->id, RestartAfterDelay(c, std::move(rm), exit));
  } else if (auto_remove && c->auto_remove) {
    co_await AutoRemove(c);
  }
}

sim::Task<void> Daemon::AutoRemove(std::shared_ptr<Container> c) {
  // moby reads HostConfig.AutoRemove under the container lock; here it is
  // immutable (nothing changes it after 498803bec9), so the caller reads it
  // without one, and a container without it costs no scheduling point.
  absl::Status s = co_await ContainerRm(c->id, /*force=*/true);
  if (!s.ok() && Lookup(c->id) != nullptr) {
    ex_.Note("error removing container " + c->id + ": " +
             std::string(s.message()));
  }
}

sim::Task<void> Daemon::UnregisterExecs(Container& c) {
  for (const auto& [exec_id, ec] : co_await c.exec_commands.Commands()) {
    co_await c.exec_commands.Delete(exec_id);
    co_await exec_commands_.Delete(exec_id);
  }
}

sim::Task<void> Daemon::RestartAfterDelay(std::shared_ptr<Container> c,
                                          std::shared_ptr<RestartManager> rm,
                                          ExitInfo exit) {
  // The policy's backoff races the waiters the exit woke (#39352): a busy
  // machine may run them late. A cancel (kill, stop, rm) before the timer
  // fires ends the wait at once; one after it is not seen: moby's restart
  // manager closes the channel when its timer fires, and 20.10's monitor.go
  // then calls containerStart, which starts the container that docker kill or
  // stop has just answered (the cancel still ends the policy at the next
  // exit).
  auto wake = std::make_shared<sim::Notify>(ex_, "restart " + c->id + " wake");
  // Set by a cancel that comes before the timer fires.
  auto canceled = std::make_shared<bool>(false);
  // `rm` is the container's: kill, stop and rm cancel it under the container
  // lock, which this reads and writes it without. Its footprint object stands
  // for it (partial-order reduction).
  ex_.Touch(c->state.mu.id(), sim::Access::kWrite);
  if (rm->canceled()) {
    *canceled = true;
  } else {
    rm->set_on_cancel([wake, canceled] {
      *canceled = true;
      wake->Fire();
    });
    Go("restart backoff " + c->id, RestartBackoff(c, rm, wake));
    co_await wake->Wait();
  }
  co_await c->state.mu.Lock();
  if (!c->state.restarting) {  // not reachable while only this ends it
    c->state.mu.Unlock();
    co_return;
  }
  absl::Status s;
  if (*canceled) {
    // ErrRestartCanceled: moby's restart goroutine stops the container.
    s = absl::CancelledError("restartmanager canceled");
  } else {
    s = co_await ContainerStartLocked(*c, /*reset_restart_manager=*/false);
  }
  if (!s.ok()) {
    // SetStopped(&exitStatus): the status of the exit that was to be
    // restarted.
    c->state.SetStopped(exit);
    co_await CheckpointTo(*c);
  }
  c->state.mu.Unlock();
}

sim::Task<void> Daemon::RestartBackoff(std::shared_ptr<Container> c,
                                       std::shared_ptr<RestartManager> rm,
                                       std::shared_ptr<sim::Notify> wake) {
  co_await ex_.SleepWithJitter(rm->timeout());
  ex_.Touch(c->state.mu.id(), sim::Access::kWrite);  // `rm`, as above
  // A cancel before this has already dropped its callback (Cancel is final).
  rm->set_on_cancel(nullptr);
  wake->Fire();
}

}  // namespace daemon_core
