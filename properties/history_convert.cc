// Conversions of properties/history_convert.h.
#include "properties/history_convert.h"

#include <algorithm>

namespace properties {

namespace sc = ::dsim::scenario;

model::CallKind CallKindOf(sc::Op op) {
  switch (op) {
    case sc::CREATE:
      return model::CallKind::kCreate;
    case sc::START:
      return model::CallKind::kStart;
    case sc::KILL:
      return model::CallKind::kKill;
    case sc::STOP:
      return model::CallKind::kStop;
    case sc::RESTART:
      return model::CallKind::kRestart;
    case sc::PAUSE:
      return model::CallKind::kPause;
    case sc::UNPAUSE:
      return model::CallKind::kUnpause;
    case sc::WAIT:
      return model::CallKind::kWait;
    case sc::RM:
      return model::CallKind::kRm;
    case sc::EXEC_CREATE:
      return model::CallKind::kExecCreate;
    case sc::EXEC_START:
      return model::CallKind::kExecStart;
    case sc::EXEC_INSPECT:
      return model::CallKind::kExecInspect;
    default:
      return model::CallKind::kInspect;
  }
}

model::WaitCondition WaitConditionOf(sc::WaitCondition c) {
  return c == sc::NEXT_EXIT ? model::WaitCondition::kNextExit
         : c == sc::REMOVED ? model::WaitCondition::kRemoved
                            : model::WaitCondition::kNotRunning;
}

model::RestartPolicy ModelPolicyOf(sc::RestartPolicy p, int max_retry) {
  model::RestartPolicy r;
  using Kind = model::RestartPolicy::Kind;
  r.kind = p == sc::RESTART_ALWAYS           ? Kind::kAlways
           : p == sc::RESTART_ON_FAILURE     ? Kind::kOnFailure
           : p == sc::RESTART_UNLESS_STOPPED ? Kind::kUnlessStopped
                                             : Kind::kNo;
  r.max_retries = max_retry;
  return r;
}

void SetReply(const absl::Status& status, model::Call& call) {
  using model::ErrorKind;
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kOk:
      call.reply = model::Reply::Ok();
      return;
    case absl::StatusCode::kNotFound:
      call.reply = model::Reply::Error(ErrorKind::kNotFound, message);
      return;
    case absl::StatusCode::kFailedPrecondition:
      call.reply = model::Reply::Error(ErrorKind::kConflict, message);
      return;
    case absl::StatusCode::kInvalidArgument:
      call.reply = model::Reply::Error(ErrorKind::kInvalidParameter, message);
      return;
    case absl::StatusCode::kInternal:
      call.reply = model::Reply::Error(ErrorKind::kSystem, message);
      return;
    default:
      call.reply = model::Reply::Error(ErrorKind::kSystem, message);
      call.indeterminate = true;
      return;
  }
}

model::InspectView ViewOf(const daemon_core::ContainerInspectResult& r) {
  model::InspectView v;
  static constexpr std::pair<const char*, model::ContainerStatus> kNames[] = {
      {"created", model::ContainerStatus::kCreated},
      {"running", model::ContainerStatus::kRunning},
      {"paused", model::ContainerStatus::kPaused},
      {"restarting", model::ContainerStatus::kRestarting},
      {"exited", model::ContainerStatus::kExited},
      {"removing", model::ContainerStatus::kRemoving},
      {"dead", model::ContainerStatus::kDead},
  };
  for (const auto& [name, status] : kNames) {
    if (r.status == name) v.status = status;
  }
  v.running = r.running;
  v.paused = r.paused;
  v.restarting = r.restarting;
  v.started_at = r.started_at;
  v.finished_at = r.finished_at;
  v.oom_killed = r.oom_killed;
  v.dead = r.dead;
  v.exit_code = r.exit_code;
  v.restart_count = r.restart_count;
  v.has_pid = r.pid > 0;
  v.has_error = !r.error.empty();
  v.exec_ids = r.exec_ids;
  std::sort(v.exec_ids.begin(), v.exec_ids.end());
  return v;
}

model::ContainerSnapshot SnapshotOf(const daemon_core::Container& c) {
  model::ContainerSnapshot s;
  s.id = c.id;
  using Name = daemon_core::RestartPolicy::Name;
  using Kind = model::RestartPolicy::Kind;
  switch (c.restart_policy.name) {
    case Name::kNo:
      s.policy.kind = Kind::kNo;
      break;
    case Name::kAlways:
      s.policy.kind = Kind::kAlways;
      break;
    case Name::kOnFailure:
      s.policy.kind = Kind::kOnFailure;
      break;
    case Name::kUnlessStopped:
      s.policy.kind = Kind::kUnlessStopped;
      break;
  }
  s.policy.max_retries = c.restart_policy.maximum_retry_count;
  const daemon_core::State& st = c.state;
  s.view.running = st.running;
  s.view.paused = st.paused;
  s.view.restarting = st.restarting;
  s.view.oom_killed = st.oom_killed;
  s.view.exit_code = st.exit_code;
  s.view.dead = st.dead;
  s.view.has_error = !st.error_msg.empty();
  s.view.started_at = st.started_at;
  s.view.finished_at = st.finished_at;
  s.view.status = st.running           ? model::ContainerStatus::kRunning
                  : st.dead            ? model::ContainerStatus::kDead
                  : st.started_at != 0 ? model::ContainerStatus::kExited
                                       : model::ContainerStatus::kCreated;
  s.has_been_manually_stopped = c.has_been_manually_stopped;
  s.restart_count = c.restart_count;
  s.auto_remove = c.auto_remove;
  s.removal_in_progress = st.removal_in_progress;
  return s;
}

}  // namespace properties
