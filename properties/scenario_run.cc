// properties/scenario_run.cc: the scenario runner's driver: setup, the
// clients and the environment spawned, waiting for them (noticing stuck
// calls), the per-step invariants, and the checks once the run settled.
#include "properties/scenario_run.h"

#include "fake_containerd/rpc_log.h"
#include "properties/check_consistent_state.h"
#include "properties/check_saved_state.h"
#include "properties/scenario_runner.h"

namespace properties {
namespace internal {

sim::Task<void> ScenarioRun::Main() {
  co_await daemon().EventMonitorReady();
  // dockerd restores at every start, an empty disk included; here that is
  // only the startup handshake's Version calls (Daemon::Options).
  co_await daemon().Restore();
  for (const sc::Container& c : s_.container()) {
    if (c.stale_in_containerd()) {
      const std::vector<std::string> args(c.args().begin(), c.args().end());
      (void)stack_->LeaveStaleContainer(c.id(), args, /*task=*/false);
    }
    if (!c.created()) continue;
    std::vector<std::string> args(c.args().begin(), c.args().end());
    model::Call& create =
        HarnessCall(model::CallKind::kCreate, c.id(), "setup");
    create.policy = ModelPolicyOf(c.restart(), c.maximum_retry_count());
    create.auto_remove = c.auto_remove();
    absl::Status created = co_await daemon().ContainerCreate(
        c.id(), args, PolicyOf(c.restart(), c.maximum_retry_count()),
        c.auto_remove());
    Returned(create, created);
    if (!created.ok()) {
      ex_.Fail("scenario-setup",
               "create " + c.id() + ": " + std::string(created.message()));
      co_return;
    }
    if (!c.started()) continue;
    model::Call& start = HarnessCall(model::CallKind::kStart, c.id(), "setup");
    absl::Status started = co_await daemon().ContainerStart(c.id());
    Returned(start, started);
    if (!started.ok()) {
      ex_.Fail("scenario-setup",
               "start " + c.id() + ": " + std::string(started.message()));
      co_return;
    }
  }
  // The setup is the scenario's premise, not under test: faults meet only
  // the clients and the environment (as in dsim drive).
  if (stack_ != nullptr) stack_->faults.set_armed(true);
  std::vector<sim::TaskId> participants;  // the clients and the environment
  int n = 0;
  for (const sc::Client& c : s_.client()) {
    ++n;
    const std::string name =
        c.name().empty() ? "client" + std::to_string(n) : c.name();
    participants.push_back(ex_.Spawn(name, RunClient(&c, name, n)).id);
  }
  for (const sc::EnvEvent& e : s_.event()) {
    participants.push_back(
        ex_.Spawn("env " + sc::EnvEvent::Kind_Name(e.kind()), RunEnvEvent(&e))
            .id);
  }
  // Wait for everything, noticing a call that never returns. Progress is an
  // API call made or returned: a container that restarts forever makes
  // events, but no waiter is closer to being woken by them. (One timer, not
  // a poll: every scheduling point here multiplies dfs's schedules. One
  // join of all, not a count of those left: the count would make every
  // client's end a race with the others'.)
  uint64_t last_calls = calls_seen_;
  while (!co_await ex_.JoinAllFor(participants, kStuck)) {
    if (calls_seen_ != last_calls) {
      last_calls = calls_seen_;
      continue;
    }
    if (!CheckStuckCalls()) co_return;
    // Only waits whose condition cannot be met are left: their clients give
    // up on them.
    abandoning_ = true;
    for (const auto& [unused, t] : std::map<int, sim::TaskId>(inflight_)) {
      ex_.Cancel(t);
    }
  }
  co_await ex_.Sleep(kSettle);
  // Virtual time moves on only once nothing can run: after this, whatever
  // was due at the settle time (an exit, say) has been handled.
  co_await ex_.Sleep(1);
  hist_.quiescent = Seq();
  RunRecord record;
  // The daemon's final view of every container, judged like any reply.
  for (const std::string& id : ContainerIds()) {
    model::Call& read =
        HarnessCall(model::CallKind::kInspect, id, "quiescence");
    read.settled = true;
    absl::StatusOr<ContainerInspectResult> r =
        co_await daemon().ContainerInspect(id);
    Returned(read, r.status());
    if (r.ok()) {
      read.inspect = ViewOf(*r);
      final_views_[id] = *r;
      record.final_pids[id] = r->pid;
    }
  }
  ExecKeys execs;
  for (const std::string& exec_id : started_execs_) {
    execs.emplace_back(exec_container_[exec_id], exec_id);
  }
  ContainerdState& cs = record.containerd;
  if (live_ != nullptr) {
    // Straight to containerd: the harness's reads are not the daemon's RPCs.
    absl::StatusOr<ContainerdState> read =
        co_await StateOverRpc(live_->grpc, ns_, std::move(execs));
    if (!read.ok()) {
      ex_.Fail("containerd-state",
               "cannot read containerd's state: " + read.status().ToString());
      co_return;
    }
    cs = std::move(*read);
  } else {
    cs = StateOfFake(stack_->fake, ns_, execs);
    for (const fake_containerd::Faults::Fired& f :
         stack_->faults.fired_rpcs()) {
      record.faulted_rpcs.push_back(
          {f.container, std::string(fake_containerd::FaultPointName(f.point)) +
                            " " + fake_containerd::ShortMethod(f.method)});
    }
  }
  for (const std::string& exec_id : started_execs_) {
    // moby's cancelled attach never deletes its process (moby-daemon.md §3,
    // I13), nor does it restore execs: left out, see
    // check_exec_process_deleted.cc; daemon_lifecycle_test asserts the gap.
    if (!orphaned_execs_.count(exec_id) && !hist_.faults)
      record.known_execs.emplace_back(exec_container_[exec_id], exec_id);
    if (cancelled_execs_.count(exec_id) || orphaned_execs_.count(exec_id))
      continue;
    record.deletable_execs.emplace_back(exec_container_[exec_id], exec_id);
  }
  record.history = BuildHistory();
  // Settling, once all else is recorded: whatever the final inspect showed
  // Restarting is looked at again after its restart was due; and so is a
  // container shown running whose task had stopped (a restart loop never
  // settles: its exit may have been on the way to the daemon).
  std::vector<std::string> running_without_task;
  for (const auto& [id, view] : final_views_) {
    if (view.restarting)
      record.restarting[id].restart_count = view.restart_count;
    auto task = cs.tasks.find(id);
    if (view.running && !view.restarting &&
        (task == cs.tasks.end() ||
         task->second == ContainerdState::Status::kStopped)) {
      running_without_task.push_back(id);
    }
  }
  if (!record.restarting.empty() || !running_without_task.empty()) {
    // Until the longest pending backoff has passed (and at least the first
    // step's, for an exit still on its way).
    sim::Nanos due = daemon_core::RestartManager::kDefaultTimeout;
    for (const auto& [id, r] : record.restarting) {
      auto it = daemon().containers().find(id);
      if (it != daemon().containers().end()) {
        due = std::max(due, it->second->restart_timeout());
      }
    }
    co_await ex_.Sleep(due + kSettle);
    for (auto& [id, r] : record.restarting) {
      absl::StatusOr<ContainerInspectResult> again =
          co_await daemon().ContainerInspect(id);
      r.still_restarting = again.ok() && again->restarting;
      r.restart_count_after = again.ok() ? again->restart_count : 0;
    }
    for (const std::string& id : running_without_task) {
      absl::StatusOr<ContainerInspectResult> again =
          co_await daemon().ContainerInspect(id);
      if (!again.ok() || !again->running || again->restarting ||
          again->pid != final_views_[id].pid) {
        record.exit_in_flight.insert(id);
      }
    }
  }
  for (const Check& check : RecordChecks()) {
    if (absl::Status s = check.judge(record); !s.ok()) {
      ex_.Fail(absl::IsDeadlineExceeded(s) ? std::string("model-inconclusive")
                                           : std::string(check.name),
               std::string(s.message()));
      co_return;
    }
  }
  // dsim's daemon only: dockerd (dsim drive) keeps its disk to itself.
  if (absl::Status s = CheckSavedState(daemon()); !s.ok()) {
    ex_.Fail("saved-state", std::string(s.message()));
    co_return;
  }
  if (absl::Status s = CheckConsistentState(daemon()); !s.ok()) {
    ex_.Fail("consistent-state", std::string(s.message()));
    co_return;
  }
  ex_.Note("all checks passed");
  ex_.Conclude();
}

sim::Task<void> ScenarioRun::RunClient(const sc::Client* client,
                                       std::string name, int index) {
  for (const sc::Call& call : client->call()) {
    if (call.op() == sc::SLEEP) {
      co_await ex_.Sleep(call.timeout_ms() * sim::kMillisecond);
      continue;
    }
    // While dockerd restarts, the client retries its connection.
    Bookkeeping(sim::Access::kRead);
    while (daemon_down_) {
      co_await ex_.Sleep(10 * sim::kMillisecond);
      Bookkeeping(sim::Access::kRead);
    }
    auto rec = std::make_shared<CallRecord>();
    rec->client = name;
    rec->call = &call;
    rec->invoked = Seq();
    ++calls_seen_;
    rec->invoked_at = ex_.now();
    calls_.push_back(rec);
    const std::string what = Describe(*rec);
    ex_.Note(name + " -> " + what);
    sim::JoinHandle<void> h = ex_.Spawn(name + ": " + what, Invoke(rec));
    inflight_[index] = h.id;
    co_await ex_.Join(h);
    // A reset call's exec id is gone for every client.
    Bookkeeping(rec->reset ? sim::Access::kWrite : sim::Access::kRead);
    if (rec->reset || NamesExecs(*rec->call)) {
      ExecIds(rec->reset ? sim::Access::kWrite : sim::Access::kRead);
    }
    inflight_.erase(index);
    if (rec->reset) {
      // Whatever the handler did, the client saw no reply, and no exec id.
      rec->done = false;
      rec->inspect.reset();
      rec->exec_inspect.reset();
      rec->wait.reset();
      if (rec->call->op() == sc::EXEC_CREATE && !rec->exec_id.empty()) {
        exec_ids_.erase(rec->call->exec());
        exec_container_.erase(rec->exec_id);
        rec->exec_id.clear();
      }
    }
    if (!rec->done) {
      // Cancelled by a daemon restart (the connection was reset), or a
      // wait the client gave up on.
      rec->status = abandoning_
                        ? absl::CancelledError("the client gave up waiting")
                        : absl::UnavailableError(
                              "connection reset: the daemon restarted");
      rec->done = true;
      rec->returned = Seq();
      rec->returned_at = ex_.now();
    }
    ex_.Note(name + " <- " + what + ": " +
             (rec->status.ok() ? std::string("OK") : rec->status.ToString()));
    // moby saves a container under its lock after every change, so whenever
    // a call returns, each container no one holds is on disk as shown: a
    // change that a later call undoes or removes would otherwise escape the
    // checks at quiescence and at a crash.
    if (!daemon_down_) {
      for (const auto& [id, c] : daemon().containers()) {
        ex_.Touch(c->state.mu.id(), sim::Access::kRead);
      }
      const std::string when = "when " + name + "'s " + what + " returned";
      if (absl::Status s = CheckSavedState(daemon(), when); !s.ok()) {
        ex_.Fail("saved-state", std::string(s.message()));
        co_return;
      }
      if (absl::Status s = CheckConsistentState(daemon(), when); !s.ok()) {
        ex_.Fail("consistent-state", std::string(s.message()));
        co_return;
      }
    }
    if (absl::Status e =
            CheckExpectation(*rec->call, config_.design, rec->status,
                             rec->inspect ? &*rec->inspect : nullptr,
                             rec->exec_inspect ? &*rec->exec_inspect : nullptr,
                             rec->wait ? &*rec->wait : nullptr,
                             rec->returned_at / sim::kMillisecond, exec_ids_);
        !e.ok()) {
      ex_.Fail("expectation", name + ": " + what + std::string(e.message()));
      co_return;
    }
  }
}

std::string ScenarioRun::Describe(const CallRecord& r) const {
  const sc::Call& c = *r.call;
  std::string s = OpName(c.op());
  if (!c.container().empty()) s += " " + c.container();
  if (!c.exec().empty()) s += " " + c.exec();
  return s;
}

bool ScenarioRun::CheckStuckCalls() {
  for (const auto& r : calls_) {
    if (r->done) continue;
    const sc::Call& c = *r->call;
    const std::string where =
        r->client + ": " + Describe(*r) + " has not returned " +
        std::to_string((ex_.now() - r->invoked_at) / sim::kSecond) +
        "s after it was called";
    if (c.op() != sc::WAIT) {
      ex_.Fail("no-pending-call", where);
      return false;
    }
    const auto& containers = daemon().containers();
    auto it = containers.find(c.container());
    const bool exists = it != containers.end();
    const bool running = exists && it->second->state.running;
    const bool legit = exists && !it->second->state.removed &&
                       (running || c.condition() != sc::NOT_RUNNING);
    if (!legit) {
      ex_.Fail("every-waiter-woken",
               where + (exists ? "; the container is not running"
                               : "; the container was removed"));
      return false;
    }
  }
  return true;
}

void ScenarioRun::CheckSend(std::string_view method,
                            const google::protobuf::Message& request) {
  if (ex_.halted()) return;
  std::string missing = ContainerLockMissing(method, request, daemon(), ex_);
  if (!missing.empty()) ex_.Fail("container-lock-held", std::move(missing));
}

void ScenarioRun::CheckEveryStep() {
  for (const auto& [id, c] : daemon().containers()) {
    const daemon_core::State& st = c->state;
    if (st.running && !st.restarting && !c->restoring && c->task == nullptr) {
      ex_.Fail("running-has-task",
               "container " + id + " is Running without a task handle");
      return;
    }
    for (const auto& [exec_id, ec] : c->exec_commands.Peek()) {
      if (!ec->running.Peek() && ec->exit_code.Peek().has_value()) {
        ex_.Fail("exec-ids-never-exited",
                 "exec " + exec_id + " of " + id + " has exited (code " +
                     std::to_string(*ec->exit_code.Peek()) +
                     ") but is still in the container's ExecCommands");
        return;
      }
    }
  }
}

}  // namespace internal

using internal::ScenarioRun;
namespace sc = ::dsim::scenario;

absl::Status LiveCapable(const dsim::scenario::Scenario& s) {
  auto no = [&](const std::string& why) {
    return absl::FailedPreconditionError("scenario '" + s.name() +
                                         "' cannot run live: " + why);
  };
  if (s.event_size() > 0) {
    return no("its environment events (" +
              sc::EnvEvent::Kind_Name(s.event(0).kind()) +
              ") need control of containerd and dockerd");
  }
  const sc::Faults& f = s.faults();
  if (f.rpc_unavailable() > 0 || f.reply_lost() > 0 || f.reply_delayed() > 0 ||
      f.exec_start_fails() > 0 || f.force_size() > 0) {
    return no("its faults are injected by the fake containerd");
  }
  if (s.shared_pids()) return no("shared pids need the fake's kernel");
  for (const sc::Container& c : s.container()) {
    if (c.stale_in_containerd()) {
      return no("its stale containerd container is planted in the fake");
    }
  }
  return absl::OkStatus();
}

sim::Setup LiveScenarioProgram(const dsim::scenario::Scenario& scenario,
                               RunConfig config, LiveOptions live,
                               wire::CompletionLoop& loop) {
  return [&scenario, config, live,
          &loop](sim::Executor& ex) -> std::shared_ptr<void> {
    struct KeepAlive {
      std::unique_ptr<LiveStack> stack;
      std::unique_ptr<ScenarioRun> run;  // destroyed first: it uses stack
    };
    ex.set_outside(&loop);
    auto keep = std::make_shared<KeepAlive>();
    keep->stack = std::make_unique<LiveStack>(ex, loop, live, config.design,
                                              config.mutation);
    keep->run =
        std::make_unique<ScenarioRun>(ex, scenario, config, keep->stack.get());
    keep->run->Start();
    return keep;
  };
}

sim::Setup ScenarioProgram(const dsim::scenario::Scenario& scenario,
                           RunConfig config) {
  return [&scenario, config](sim::Executor& ex) -> std::shared_ptr<void> {
    auto run = std::make_shared<ScenarioRun>(ex, scenario, config);
    run->Start();
    return run;
  };
}

}  // namespace properties
