// daemon_core/container.cc: a container's spec and its checkpoint.
#include "daemon_core/container.h"

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

ContainerCheckpoint Container::ToCheckpoint() const {
  ContainerCheckpoint cp;
  cp.id = id;
  cp.args = args;
  cp.restart_policy = restart_policy;
  cp.running = state.running;
  cp.paused = state.paused;
  cp.restarting = state.restarting;
  cp.oom_killed = state.oom_killed;
  cp.removal_in_progress = state.removal_in_progress;
  cp.dead = state.dead;
  cp.pid = state.pid;
  cp.exit_code = state.exit_code;
  cp.error_msg = state.error_msg;
  cp.started_at = state.started_at;
  cp.finished_at = state.finished_at;
  cp.has_been_started_before = has_been_started_before;
  cp.has_been_manually_stopped = has_been_manually_stopped;
  cp.restart_count = restart_count;
  cp.auto_remove = auto_remove;
  return cp;
}

std::shared_ptr<Container> Container::FromCheckpoint(
    sim::Executor& ex, const ContainerCheckpoint& cp,
    const Mutation& mutation) {
  auto c = std::make_shared<Container>(ex, cp.id, cp.args, cp.restart_policy,
                                       mutation, cp.auto_remove);
  State& s = c->state;
  s.running = cp.running;
  s.paused = cp.paused;
  s.restarting = cp.restarting;
  s.oom_killed = cp.oom_killed;
  s.removal_in_progress = cp.removal_in_progress;
  s.dead = cp.dead;
  s.pid = cp.pid;
  s.exit_code = cp.exit_code;
  s.error_msg = cp.error_msg;
  s.started_at = cp.started_at;
  s.finished_at = cp.finished_at;
  c->has_been_started_before = cp.has_been_started_before;
  c->has_been_manually_stopped = cp.has_been_manually_stopped;
  c->restart_count = cp.restart_count;
  return c;
}

}  // namespace daemon_core
