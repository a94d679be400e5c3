// properties/drive_run.cc: one driven run (drive_run.h): the clients, the
// environment's events, the step loop and the quiescence record (the
// harness's own calls are in drive_harness.cc). Over 400 lines: Run's step
// loop and the record it leaves are one protocol (what was issued, released,
// cut by a daemon restart and returned), read together.
#include "properties/drive_run.h"

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "containerd/events/task.pb.h"
#include "containerd/services/containers/v1/containers.pb.h"
#include "containerd/services/tasks/v1/tasks.pb.h"
#include "properties/checks.h"
#include "properties/containerd_state.h"
#include "properties/drive_choice.h"
#include "properties/drive_faults.h"
#include "properties/expectation.h"
#include "properties/history_convert.h"
#include "properties/history_text.h"

namespace properties {

namespace {

namespace sc = ::dsim::scenario;
constexpr char kNs[] = "moby";
// dockerd 20.10 is the legacy design: expectations only_with OBJECTS are not
// checked on it.
constexpr auto kDockerdDesign = daemon_core::libcontainerd::Design::kLegacy;

}  // namespace

namespace {

// One call of a run: the scenario's (or the harness's) and what came back.
struct Issued {
  const sc::Call* call = nullptr;  // null: a harness call (setup)
  model::Call m;
  std::string exec_name;  // EXEC_*: the scenario's name
  bool done = false;
};

struct Client {
  std::string name;
  std::vector<const sc::Call*> calls;  // setup: synthesized
  size_t next = 0;
  uint64_t in_flight = 0;  // the HTTP call's id; 0: none
  size_t issued = 0;       // its index in Run's `issued`
  // WAIT_UNTIL: its inspect did not meet the expect yet, so the same call
  // is offered again (one model call from the first inspect to the last,
  // as the simulated runner records it), once some other step was released
  // since (`released_mark`) or nothing else is pending, until the deadline
  // (wall time).
  bool repoll = false;
  size_t released_mark = 0;
  sim::Nanos poll_deadline = 0;
};

// An environment event as a step's label.
std::string EnvLabel(size_t k, const sc::EnvEvent& e) {
  return absl::StrCat("env #", k + 1, " ", sc::EnvEvent::Kind_Name(e.kind()),
                      e.container().empty() ? "" : " ", e.container());
}

}  // namespace

sim::Task<DriveRunResult> Driver::Run(const sc::Scenario* s, uint64_t seed,
                                      std::vector<std::string> replay) {
  DriveRunResult result;
  const int64_t start = ex_.now();
  DriveChoice choice(options_.strategy, seed, options_.pct_depth,
                     std::move(replay));
  DriveFaults faults(s->faults(), seed);
  model::History h;
  h.spec.oom_at_exit = options_.dockerd_20_10;
  h.spec.oom_killed_until_exit = options_.dockerd_20_10;
  h.faults = faults.enabled();
  // As the simulated runner: a containerd restart may cost the daemon
  // events (what it published while dockerd was not subscribed).
  for (const sc::EnvEvent& e : s->event()) {
    h.faults |= e.kind() == sc::EnvEvent::CONTAINERD_RESTART;
    h.restart_may_fail |= e.kind() == sc::EnvEvent::KILL_PROCESS;
  }
  uint64_t seq = 0;
  std::map<std::string, std::string> names;     // daemon id -> scenario name
  std::map<std::string, std::string> exec_ids;  // scenario exec -> daemon id
  std::map<std::string, std::string> exec_container;  // scenario exec -> its
  gate_.BeginRun();
  gate_.set_tap([&](const fake_containerd::Envelope& e) {
    model::Event ev;
    const std::string& topic = e.topic();
    const std::string& value = e.event().value();
    auto name = [&names](const std::string& id) {
      auto it = names.find(id);
      return it == names.end() ? id : it->second;
    };
    if (topic == "/tasks/exit") {
      containerd::events::TaskExit x;
      x.ParseFromString(value);
      const bool init = x.id() == x.container_id();
      ev.kind =
          init ? model::EventKind::kInitExit : model::EventKind::kExecExit;
      ev.container = name(x.container_id());
      if (!init) ev.exec_id = x.id();
      ev.exit_code = static_cast<int>(x.exit_status());
    } else if (topic == "/tasks/oom" || topic == "/tasks/paused" ||
               topic == "/tasks/resumed") {
      containerd::events::TaskOOM x;  // each names its container in field 1
      x.ParseFromString(value);
      ev.kind = topic == "/tasks/oom"      ? model::EventKind::kOom
                : topic == "/tasks/paused" ? model::EventKind::kPaused
                                           : model::EventKind::kResumed;
      ev.container = name(x.container_id());
    } else {
      return;
    }
    ev.seq = ++seq;
    ev.at = ex_.now() - start;
    h.events.push_back(std::move(ev));
  });
  gate_.set_controlled(true);

  // The harness's setup calls, then the scenario's clients.
  std::vector<std::unique_ptr<sc::Call>> setup_calls;
  std::set<std::string> containers;
  std::map<std::string, int> max_retry;  // a setup container's on-failure
  bool policies = false;                 // some container has a restart policy
  Client setup;
  setup.name = "setup";
  for (const sc::Container& c : s->container()) {
    if (!c.created()) continue;
    containers.insert(c.id());
    policies |= c.restart() != sc::RESTART_NO;
    auto create = std::make_unique<sc::Call>();
    create->set_op(sc::CREATE);
    create->set_container(c.id());
    *create->mutable_args() = c.args();
    create->set_auto_remove(c.auto_remove());
    create->set_restart(c.restart());
    max_retry[c.id()] = c.maximum_retry_count();
    setup.calls.push_back(setup_calls.emplace_back(std::move(create)).get());
    if (!c.started()) continue;
    auto start_call = std::make_unique<sc::Call>();
    start_call->set_op(sc::START);
    start_call->set_container(c.id());
    setup.calls.push_back(
        setup_calls.emplace_back(std::move(start_call)).get());
  }
  std::vector<Client> clients;
  int n = 0;
  for (const sc::Client& cl : s->client()) {
    ++n;
    Client c;
    c.name = cl.name().empty() ? "client" + std::to_string(n) : cl.name();
    for (const sc::Call& call : cl.call()) {
      c.calls.push_back(&call);
      if (call.op() == sc::CREATE) containers.insert(call.container());
      policies |= call.restart() != sc::RESTART_NO;
    }
    clients.push_back(std::move(c));
  }
  std::vector<Issued> issued;
  std::string expectation;  // the first call whose `expect` failed
  const bool check_expect = ExpectationsApply(*s);
  // The environment's events in their order; the strategy places each
  // among the other steps (their after_ms is virtual time, which a driven
  // run does not have).
  std::vector<const sc::EnvEvent*> env;
  for (const sc::EnvEvent& e : s->event()) env.push_back(&e);
  std::stable_sort(env.begin(), env.end(), [](const auto* a, const auto* b) {
    return a->after_ms() < b->after_ms();
  });
  size_t env_next = 0;
  // A daemon restart under way (its record until restore is read), and the
  // HTTP calls it cut: whatever comes back for them is not the API's reply
  // (the connection was reset, or a stopping daemon answered), so they stay
  // without one, indeterminate, as the simulated runner records them.
  bool restarting = false;
  model::DaemonRestart restart;
  // The snapshot of what restore left, taken while the loop goes on (set
  // once it is done): an inspect waits for its container's lock, which a
  // start the restart policy began after restore holds across RPCs the gate
  // holds. Those are released as any step, once dockerd is quiescent, so
  // only while an inspect is stuck.
  std::shared_ptr<std::optional<absl::Status>> snapshot;
  std::set<uint64_t> cut;
  // A containerd restart under way: its event streams ended, and dockerd
  // has not subscribed again yet (subscriptions() is still this). Nothing
  // is released meanwhile, so no event is published while dockerd is not
  // subscribed: the restart takes no time among the steps, as the simulated
  // fake's Restart takes none (dockerd's 100 ms waitServe poll is not a
  // gap in which the scenario's timed events could fall).
  std::optional<uint64_t> containerd_restart;
  sim::Nanos containerd_restart_at = 0;

  auto issue = [&](Client& cl) {
    const sc::Call& c = *cl.calls[cl.next++];
    std::optional<ApiRequest> req =
        ApiRequestOf(c, exec_ids, max_retry[c.container()]);
    if (!req.has_value()) return;  // SLEEP and the like
    if (cl.repoll) {  // WAIT_UNTIL's next inspect, in the same model call
      cl.repoll = false;
      cl.in_flight = http_.Start(req->method, req->path, std::move(req->body));
      return;
    }
    if (c.op() == sc::WAIT_UNTIL) {
      cl.poll_deadline =
          ex_.now() +
          (c.timeout_ms() > 0 ? c.timeout_ms() : 10000) * sim::kMillisecond;
    }
    Issued& is = issued.emplace_back();
    is.call = &c;
    is.exec_name = c.exec();
    model::Call& m = is.m;
    m.client = cl.name;
    m.kind = CallKindOf(c.op());
    m.container = c.container();
    if (c.op() == sc::EXEC_CREATE) exec_container[c.exec()] = c.container();
    if (c.op() == sc::EXEC_START || c.op() == sc::EXEC_INSPECT) {
      m.container = exec_container[c.exec()];
      m.exec_id = exec_ids[c.exec()];
    }
    m.policy = ModelPolicyOf(c.restart(), max_retry[c.container()]);
    m.force = c.force();
    m.auto_remove = c.auto_remove();
    m.condition = WaitConditionOf(c.condition());
    m.invoked = ++seq;
    m.invoked_at = ex_.now() - start;
    cl.issued = issued.size() - 1;
    cl.in_flight = http_.Start(req->method, req->path, std::move(req->body));
  };

  // A finished HTTP call: its reply into the History.
  auto returned = [&](Client& cl, const Reply& r) {
    if (cut.erase(cl.in_flight) > 0) {
      cl.in_flight = 0;
      return;
    }
    Issued& is = issued[cl.issued];
    model::Call& m = is.m;
    m.returned = ++seq;
    m.returned_at = ex_.now() - start;
    const std::string id =
        SetApiReply(is.call->op(), r.status, r.body, r.error, m);
    // Under RPC faults any call may fail half-way with a system error (as
    // properties/scenario_history.cc records it); start, restart and exec
    // start say so in the model themselves.
    if (h.faults && m.reply.kind == model::ErrorKind::kSystem &&
        m.kind != model::CallKind::kStart &&
        m.kind != model::CallKind::kRestart &&
        m.kind != model::CallKind::kExecStart) {
      m.indeterminate = true;
    }
    if (is.call->op() == sc::WAIT_UNTIL && ex_.now() < cl.poll_deadline) {
      const ApiResult a = ApiResultOf(is.call->op(), r.status, r.body, r.error);
      if (!CheckExpectation(*is.call, kDockerdDesign, a.status,
                            a.inspect ? &*a.inspect : nullptr, nullptr, nullptr,
                            m.returned_at / sim::kMillisecond, exec_ids)
               .ok()) {
        m.returned = model::kNever;
        m.inspect.reset();
        cl.repoll = true;
        cl.released_mark = result.decisions.size();
        --cl.next;
        cl.in_flight = 0;
        return;
      }
    }
    if (check_expect && is.call->has_expect() && expectation.empty()) {
      const ApiResult a = ApiResultOf(is.call->op(), r.status, r.body, r.error);
      absl::Status e = CheckExpectation(
          *is.call, kDockerdDesign, a.status, a.inspect ? &*a.inspect : nullptr,
          a.exec ? &*a.exec : nullptr, a.wait ? &*a.wait : nullptr,
          m.returned_at / sim::kMillisecond, exec_ids);
      if (!e.ok()) {
        expectation =
            absl::StrCat(cl.name, ": ", sc::Op_Name(is.call->op()), " ",
                         is.call->container(), is.exec_name, e.message());
      }
    }
    is.done = true;
    cl.in_flight = 0;
    if (id.empty()) return;
    if (is.call->op() == sc::CREATE) {
      names[id] = m.container;
      gate_.AddName(id, m.container);
    } else {
      exec_ids[is.exec_name] = id;
      m.exec_id = id;
      gate_.AddName(id, is.exec_name);
    }
  };

  auto all = [&](auto pred) {
    if (!pred(setup)) return false;
    for (Client& c : clients) {
      if (!pred(c)) return false;
    }
    return true;
  };
  auto finished = [](Client& c) {
    return c.in_flight == 0 && c.next == c.calls.size();
  };

  // An environment event, when the strategy picks it.
  auto run_env = [&](const sc::EnvEvent& e) -> absl::Status {
    std::string id;  // the daemon's id of the event's container, if any
    for (const auto& [daemon_id, name] : names) {
      if (name == e.container()) id = daemon_id;
    }
    switch (e.kind()) {
      case sc::EnvEvent::DAEMON_RESTART:
      case sc::EnvEvent::DAEMON_SHUTDOWN: {
        if (daemon_ == nullptr) {
          return absl::FailedPreconditionError("no daemon to restart");
        }
        for (Client* c : [&] {
               std::vector<Client*> v{&setup};
               for (Client& cl : clients) v.push_back(&cl);
               return v;
             }()) {
          if (c->in_flight != 0) cut.insert(c->in_flight);
        }
        restart = model::DaemonRestart();
        restart.graceful = e.kind() == sc::EnvEvent::DAEMON_SHUTDOWN;
        restart.live_restore = s->live_restore();
        restart.crashed = ++seq;
        restarting = true;
        return daemon_->BeginRestart(restart.graceful);
      }
      case sc::EnvEvent::KILL_PROCESS: {
        if (id.empty()) return absl::OkStatus();
        containerd::services::tasks::v1::KillRequest kill;
        kill.set_container_id(id);
        kill.set_signal(e.signal() != 0 ? e.signal() : 15);
        (void)fake_.Kill(kNs, kill);  // no task: nothing to kill
        return absl::OkStatus();
      }
      case sc::EnvEvent::OOM: {
        if (id.empty()) return absl::OkStatus();
        containerd::events::TaskOOM oom;
        oom.set_container_id(id);
        fake_.events().Publish(kNs, "/tasks/oom", oom);
        return absl::OkStatus();
      }
      case sc::EnvEvent::SHIM_DIES:
        if (!id.empty()) (void)fake_.kernel().KillShim(kNs, id);
        return absl::OkStatus();
      case sc::EnvEvent::CONTAINERD_RESTART:
        containerd_restart = gate_.subscriptions();
        containerd_restart_at = ex_.now();
        gate_.EndEventStreams();
        fake_.Restart();
        return absl::OkStatus();
      default:
        return absl::InvalidArgumentError(
            "drive cannot run environment event " +
            sc::EnvEvent::Kind_Name(e.kind()));
    }
  };

  // A call still out with nothing pending for this long never returns: a
  // few seconds past the longest grace period a stop or restart may wait.
  sim::Nanos stuck = options_.stuck;
  bool auto_remove = false;
  for (const sc::Container& c : s->container()) auto_remove |= c.auto_remove();
  for (const Client& c : clients) {
    for (const sc::Call* call : c.calls) {
      if (call->op() == sc::STOP || call->op() == sc::RESTART) {
        const int64_t ms = call->timeout_ms() == 0 ? 10000 : call->timeout_ms();
        stuck =
            std::max(stuck, WholeSeconds(ms) * sim::kSecond + options_.stuck);
      }
      auto_remove |= call->auto_remove();
    }
  }
  // An AutoRemove runs at the end of the exit handler, inside the
  // container's serial event queue: when the container runs again by then
  // (a restart raced the exit), its rm -f kills it and waits 10 s for an
  // exit queued behind itself (moby 20.10's Kill), while dockerd is idle.
  if (auto_remove) stuck = std::max(stuck, 10 * sim::kSecond + options_.stuck);
  uint64_t last_mark = ~uint64_t{0};
  int64_t quiet_since = ex_.now();
  IdleTrack idle;
  int64_t last_step = ex_.now();  // the last release (for wait_ns)
  std::string failure_invariant, failure;
  for (;;) {
    PollHttp();
    if (restarting && snapshot == nullptr) {
      if (std::optional<absl::Status> done = daemon_->RestartDone()) {
        if (!done->ok()) {
          failure_invariant = "daemon-restart";
          failure = std::string(done->message());
          break;
        }
        snapshot = std::make_shared<std::optional<absl::Status>>();
        ex_.Spawn("restore snapshot", SnapshotInto(names, restart, snapshot));
      }
    }
    if (restarting && snapshot != nullptr && snapshot->has_value()) {
      const absl::Status st = **snapshot;
      snapshot = nullptr;
      if (!st.ok()) {
        failure_invariant = "daemon-restart";
        failure = std::string(st.message());
        break;
      }
      // After the snapshot: an event released meanwhile is one restore may
      // or may not show (the model's restore window).
      restart.restored = ++seq;
      h.restarts.push_back(restart);
      restarting = false;
      last_mark = ~uint64_t{0};
      continue;
    }
    if (containerd_restart.has_value()) {
      if (gate_.subscriptions() > *containerd_restart) {
        containerd_restart.reset();
        last_mark = ~uint64_t{0};
      } else if (ex_.now() - containerd_restart_at >=
                 options_.containerd_resubscribe) {
        failure_invariant = "containerd-restart";
        failure = absl::StrCat(
            "dockerd did not subscribe to containerd's events again within ",
            options_.containerd_resubscribe / sim::kSecond,
            " s of containerd's restart");
        break;
      } else {
        co_await ex_.Sleep(sim::kMillisecond);
        continue;
      }
    }
    uint64_t replies = 0;
    for (Client* cl : [&] {
           std::vector<Client*> v{&setup};
           for (Client& c : clients) v.push_back(&c);
           return v;
         }()) {
      if (cl->in_flight == 0) continue;
      auto it = finished_.find(cl->in_flight);
      if (it == finished_.end()) continue;
      returned(*cl, it->second);
      finished_.erase(it);
      ++replies;
      if (cl == &setup &&
          issued[cl->issued].m.reply.kind != model::ErrorKind::kNone) {
        failure_invariant = "scenario-setup";
        failure = "setup call failed: " + issued[cl->issued].m.reply.message;
      }
    }
    if (!failure.empty()) break;
    const uint64_t mark = gate_.arrivals() + http_.bytes_received() + replies;
    if (mark != last_mark) {
      last_mark = mark;
      quiet_since = ex_.now();
    }
    // While the snapshot reads restore's result, a step goes only to an
    // inspect that nothing answered for a while (a held lock), not between
    // two of its calls.
    constexpr sim::Nanos kSnapshotStuck = 200 * sim::kMillisecond;
    if (!Quiescent(idle, quiet_since, false) ||
        (snapshot != nullptr && ex_.now() - quiet_since < kSnapshotStuck)) {
      co_await ex_.Sleep(sim::kMillisecond);
      continue;
    }
    // Pending: the gate's steps and every idle client's next call (the
    // scenario's clients only once setup is done).
    std::vector<std::string> pending = gate_.Pending();
    std::map<std::string, Client*> call_steps, cancel_steps;
    std::vector<Client*> repolls;
    auto offer = [&](Client& c) {
      // An attached exec start with cancel_after_ms: its client may go away
      // while the call is out (the step closes the connection).
      if (c.in_flight != 0 && !c.repoll && c.next > 0 &&
          c.calls[c.next - 1]->op() == sc::EXEC_START &&
          !c.calls[c.next - 1]->detach() &&
          c.calls[c.next - 1]->cancel_after_ms() > 0) {
        const std::string label =
            absl::StrCat("cancel ", c.name, " #", c.next, " EXEC_START");
        cancel_steps[label] = &c;
        pending.push_back(label);
      }
      if (c.in_flight != 0 || c.next == c.calls.size()) return;
      if (c.repoll && c.released_mark == result.decisions.size()) {
        repolls.push_back(&c);  // offered only if nothing else is
        return;
      }
      const std::string label =
          absl::StrCat("call ", c.name, " #", c.next + 1, " ",
                       sc::Op_Name(c.calls[c.next]->op()));
      call_steps[label] = &c;
      pending.push_back(label);
    };
    offer(setup);
    std::string env_step;
    if (finished(setup) && !restarting) {
      for (Client& c : clients) offer(c);
      if (env_next < env.size()) {
        env_step = EnvLabel(env_next, *env[env_next]);
        pending.push_back(env_step);
      }
    }
    if (pending.empty()) {
      for (Client* c : repolls) {
        c->released_mark = ~size_t{0};
        offer(*c);
      }
    }
    std::sort(pending.begin(), pending.end());
    if (choice.Awaits(pending) &&
        ex_.now() - quiet_since < options_.replay_patience) {
      co_await ex_.Sleep(sim::kMillisecond);
      continue;
    }
    if (pending.empty()) {
      if (restarting) {  // dockerd is down, or starting: nothing to release
        co_await ex_.Sleep(sim::kMillisecond);
        continue;
      }
      if (all(finished) && env_next == env.size() &&
          Quiescent(idle, quiet_since, true)) {
        // A restart policy's restart is due after a backoff of wall time
        // (100 ms doubled per exit): a container dockerd shows Restarting
        // is not settled yet; the run goes on, up to a bound.
        if (policies && ex_.now() - start < options_.policy_settle) {
          bool waiting = false;
          for (const std::string& id : containers) {
            Reply r = co_await CallAndWait(
                "GET", "/containers/" + DaemonName(id) + "/json", "");
            model::Call probe;
            SetApiReply(sc::INSPECT, r.status, r.body, r.error, probe);
            waiting |= probe.inspect.has_value() && probe.inspect->restarting;
          }
          if (waiting) {
            quiet_since = ex_.now();
            continue;
          }
        }
        break;
      }
      if (ex_.now() - quiet_since >= stuck) {
        // Only waits whose condition cannot be met left: their clients give
        // up on them (indeterminate), as the simulated runner's do. Any
        // other call still out never returned.
        std::vector<std::string> out;
        bool only_waits = true;
        std::vector<Client*> every{&setup};
        for (Client& c : clients) every.push_back(&c);
        for (Client* c : every) {
          if (c->in_flight == 0) continue;
          out.push_back(c->name + "'s " +
                        std::string(model::ToString(issued[c->issued].m.kind)));
          only_waits &= issued[c->issued].m.kind == model::CallKind::kWait;
        }
        for (Client* cp : every) {
          Client& c = *cp;
          if (c.in_flight == 0) continue;
          http_.Abort(c.in_flight);
          c.in_flight = 0;
          c.next = c.calls.size();
        }
        if (only_waits) {
          last_mark = ~uint64_t{0};
          continue;
        }
        failure_invariant = "no-pending-call";
        failure = absl::StrCat(
            "call(s) never returned, with nothing left to release: ",
            absl::StrJoin(out, ", "));
        break;
      }
      co_await ex_.Sleep(sim::kMillisecond);
      continue;
    }
    result.wait_ns += ex_.now() - last_step;
    absl::StatusOr<std::string> pick = choice.Pick(pending);
    if (!pick.ok()) {
      result.outcome = DriveRunResult::Outcome::kDiverged;
      result.message = std::string(pick.status().message());
      break;
    }
    // A request's fault: drawn now, or the recording's.
    auto [label, fault] = DriveFaults::Split(*pick);
    // Not during the harness's setup, which must succeed.
    if (!choice.replaying() && finished(setup)) fault = faults.Draw(label);
    result.decisions.push_back(fault.empty() ? label : label + " !" + fault);
    bool sent = true;  // something went to dockerd
    if (auto it = call_steps.find(label); it != call_steps.end()) {
      issue(*it->second);
      sent = it->second->in_flight != 0;
    } else if (auto c = cancel_steps.find(label); c != cancel_steps.end()) {
      // The client goes away: its connection closes and the call stays
      // without a reply (indeterminate). Not a cancel of the exec start:
      // moby's API router runs ContainerExecStart with
      // context.Background(), so dockerd goes on as if the client were
      // there (docs/SCENARIOS.md, "Driving the real dockerd").
      http_.Abort(c->second->in_flight);
      c->second->in_flight = 0;
      sent = false;
    } else if (label == env_step) {
      if (absl::Status st = run_env(*env[env_next++]); !st.ok()) {
        failure_invariant = "daemon-restart";
        failure = std::string(st.message());
        break;
      }
    } else {
      gate_.Release(label, fault);
    }
    Released(idle, label, sent);
    quiet_since = ex_.now();
    last_step = quiet_since;
  }
  result.requests = gate_.requests();
  // The run ended (a violation, a divergence) while dockerd was restarting:
  // let it finish uncontrolled, so that the reset finds it answering.
  if (restarting) {
    gate_.set_controlled(false);
    while (!daemon_->RestartDone().has_value() ||
           (snapshot != nullptr && !snapshot->has_value())) {
      co_await ex_.Sleep(10 * sim::kMillisecond);
    }
  }

  // Quiescence: the daemon's final view, containerd's state, the checks.
  h.quiescent = ++seq;
  RunRecord record;
  if (failure.empty() && result.outcome == DriveRunResult::Outcome::kPassed) {
    for (const std::string& id : containers) {
      Issued& is = issued.emplace_back();
      model::Call& m = is.m;
      m.client = "quiescence";
      m.kind = model::CallKind::kInspect;
      m.container = id;
      m.invoked = ++seq;
      m.invoked_at = ex_.now() - start;
      Reply r = co_await CallAndWait(
          "GET", "/containers/" + DaemonName(id) + "/json", "");
      m.returned = ++seq;
      m.returned_at = ex_.now() - start;
      int64_t pid = 0;
      SetApiReply(sc::INSPECT, r.status, r.body, r.error, m, &pid);
      if (m.inspect.has_value())
        record.final_pids[id] = static_cast<uint32_t>(pid);
      is.done = true;
    }
  }
  for (Issued& is : issued) {
    if (!is.done) {
      is.m.returned = model::kNever;
      is.m.indeterminate = true;
    }
    h.calls.push_back(is.m);
  }
  // containerd names containers by the daemon's ids; the History by names.
  std::map<std::string, std::string> id_of;
  for (const auto& [id, name] : names) id_of[name] = id;
  ExecKeys daemon_execs;
  for (const Issued& is : issued) {
    if (is.call != nullptr && is.call->op() == sc::EXEC_START &&
        !is.m.exec_id.empty()) {
      daemon_execs.emplace_back(id_of[is.m.container], is.m.exec_id);
      record.deletable_execs.emplace_back(is.m.container, is.m.exec_id);
      // dockerd does not restore execs: after a restart, only the runs
      // without one are judged.
      if (!h.faults && h.restarts.empty())
        record.known_execs.emplace_back(is.m.container, is.m.exec_id);
    }
  }
  ContainerdState raw = StateOfFake(fake_, kNs, daemon_execs);
  auto name_of = [&names](const std::string& id) {
    auto it = names.find(id);
    return it == names.end() ? id : it->second;
  };
  for (const std::string& c : raw.containers) {
    record.containerd.containers.push_back(name_of(c));
  }
  for (const auto& [c, st] : raw.tasks)
    record.containerd.tasks[name_of(c)] = st;
  for (const auto& [c, pid] : raw.pids)
    record.containerd.pids[name_of(c)] = pid;
  for (const auto& [k, st] : raw.execs) {
    record.containerd.execs[{name_of(k.first), k.second}] = st;
  }
  for (const std::string& d : result.decisions) {
    if (auto failed = DriveFaults::FailedCall(d)) {
      record.faulted_rpcs.push_back(*std::move(failed));
    }
  }
  record.history = h;
  result.history = RenderHistory(h, 0);
  result.restarts = static_cast<int>(h.restarts.size());
  result.elapsed_ns = ex_.now() - start;
  result.finish_ns = ex_.now() - last_step;
  result.wake_timeouts = idle.wake_timeouts;
  gate_.set_tap(nullptr);
  if (result.outcome == DriveRunResult::Outcome::kDiverged) co_return result;
  if (failure.empty() && !expectation.empty()) {
    failure_invariant = "expectation";
    failure = expectation;
  }
  if (!failure.empty()) {
    result.outcome = DriveRunResult::Outcome::kViolation;
    result.invariant = failure_invariant;
    result.message = failure;
    co_return result;
  }
  for (const Check& check : RecordChecks()) {
    if (absl::Status st = check.judge(record); !st.ok()) {
      result.outcome = DriveRunResult::Outcome::kViolation;
      result.invariant = absl::IsDeadlineExceeded(st)
                             ? std::string("model-inconclusive")
                             : std::string(check.name);
      result.message = std::string(st.message());
      co_return result;
    }
  }
  co_return result;
}

}  // namespace properties
