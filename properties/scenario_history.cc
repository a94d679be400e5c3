// properties/scenario_runner.h: what a run of ScenarioRun records for the
// checks: the events the daemon received, the harness's own calls, and the
// clients' calls as a model::History.
#include "properties/scenario_runner.h"

namespace properties::internal {

void ScenarioRun::Observe(const fake_containerd::Envelope& e) {
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

void ScenarioRun::Handled(daemon_core::EventType type,
                          const daemon_core::EventInfo& info) {
  model::EventKind kind;
  switch (type) {
    case daemon_core::EventType::kExit:
      kind = info.process_id == info.container_id ? model::EventKind::kInitExit
                                                  : model::EventKind::kExecExit;
      break;
    case daemon_core::EventType::kOom:
      kind = model::EventKind::kOom;
      break;
    case daemon_core::EventType::kPaused:
      kind = model::EventKind::kPaused;
      break;
    case daemon_core::EventType::kResumed:
      kind = model::EventKind::kResumed;
      break;
    default:
      return;  // not in the history
  }
  for (size_t i = events_from_; i < hist_.events.size(); ++i) {
    model::Event& e = hist_.events[i];
    if (e.handled != 0 || e.kind != kind || e.container != info.container_id ||
        (kind == model::EventKind::kExecExit && e.exec_id != info.process_id)) {
      continue;
    }
    e.handled = Seq();
    return;
  }
}

model::Call& ScenarioRun::HarnessCall(model::CallKind kind,
                                      const std::string& id,
                                      const std::string& client) {
  model::Call& c = harness_calls_.emplace_back();
  c.client = client;
  c.kind = kind;
  c.container = id;
  c.invoked = Seq();
  c.invoked_at = ex_.now();
  return c;
}

void ScenarioRun::Returned(model::Call& c, const absl::Status& s) {
  SetReply(s, c);
  c.returned = Seq();
  c.returned_at = ex_.now();
}

std::set<std::string> ScenarioRun::ContainerIds() const {
  std::set<std::string> ids;
  for (const sc::Container& c : s_.container()) {
    if (c.created()) ids.insert(c.id());
  }
  for (const auto& r : calls_) {
    if (r->call->op() == sc::CREATE) ids.insert(r->call->container());
  }
  return ids;
}

model::Call ScenarioRun::ModelCall(const CallRecord& r) const {
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
  m.auto_remove = c.auto_remove();
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
    m.cancelled = true;
  }
  // Under RPC faults any call may fail half-way with a system error. The
  // model takes these failures as they are: a start's error defer, and rm's
  // deferred reset of its mark, both done before the reply.
  const bool may_fail = m.kind == model::CallKind::kStart ||
                        m.kind == model::CallKind::kRestart ||
                        m.kind == model::CallKind::kExecStart ||
                        m.kind == model::CallKind::kRm;
  if (hist_.faults && m.reply.kind == model::ErrorKind::kSystem && !may_fail) {
    m.indeterminate = true;
  }
  if (r.inspect) m.inspect = ViewOf(*r.inspect);
  if (r.exec_inspect) {
    m.exec = model::ExecView{r.exec_inspect->running, r.exec_inspect->exit_code,
                             r.exec_inspect->pid > 0};
  }
  if (r.wait) m.wait_code = r.wait->exit_code;
  return m;
}

model::History ScenarioRun::BuildHistory() {
  // Called once, at the run's end: what is observed later is not judged.
  model::History h = std::move(hist_);
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

}  // namespace properties::internal
