// properties/scenario_runner.h: the scenario runner's one class, shared by
// the files that implement it: scenario_run.cc (the driver: setup, clients,
// waiting, the checks), scenario_calls.cc (API calls and environment events)
// and scenario_history.cc (what the run records for the checks). Internal to
// properties/.
#ifndef DSIM_PROPERTIES_SCENARIO_RUNNER_H_
#define DSIM_PROPERTIES_SCENARIO_RUNNER_H_

#include <algorithm>
#include <functional>
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
#include "properties/check_container_lock.h"
#include "properties/checks.h"
#include "properties/containerd_state.h"
#include "properties/expectation.h"
#include "properties/history_convert.h"
#include "properties/live_stack.h"
#include "properties/scenario_run.h"
#include "properties/stack.h"

namespace properties::internal {

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
  // The daemon's API closed while the call was in flight (a graceful stop):
  // its handler goes on in the stopping daemon, but the client sees the
  // connection reset.
  bool reset = false;
  absl::Status status;
  std::optional<ContainerInspectResult> inspect;
  std::optional<ExecInspectResult> exec_inspect;
  std::optional<StateStatus> wait;
};

std::string OpName(sc::Op op);
daemon_core::RestartPolicy PolicyOf(sc::RestartPolicy p, int max_retry);
fake_containerd::FaultOptions FaultOptionsOf(const sc::Faults& f);

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
        bookkeeping_(ex.NewObject("harness bookkeeping")) {
    auto tap = [this](const fake_containerd::Envelope& e) { Observe(e); };
    // The designs legitimately differ here; a planted bug never changes the
    // model.
    const bool legacy =
        config.design == daemon_core::libcontainerd::Design::kLegacy;
    hist_.spec.oom_at_exit = legacy;
    hist_.spec.exit_of_stopped_handled = !legacy;
    const sc::Faults& f = s.faults();
    hist_.faults = f.rpc_unavailable() > 0 || f.reply_lost() > 0 ||
                   f.reply_delayed() > 0 || f.force_size() > 0;
    for (const sc::EnvEvent& e : s.event()) {
      hist_.faults |= e.kind() == sc::EnvEvent::CONTAINERD_RESTART ||
                      e.kind() == sc::EnvEvent::SHIM_DIES;
      hist_.restart_may_fail |= e.kind() == sc::EnvEvent::KILL_PROCESS;
    }
    auto send_check = [this](std::string_view method,
                             const google::protobuf::Message& request) {
      CheckSend(method, request);
    };
    if (live_ != nullptr) {
      live_->conn.set_tap(tap);
      live_->conn.set_send_check(send_check);
      live_->daemon->set_event_handled(HandledHook());
      return;
    }
    ex_.TrackHappensBefore();
    stack_ =
        std::make_unique<Stack>(ex, config.design, config.mutation,
                                s.live_restore(), FaultOptionsOf(s.faults()));
    stack_->faults.set_armed(false);  // until the setup is done (Main)
    for (const sc::ForcedFault& f : s.faults().force()) {
      fake_containerd::FaultPoint p;
      if (fake_containerd::ParseFaultPoint(f.point(), &p)) {
        stack_->faults.Force(p, f.count() > 0 ? f.count() : 1, f.method());
      }
    }
    if (s.shared_pids()) stack_->fake.kernel().set_shared_pids(true);
    stack_->daemon_conn.set_tap(tap);
    stack_->daemon_conn.set_send_check(send_check);
    stack_->daemon->set_event_handled(HandledHook());
  }

  void Start() {
    ex_.set_step_check([this] { CheckEveryStep(); });
    ex_.Spawn("scenario", Main());
  }

 private:
  // The harness's bookkeeping (calls in flight, whether the daemon is down,
  // which daemon serves, the clients' contexts) is shared by its tasks: one
  // object in their steps' footprints, bookkeeping_. A client's own changes
  // to it (a call added to its sets, a counter moved) commute with another
  // client's and are reads; what others act on (a reset call, the daemon
  // going down, a cancel) is a write. Exec ids have an object of their own.
  void Bookkeeping(sim::Access a = sim::Access::kWrite) {
    ex_.Touch(bookkeeping_, a);
  }
  // The exec ids the scenario's exec names stand for (exec_ids_,
  // exec_container_) are another object, an untraced part of bookkeeping_'s
  // id: an EXEC_CREATE then races only with the calls that look a name up.
  void ExecIds(sim::Access a) {
    ex_.Touch(sim::ChannelPartId(bookkeeping_, sim::ChannelPart::kSendSide), a);
  }
  // Whether judging the call's expectation reads them.
  static bool NamesExecs(const sc::Call& c) {
    return c.has_expect() && c.expect().exec_ids_listed_size() > 0;
  }
  // The next position in the history. Simulated runs stamp it with its place
  // in the steps' happens-before order, which the checks read instead of the
  // sequence: so two clients' calls that touch nothing in common are not a
  // race for partial-order reduction to reverse.
  uint64_t Seq() {
    static_assert(sim::kNoTask == model::PositionOrder::kOutsideSteps);
    if (live_ == nullptr) {
      sim::OrderStamp s = ex_.StampOrder();
      hist_.order.push_back(
          model::PositionOrder{s.task, s.step, std::move(s.seen)});
    }
    return ++seq_;
  }
  daemon_core::Daemon& daemon() {
    return live_ != nullptr ? *live_->daemon : *stack_->daemon;
  }

  // A request the daemon is about to send, in the sending task.
  void CheckSend(std::string_view method,
                 const google::protobuf::Message& request);
  // An event as the daemon receives it (the tap is on its own stream).
  void Observe(const fake_containerd::Envelope& e);
  // The current daemon's event queue handled an event: the earliest one
  // received and not yet handled that matches gets `handled`. A daemon that
  // was killed says nothing more (its generation is gone).
  std::function<void(daemon_core::EventType, const daemon_core::EventInfo&)>
  HandledHook() {
    return [this, g = generation_](daemon_core::EventType t,
                                   const daemon_core::EventInfo& i) {
      if (g == generation_) Handled(t, i);
    };
  }
  void Handled(daemon_core::EventType type, const daemon_core::EventInfo& info);
  // Before a daemon is started again: its predecessor's events are done.
  void NextDaemon() {
    ++generation_;
    events_from_ = hist_.events.size();
    if (stack_ != nullptr) stack_->options.event_handled = HandledHook();
  }

  // A call the harness makes outside the clients (setup, the final reads).
  model::Call& HarnessCall(model::CallKind kind, const std::string& id,
                           const std::string& client);
  void Returned(model::Call& c, const absl::Status& s);

  // The setup: containers declared created or started, and stale containerd
  // containers; then the clients, the environment and the final checks.
  sim::Task<void> Main();

  sim::Task<void> RunClient(const sc::Client* client, std::string name,
                            int index);

  std::string Describe(const CallRecord& r) const;

  sim::Task<void> Invoke(std::shared_ptr<CallRecord> rec);

  bool ExecRegistered(const std::string& container, const std::string& exec_id);

  sim::Task<void> CancelAfter(std::shared_ptr<daemon_core::Context> ctx,
                              sim::Nanos after, std::string exec_id);

  sim::Task<void> RunEnvEvent(const sc::EnvEvent* e);

  // A call has not returned for kStuck of virtual time with nothing else
  // happening. A wait whose condition cannot be met yet (its container runs, or
  // next-exit on a stopped one) is a client waiting legitimately; anything else
  // is a violation, reported here (returns false).
  bool CheckStuckCalls();

  // After every step: a running container has a task handle (I11), and an
  // exec listed in its container's ExecCommands has not exited (Running false
  // with an exit code), so no inspect can list it (I1).
  void CheckEveryStep();

  // --- History checkers ------------------------------------------------------

  // Every container the run may have made: the scenario's and the clients'.
  std::set<std::string> ContainerIds() const;

  model::Call ModelCall(const CallRecord& r) const;

  // Moves the history out (once, at the run's end) with the calls added.
  model::History BuildHistory();

  sim::Executor& ex_;
  const sc::Scenario& s_;
  RunConfig config_;
  LiveStack* live_;
  std::string ns_;                // the daemon's containerd namespace
  std::unique_ptr<Stack> stack_;  // simulated runs only
  uint64_t seq_ = 0;
  int generation_ = 0;      // of the daemon, for HandledHook
  size_t events_from_ = 0;  // hist_.events the current daemon received
  bool daemon_down_ = false;
  bool abandoning_ = false;
  uint64_t calls_seen_ = 0;    // API calls made plus calls returned
  sim::ObjectId bookkeeping_;  // see Bookkeeping
  std::vector<std::shared_ptr<CallRecord>> calls_;
  std::vector<model::Call> harness_calls_;  // setup and final reads
  model::History hist_;
  std::map<std::string, ContainerInspectResult> final_views_;
  std::map<std::string, std::string> exec_ids_;        // scenario name -> id
  std::map<std::string, std::string> exec_container_;  // id -> container
  std::set<std::string> started_execs_, cancelled_execs_, orphaned_execs_;
  // Each client's call in flight, by the client's place in the scenario: a
  // daemon restart cancels them in that order, not in the order they were
  // spawned (which two independent steps may swap).
  std::map<int, sim::TaskId> inflight_;
};

}  // namespace properties::internal

#endif  // DSIM_PROPERTIES_SCENARIO_RUNNER_H_
