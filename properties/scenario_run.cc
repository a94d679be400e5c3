// properties/scenario_run.cc: the scenario runner: clients, environment,
// expectations, history, and the checks at quiescence.
#include "properties/scenario_run.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "daemon_core/daemon.h"
#include "daemon_core/errdefs.h"
#include "model/history.h"
#include "properties/checks.h"
#include "properties/containerd_state.h"
#include "properties/expectation.h"
#include "properties/history_convert.h"
#include "properties/live_stack.h"
#include "properties/stack.h"

namespace properties {

namespace {

namespace sc = ::dsim::scenario;
using daemon_core::ContainerInspectResult;
using daemon_core::ExecInspectResult;
using daemon_core::StateStatus;

constexpr char kNs[] = "moby";
// After the clients and events are done: time for exits, restarts and
// deletes in flight to finish before the quiescence checks.
constexpr sim::Nanos kSettle = 2 * sim::kSecond;
// A call that has not returned after this much virtual time with nothing else
// happening is stuck.
constexpr sim::Nanos kStuck = 60 * sim::kSecond;

// One API call as a client saw it.
struct CallRecord {
  std::string client;
  const sc::Call* call = nullptr;
  std::string exec_id;                 // EXEC_*: the daemon's id
  uint64_t invoked = 0, returned = 0;  // sequence numbers
  sim::Nanos invoked_at = 0, returned_at = 0;
  bool done = false;
  absl::Status status;
  std::optional<ContainerInspectResult> inspect;
  std::optional<ExecInspectResult> exec_inspect;
  std::optional<StateStatus> wait;
};


std::string OpName(sc::Op op) { return sc::Op_Name(op); }

daemon_core::RestartPolicy PolicyOf(sc::RestartPolicy p, int max_retry) {
  daemon_core::RestartPolicy r;
  r.name = p == sc::RESTART_ALWAYS ? daemon_core::RestartPolicy::Name::kAlways
           : p == sc::RESTART_ON_FAILURE
               ? daemon_core::RestartPolicy::Name::kOnFailure
               : daemon_core::RestartPolicy::Name::kNo;
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

class ScenarioRun {
 public:
  // Simulated: the fake containerd in process. Live: `live`'s real one (the
  // scenario must be LiveCapable).
  ScenarioRun(sim::Executor& ex, const sc::Scenario& s, RunConfig config,
              LiveStack* live = nullptr)
      : ex_(ex),
        s_(s),
        config_(config),
        live_(live),
        ns_(live != nullptr ? live->live.ns : kNs),
        done_(ex, "scenario done") {
    auto tap = [this](const fake_containerd::Envelope& e) { Observe(e); };
    // The designs legitimately differ here; a planted bug never changes the
    // model.
    hist_.spec.oom_at_exit =
        config.design == daemon_core::libcontainerd::Design::kLegacy;
    const sc::Faults& f = s.faults();
    hist_.faults = f.rpc_unavailable() > 0 || f.reply_lost() > 0 ||
                      f.reply_delayed() > 0 || f.force_size() > 0;
    for (const sc::EnvEvent& e : s.event()) {
      hist_.faults |= e.kind() == sc::EnvEvent::CONTAINERD_RESTART ||
                         e.kind() == sc::EnvEvent::SHIM_DIES;
    }
    if (live_ != nullptr) {
      live_->conn.set_tap(tap);
      return;
    }
    stack_ =
        std::make_unique<Stack>(ex, config.design, config.mutation,
                                s.live_restore(), FaultOptionsOf(s.faults()));
    for (const sc::ForcedFault& f : s.faults().force()) {
      fake_containerd::FaultPoint p;
      if (fake_containerd::ParseFaultPoint(f.point(), &p)) {
        stack_->faults.Force(p, f.count() > 0 ? f.count() : 1, f.method());
      }
    }
    if (s.shared_pids()) stack_->fake.kernel().set_shared_pids(true);
    stack_->daemon_conn.set_tap(tap);
  }

  void Start() {
    ex_.set_step_check([this] { CheckEveryStep(); });
    ex_.Spawn("scenario", Main());
  }

 private:
  uint64_t Seq() { return ++seq_; }
  daemon_core::Daemon& daemon() {
    return live_ != nullptr ? *live_->daemon : *stack_->daemon;
  }

  // An event as the daemon receives it (the tap is on its own stream).
  void Observe(const fake_containerd::Envelope& e) {
    model::Event ev;
    const std::string& topic = e.topic();
    const std::string& value = e.event().value();
    if (topic == "/tasks/exit") {
      containerd::events::TaskExit x;
      x.ParseFromString(value);
      ev.kind = x.id() == x.container_id() ? model::EventKind::kInitExit
                                           : model::EventKind::kExecExit;
      ev.container = x.container_id();
      if (x.id() != x.container_id()) ev.exec_id = x.id();
      ev.exit_code = static_cast<int>(x.exit_status());
    } else if (topic == "/tasks/oom") {
      containerd::events::TaskOOM x;
      x.ParseFromString(value);
      ev.kind = model::EventKind::kOom;
      ev.container = x.container_id();
    } else if (topic == "/tasks/paused" || topic == "/tasks/resumed") {
      containerd::events::TaskPaused x;  // TaskResumed has the same shape
      x.ParseFromString(value);
      ev.kind = topic == "/tasks/paused" ? model::EventKind::kPaused
                                         : model::EventKind::kResumed;
      ev.container = x.container_id();
    } else {
      return;
    }
    ev.seq = Seq();
    ev.at = ex_.now();
    hist_.events.push_back(std::move(ev));
  }

  // A call the harness makes outside the clients (setup, the final reads).
  model::Call& HarnessCall(model::CallKind kind, const std::string& id,
                           const std::string& client) {
    model::Call& c = harness_calls_.emplace_back();
    c.client = client;
    c.kind = kind;
    c.container = id;
    c.invoked = Seq();
    c.invoked_at = ex_.now();
    return c;
  }
  void Returned(model::Call& c, const absl::Status& s) {
    SetReply(s, c);
    c.returned = Seq();
    c.returned_at = ex_.now();
  }

  // The setup: containers declared created or started, and stale containerd
  // containers; then the clients, the environment and the final checks.
  sim::Task<void> Main() {
    co_await daemon().EventMonitorReady();
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
      absl::Status created = co_await daemon().ContainerCreate(
          c.id(), args, PolicyOf(c.restart(), c.maximum_retry_count()));
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
    pending_ = s_.client_size() + s_.event_size();
    if (pending_ == 0) done_.Fire();
    int n = 0;
    for (const sc::Client& c : s_.client()) {
      ++n;
      const std::string name =
          c.name().empty() ? "client" + std::to_string(n) : c.name();
      ex_.Spawn(name, Counted(RunClient(&c, name)));
    }
    for (const sc::EnvEvent& e : s_.event()) {
      ex_.Spawn("env " + sc::EnvEvent::Kind_Name(e.kind()),
                Counted(RunEnvEvent(&e)));
    }
    // Wait for everything, noticing a call that never returns. Progress is an
    // API call made or returned: a container that restarts forever makes
    // events, but no waiter is closer to being woken by them. (One timer, not
    // a poll: every scheduling point here multiplies dfs's schedules.)
    uint64_t last_calls = calls_seen_;
    while (!co_await done_.WaitFor(kStuck)) {
      if (calls_seen_ != last_calls) {
        last_calls = calls_seen_;
        continue;
      }
      if (!CheckStuckCalls()) co_return;
      // Only waits whose condition cannot be met are left: their clients give
      // up on them.
      abandoning_ = true;
      for (sim::TaskId t : std::set<sim::TaskId>(inflight_)) ex_.Cancel(t);
    }
    co_await ex_.Sleep(kSettle);
    // Virtual time moves on only once nothing can run: after this, whatever
    // was due at the settle time (an exit, say) has been handled.
    co_await ex_.Sleep(1);
    hist_.quiescent = Seq();
    // The daemon's final view of every container, judged like any reply.
    for (const std::string& id : ContainerIds()) {
      model::Call& read =
          HarnessCall(model::CallKind::kInspect, id, "quiescence");
      absl::StatusOr<ContainerInspectResult> r =
          co_await daemon().ContainerInspect(id);
      Returned(read, r.status());
      if (r.ok()) {
        read.inspect = ViewOf(*r);
        final_views_[id] = *r;
      }
    }
    ExecKeys execs;
    for (const std::string& exec_id : started_execs_) {
      execs.emplace_back(exec_container_[exec_id], exec_id);
    }
    RunRecord record;
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
    }
    for (const std::string& exec_id : started_execs_) {
      // moby's cancelled attach never deletes its process (moby-daemon.md §3,
      // I13), nor does it restore execs: left out, see
      // check_exec_process_deleted.cc; daemon_lifecycle_test asserts the gap.
      if (cancelled_execs_.count(exec_id) || orphaned_execs_.count(exec_id))
        continue;
      record.deletable_execs.emplace_back(exec_container_[exec_id], exec_id);
    }
    record.history = BuildHistory();
    for (const Check& check : RecordChecks()) {
      if (absl::Status s = check.judge(record); !s.ok()) {
        ex_.Fail(absl::IsDeadlineExceeded(s) ? std::string("model-inconclusive")
                                             : std::string(check.name),
                 std::string(s.message()));
        co_return;
      }
    }
    ex_.Note("all checks passed");
  }

  sim::Task<void> Counted(sim::Task<void> task) {
    co_await std::move(task);
    if (--pending_ == 0) done_.Fire();
  }

  sim::Task<void> RunClient(const sc::Client* client, std::string name) {
    for (const sc::Call& call : client->call()) {
      if (call.op() == sc::SLEEP) {
        co_await ex_.Sleep(call.timeout_ms() * sim::kMillisecond);
        continue;
      }
      // While dockerd restarts, the client retries its connection.
      while (daemon_down_) co_await ex_.Sleep(10 * sim::kMillisecond);
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
      inflight_.insert(h.id);
      co_await ex_.Join(h);
      inflight_.erase(h.id);
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
      if (absl::Status e = CheckExpectation(
              *rec->call, rec->status, rec->inspect ? &*rec->inspect : nullptr,
              rec->exec_inspect ? &*rec->exec_inspect : nullptr,
              rec->wait ? &*rec->wait : nullptr);
          !e.ok()) {
        ex_.Fail("expectation", name + ": " + what + std::string(e.message()));
        co_return;
      }
    }
  }

  std::string Describe(const CallRecord& r) const {
    const sc::Call& c = *r.call;
    std::string s = OpName(c.op());
    if (!c.container().empty()) s += " " + c.container();
    if (!c.exec().empty()) s += " " + c.exec();
    return s;
  }

  sim::Task<void> Invoke(std::shared_ptr<CallRecord> rec) {
    const sc::Call& c = *rec->call;
    daemon_core::Daemon& d = daemon();
    std::vector<std::string> args(c.args().begin(), c.args().end());
    const sim::Nanos timeout =
        (c.timeout_ms() > 0 ? c.timeout_ms() : 10'000) * sim::kMillisecond;
    absl::Status status;
    switch (c.op()) {
      case sc::CREATE:
        status = co_await d.ContainerCreate(c.container(), args,
                                            PolicyOf(c.restart(), 0));
        break;
      case sc::START:
        status = co_await d.ContainerStart(c.container());
        break;
      case sc::KILL:
        status = co_await d.ContainerKill(c.container(),
                                          c.signal() ? c.signal() : 9);
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
            c.condition() == sc::NEXT_EXIT
                ? daemon_core::WaitCondition::kNextExit
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
      case sc::RM:
        status = co_await d.ContainerRm(c.container(), c.force());
        break;
      case sc::EXEC_CREATE: {
        absl::StatusOr<std::string> id =
            co_await d.ContainerExecCreate(c.container(), args);
        status = id.status();
        if (id.ok()) {
          exec_ids_[c.exec()] = *id;
          exec_container_[*id] = c.container();
          rec->exec_id = *id;
        }
        break;
      }
      case sc::EXEC_START: {
        auto it = exec_ids_.find(c.exec());
        if (it == exec_ids_.end()) {
          status = absl::NotFoundError("No such exec instance: " + c.exec());
          break;
        }
        rec->exec_id = it->second;
        started_execs_.insert(it->second);
        std::shared_ptr<daemon_core::Context> ctx;
        if (!c.detach()) {
          ctx = std::make_shared<daemon_core::Context>();
          if (c.cancel_after_ms() > 0) {
            ex_.Spawn("cancel " + c.exec(),
                      CancelAfter(ctx, c.cancel_after_ms() * sim::kMillisecond,
                                  it->second),
                      sim::SpawnOptions{.background = true});
          }
        }
        status = co_await d.ContainerExecStart(it->second, ctx);
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

  bool ExecRegistered(const std::string& container,
                      const std::string& exec_id) {
    const std::string& cid =
        container.empty() ? exec_container_[exec_id] : container;
    auto it = daemon().containers().find(cid);
    return it != daemon().containers().end() &&
           it->second->exec_commands.PeekContains(exec_id);
  }

  sim::Task<void> CancelAfter(std::shared_ptr<daemon_core::Context> ctx,
                              sim::Nanos after, std::string exec_id) {
    co_await ex_.Sleep(after);
    if (!ctx->cancelled()) cancelled_execs_.insert(exec_id);
    ctx->Cancel();
  }

  sim::Task<void> RunEnvEvent(const sc::EnvEvent* e) {
    co_await ex_.Sleep(e->after_ms() * sim::kMillisecond);
    Seq();
    switch (e->kind()) {
      case sc::EnvEvent::DAEMON_RESTART: {
        if (daemon_down_) break;  // killing a dockerd that is down: nothing
        daemon_down_ = true;
        // The API calls in flight die with the daemon.
        for (sim::TaskId t : std::set<sim::TaskId>(inflight_)) ex_.Cancel(t);
        // moby does not restore execs: their processes are the new daemon's
        // to ignore.
        orphaned_execs_.insert(started_execs_.begin(), started_execs_.end());
        model::DaemonRestart restart;
        restart.crashed = Seq();
        stack_->CrashDaemon();
        if (e->down_ms() > 0)
          co_await ex_.Sleep(e->down_ms() * sim::kMillisecond);
        co_await stack_->StartDaemon();
        restart.restored = Seq();
        for (const auto& [id, c] : daemon().containers()) {
          restart.containers.push_back(SnapshotOf(*c));
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
    Seq();
  }

  // A call has not returned for kStuck of virtual time with nothing else
  // happening. A wait whose condition cannot be met yet (its container runs, or
  // next-exit on a stopped one) is a client waiting legitimately; anything else
  // is a violation, reported here (returns false).
  bool CheckStuckCalls() {
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

  // After every step: a running container has a task handle (I11), and an
  // exec listed in its container's ExecCommands has not exited (Running false
  // with an exit code), so no inspect can list it (I1).
  void CheckEveryStep() {
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

  // --- History checkers ------------------------------------------------------

  // Every container the run may have made: the scenario's and the clients'.
  std::set<std::string> ContainerIds() const {
    std::set<std::string> ids;
    for (const sc::Container& c : s_.container()) {
      if (c.created()) ids.insert(c.id());
    }
    for (const auto& r : calls_) {
      if (r->call->op() == sc::CREATE) ids.insert(r->call->container());
    }
    return ids;
  }

  model::Call ModelCall(const CallRecord& r) const {
    const sc::Call& c = *r.call;
    model::Call m;
    m.client = r.client;
    m.kind = CallKindOf(c.op());
    m.container = c.container();
    m.exec_id = r.exec_id;
    if (!r.exec_id.empty()) {
      auto it = exec_container_.find(r.exec_id);
      if (it != exec_container_.end()) m.container = it->second;
    }
    m.policy = ModelPolicyOf(c.restart(), 0);
    m.force = c.force();
    m.condition = WaitConditionOf(c.condition());
    m.invoked = r.invoked;
    m.invoked_at = r.invoked_at;
    m.returned = r.done ? r.returned : model::kNever;
    m.returned_at = r.returned_at;
    SetReply(r.status, m);
    if (m.kind == model::CallKind::kExecStart && absl::IsCancelled(r.status)) {
      // A cancelled attach: moby kills the process and its error defer marks
      // the exec exited with 126, as for a failed start.
      m.indeterminate = false;
    }
    // Under RPC faults any call may fail half-way with a system error.
    const bool may_fail = m.kind == model::CallKind::kStart ||
                          m.kind == model::CallKind::kRestart ||
                          m.kind == model::CallKind::kExecStart;
    if (hist_.faults && m.reply.kind == model::ErrorKind::kSystem &&
        !may_fail) {
      m.indeterminate = true;
    }
    if (r.inspect) m.inspect = ViewOf(*r.inspect);
    if (r.exec_inspect) {
      m.exec = model::ExecView{r.exec_inspect->running,
                               r.exec_inspect->exit_code};
    }
    if (r.wait) m.wait_code = r.wait->exit_code;
    return m;
  }

  model::History BuildHistory() {
    model::History h = hist_;
    h.calls = harness_calls_;
    for (const auto& r : calls_) {
      // An exec the client never had an id for made no API call.
      if (r->exec_id.empty() && (r->call->op() == sc::EXEC_START ||
                                 r->call->op() == sc::EXEC_INSPECT)) {
        continue;
      }
      h.calls.push_back(ModelCall(*r));
    }
    return h;
  }

  sim::Executor& ex_;
  const sc::Scenario& s_;
  RunConfig config_;
  LiveStack* live_;
  std::string ns_;                // the daemon's containerd namespace
  std::unique_ptr<Stack> stack_;  // simulated runs only
  uint64_t seq_ = 0;
  bool daemon_down_ = false;
  bool abandoning_ = false;
  uint64_t calls_seen_ = 0;  // API calls made plus calls returned
  int pending_ = 0;          // clients and environment events not done
  sim::Notify done_;  // when pending_ drops to 0
  std::vector<std::shared_ptr<CallRecord>> calls_;
  std::vector<model::Call> harness_calls_;  // setup and final reads
  model::History hist_;
  std::map<std::string, ContainerInspectResult> final_views_;
  std::map<std::string, std::string> exec_ids_;        // scenario name -> id
  std::map<std::string, std::string> exec_container_;  // id -> container
  std::set<std::string> started_execs_, cancelled_execs_, orphaned_execs_;
  std::set<sim::TaskId> inflight_;
};

}  // namespace

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
